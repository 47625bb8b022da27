using Coverage.Engine.Json;
using Coverage.Engine.Text;
using Coverage.Fhir;
using Coverage.Server.Endpoints;
using Hl7.Fhir.Model;

namespace Coverage.Server.Subscriptions;

/// <summary>
/// The inputs of $status at the type level (backport-subscription-status): `id` (Subscription ids) and `status`
/// (Subscription status codes), each 0..*, several values of one parameter joined by OR — repeated, or comma-separated
/// in a query — from the query of a GET or the Parameters of a POST. Each refusal is a 400 OperationOutcome naming the
/// parameter.
/// </summary>
internal sealed record StatusQuery(IReadOnlyList<string> Ids, IReadOnlyList<string> Statuses)
{
    /// <summary>R4 Subscription.status (required binding): what a status filter may name.</summary>
    private static readonly string[] StatusCodes = ["requested", "active", "error", "off"];

    /// <summary>Values one call may name: an organisation holds at most a few dozen subscriptions.</summary>
    private const int MaxValues = 100;

    public static async Task<(StatusQuery? Query, IResult? Failure)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        List<string> ids, statuses;
        if (HttpMethods.IsPost(request.Method))
        {
            // A body of text/plain was read as Parameters; every other FHIR write answers 415.
            if (request.ContentLength is not 0 && !FhirResults.SendsJson(request)) return (null, FhirResults.NotJson("the Parameters"));
            var bytes = await RequestBody.ReadAsync(request, cancellationToken);
            (ids, statuses) = ([], []);
            if (bytes.Length > 0)
            {
                if (JsonText.Check(bytes, 32) is { } invalid) return Invalid($"The Parameters are invalid: {invalid.Message}.", "Parameters");
                var parameters = FhirJson.Parse<Parameters>(System.Text.Encoding.UTF8.GetString(bytes), out var problems);
                if (parameters is null) return (null, FhirResults.Outcome(problems!, 400));
                foreach (var parameter in parameters.Parameter)
                {
                    var list = parameter.Name switch { "id" => ids, "status" => statuses, _ => null };
                    if (list is null)
                        return Invalid($"$status takes id and status; not '{Bounded.Text(parameter.Name ?? "", 64)}'.", "Parameters.parameter");
                    if (parameter.Value is not PrimitiveType { } value || value.ToString() is not { Length: > 0 } text)
                        return Invalid($"{parameter.Name} must be given as a value (valueId, valueCode or valueString).", parameter.Name!);
                    list.Add(text);
                }
            }
        }
        else
        {
            // id and status may repeat (joined by OR); another parameter was passed over, answering every subscription.
            if (request.Query.Keys.FirstOrDefault(k => k is not ("id" or "status" or "_format")) is { } other)
                return Invalid($"$status takes id and status; not '{Bounded.Text(other, 64)}'.", Bounded.Text(other, 64));
            ids = Split(request.Query["id"]);
            statuses = Split(request.Query["status"]);
        }
        if (ids.Count + statuses.Count > MaxValues) return Invalid($"$status takes at most {MaxValues} values of id and status together.", ids.Count > statuses.Count ? "id" : "status");
        if (statuses.FirstOrDefault(s => !StatusCodes.Contains(s, StringComparer.Ordinal)) is { } unknown)
            return Invalid($"status must be one of {string.Join(", ", StatusCodes)}, not '{Bounded.Text(unknown, 32)}'.", "status");
        return (new StatusQuery(ids, statuses), null);
    }

    private static List<string> Split(Microsoft.Extensions.Primitives.StringValues values) =>
        [.. values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];

    private static (StatusQuery?, IResult?) Invalid(string message, string expression) => (null, FhirResults.Outcome(Outcomes.Invalid(message, expression), 400));
}
