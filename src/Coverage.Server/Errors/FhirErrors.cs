using Coverage.Fhir;
using Coverage.Server.Endpoints;
using Hl7.Fhir.Model;

namespace Coverage.Server.Errors;

/// <summary>
/// The FHIR surface's errors: every error answered under /fhir (and /cds-services, whose own errors are
/// OperationOutcomes too) is an OperationOutcome (application/fhir+json) whose issue code says what went wrong,
/// whichever part of the server raised it — an endpoint (<see cref="From(StoreError)"/>) or the pipeline before it
/// (authentication, routing, body limits, rate limits, an outage, a crash: <see cref="FhirErrorWriter"/>).
/// </summary>
internal static class FhirErrors
{
    /// <summary>Whether a request is answered in FHIR terms: its errors are OperationOutcomes, not problem details.</summary>
    public static bool Covers(PathString path) => path.StartsWithSegments("/fhir") || path.StartsWithSegments("/cds-services");

    /// <summary>A case store refusal, with the status every surface gives it and the issue code that names it.</summary>
    public static IResult From(StoreError error) =>
        FhirResults.Outcome(Outcomes.Of(IssueOf(error.Kind), error.Message), StoreErrorStatus.Of(error.Kind));

    /// <summary>The issue code of an error status (http://hl7.org/fhir/issue-type).</summary>
    public static OperationOutcome.IssueType IssueOf(int status) => status switch
    {
        StatusCodes.Status400BadRequest => OperationOutcome.IssueType.Invalid,
        StatusCodes.Status401Unauthorized => OperationOutcome.IssueType.Login,
        StatusCodes.Status403Forbidden => OperationOutcome.IssueType.Forbidden,
        StatusCodes.Status404NotFound => OperationOutcome.IssueType.NotFound,
        StatusCodes.Status405MethodNotAllowed => OperationOutcome.IssueType.NotSupported,
        StatusCodes.Status406NotAcceptable => OperationOutcome.IssueType.NotSupported,
        StatusCodes.Status408RequestTimeout => OperationOutcome.IssueType.Timeout,
        StatusCodes.Status409Conflict => OperationOutcome.IssueType.Conflict,
        StatusCodes.Status413PayloadTooLarge => OperationOutcome.IssueType.TooCostly,
        StatusCodes.Status415UnsupportedMediaType => OperationOutcome.IssueType.NotSupported,
        StatusCodes.Status422UnprocessableEntity => OperationOutcome.IssueType.BusinessRule,
        StatusCodes.Status429TooManyRequests => OperationOutcome.IssueType.Throttled,
        StatusCodes.Status501NotImplemented => OperationOutcome.IssueType.NotSupported,
        StatusCodes.Status503ServiceUnavailable => OperationOutcome.IssueType.Transient,
        >= 500 => OperationOutcome.IssueType.Exception,
        _ => OperationOutcome.IssueType.Processing,
    };

    /// <summary>What an error of this status says when whoever raised it said nothing (a challenge, an unknown route).</summary>
    public static string DefaultMessage(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => "Authentication is required: send a valid bearer access token.",
        StatusCodes.Status403Forbidden => "The access token does not allow this.",
        StatusCodes.Status404NotFound => "Nothing is served at this path.",
        StatusCodes.Status405MethodNotAllowed => "This method is not supported at this path.",
        StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
        StatusCodes.Status429TooManyRequests => "Too many requests; try again later.",
        StatusCodes.Status503ServiceUnavailable => "The service is unavailable; try again later.",
        >= 500 => "The server failed to process the request.",
        _ => "The request could not be processed.",
    };

    private static OperationOutcome.IssueType IssueOf(StoreErrorKind kind) => kind switch
    {
        StoreErrorKind.NotFound => OperationOutcome.IssueType.NotFound,
        StoreErrorKind.Conflict => OperationOutcome.IssueType.Conflict,
        StoreErrorKind.Forbidden => OperationOutcome.IssueType.Forbidden,
        StoreErrorKind.Unprocessable => OperationOutcome.IssueType.BusinessRule,
        _ => OperationOutcome.IssueType.Invalid,
    };
}
