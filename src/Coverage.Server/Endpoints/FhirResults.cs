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
        return types.Any(t => t.Quality is not 0 && JsonTypes.Contains(t.MediaType.Value, StringComparer.OrdinalIgnoreCase));
    }
}
