namespace Coverage.Server.Endpoints;

/// <summary>
/// The route constraint of a FHIR resource id (<c>{id:fhir-id}</c>): any segment but an operation's name. A FHIR id is
/// <c>[A-Za-z0-9\-\.]{1,64}</c>, never <c>$…</c>; without it, <c>GET /fhir/Questionnaire/$questionnaire-package</c>
/// (an operation that takes POST) was read as the Questionnaire "$questionnaire-package" and answered 404, and
/// <c>PUT /fhir/Subscription/$status</c> as an update of the Subscription "$status". With it no resource route takes
/// such a request, and <see cref="Errors.OperationMethods"/> answers it 405 with the operation's Allow (an OperationOutcome).
/// </summary>
internal sealed class FhirResourceId : IRouteConstraint
{
    public const string Name = "fhir-id";

    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
        values.TryGetValue(routeKey, out var value) && Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) is { Length: > 0 } id && id[0] != '$';
}
