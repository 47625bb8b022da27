using Coverage.Fhir;
using Hl7.Fhir.Model;

namespace Coverage.Server.Endpoints;

/// <summary>FHIR JSON responses written with the Firely serializer.</summary>
internal static class FhirResults
{
    public const string ContentType = "application/fhir+json";

    public static IResult Resource(Resource resource, int status = 200) => new FhirResourceResult(resource, status);

    public static IResult Outcome(OperationOutcome outcome, int status) => Resource(outcome, status);

    /// <summary>The media types (Accept) and _format values under which a client takes FHIR JSON.</summary>
    private static readonly string[] JsonTypes = ["*/*", "application/*", "application/json", ContentType];
    private static readonly string[] JsonFormats = ["json", "application/json", ContentType];

    /// <summary>
    /// Whether the client takes what this server writes (FHIR JSON): no Accept, or one naming JSON or a wildcard with a
    /// quality above 0; and no <c>_format</c>, or a JSON one. A client asking only for XML or Turtle is answered 406.
    /// </summary>
    public static bool AcceptsJson(HttpRequest request)
    {
        var format = request.Query["_format"].ToString();
        if (format.Length > 0 && !JsonFormats.Contains(format.Split(';')[0].Trim(), StringComparer.OrdinalIgnoreCase)) return false;
        var accept = request.Headers.Accept;
        if (accept.Count == 0 || string.IsNullOrWhiteSpace(accept.ToString())) return true;
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParseList(accept, out var types)) return true;
        return types.Any(t => t.Quality is not 0 && JsonTypes.Contains(t.MediaType.Value, StringComparer.OrdinalIgnoreCase) && IsR4(t));
    }

    /// <summary>
    /// A media type's <c>fhirVersion</c> parameter (FHIR R4 §3.1.0.1.4, "FHIR Version parameter"), when given, names
    /// R4 (4.0): a client asking for <c>application/fhir+json; fhirVersion=3.0</c> takes STU3, which this server does not write.
    /// </summary>
    private static bool IsR4(Microsoft.Net.Http.Headers.MediaTypeHeaderValue type) =>
        type.Parameters.FirstOrDefault(p => p.Name.Equals("fhirVersion", StringComparison.OrdinalIgnoreCase)) is not { } version
        || version.Value.Value is { } value && (value.Trim('"') is "4.0" || value.Trim('"').StartsWith("4.0.", StringComparison.Ordinal));

    /// <summary>
    /// The filter of every /fhir group: 406 to a client that takes only formats this server does not write
    /// (application/fhir+xml, another FHIR version…), not JSON it did not ask for.
    /// </summary>
    public static async ValueTask<object?> JsonOnly(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        AcceptsJson(context.HttpContext.Request)
            ? await next(context)
            : Outcome(Outcomes.Of(Errors.FhirErrors.IssueOf(StatusCodes.Status406NotAcceptable),
                "This server answers in application/fhir+json only; accept it (or */*)."), StatusCodes.Status406NotAcceptable);

    /// <summary>Whether a request's body is declared JSON (application/fhir+json or application/json): what every FHIR write takes.</summary>
    public static bool SendsJson(HttpRequest request) =>
        request.HasJsonContentType() || request.ContentType?.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>The 415 of a FHIR write whose body is not declared JSON, saying what to send.</summary>
    public static IResult NotJson(string what) =>
        Outcome(Outcomes.Of(Errors.FhirErrors.IssueOf(StatusCodes.Status415UnsupportedMediaType), $"Send {what} as application/fhir+json."), StatusCodes.Status415UnsupportedMediaType);
}
