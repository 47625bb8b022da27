namespace Coverage.Server.Errors;

/// <summary>
/// The one mapping of a case store refusal to its HTTP status, shared by every surface (the REST API's problem
/// details, the FHIR endpoints' OperationOutcomes, the workbench's pages), so that one refusal is never answered
/// with two statuses depending on where it was asked.
/// </summary>
internal static class StoreErrorStatus
{
    public static int Of(StoreErrorKind kind) => kind switch
    {
        StoreErrorKind.NotFound => StatusCodes.Status404NotFound,
        StoreErrorKind.Conflict => StatusCodes.Status409Conflict,
        // Well-formed, but against a rule of the review workflow.
        StoreErrorKind.Unprocessable => StatusCodes.Status422UnprocessableEntity,
        StoreErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        _ => StatusCodes.Status400BadRequest,
    };
}
