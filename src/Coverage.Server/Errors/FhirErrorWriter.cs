using Coverage.Fhir;
using Coverage.Server.Endpoints;

namespace Coverage.Server.Errors;

/// <summary>
/// Writes the problem details that the pipeline raises before or around an endpoint — the status code pages
/// (401 challenge, 403, 404, 405), malformed requests (<see cref="ClientErrors"/>: 400, 408, 413), rate limits
/// (429), outages (<see cref="DatabaseOutageResponder"/>: 503) and the exception handler (500) — as an
/// OperationOutcome on the FHIR surface (<see cref="FhirErrors.Covers"/>). A FHIR client gets a FHIR answer,
/// whatever its Accept header says; everything else falls through to the default problem details writer.
/// </summary>
internal sealed class FhirErrorWriter : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => FhirErrors.Covers(context.HttpContext.Request.Path);

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var response = context.HttpContext.Response;
        var status = context.ProblemDetails.Status ?? response.StatusCode;
        // The detail is what the raiser chose to say (never an exception's text: the exception handler gives none).
        var message = context.ProblemDetails.Detail is { Length: > 0 } detail ? detail : FhirErrors.DefaultMessage(status);
        response.StatusCode = status;
        response.ContentType = FhirResults.ContentType;
        return new ValueTask(response.WriteAsync(FhirJson.Serialize(Outcomes.Of(FhirErrors.IssueOf(status), message)), context.HttpContext.RequestAborted));
    }
}
