using Coverage.Engine.Validation;

namespace Coverage.Server.Errors;

/// <summary>
/// The REST API's errors (/api): input errors and case store refusals as RFC 9457 problem details, mapped once
/// at the edge. Errors raised before an endpoint runs (401, 404, 413, 429, 500, 503…) are problem details too,
/// written by ASP.NET Core's problem details service.
/// </summary>
internal static class ApiProblems
{
    public static IResult Invalid(string detail, IEnumerable<InputError> errors)
    {
        // Echoed input is bounded (InputEcho): an error must not be a way to make the server repeat a large value.
        var echoed = errors.Select(e => new InputError(InputEcho.Truncate(e.Field, 128), InputEcho.Message(e.Message))).ToList();
        return TypedResults.ValidationProblem(
            echoed.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
            detail: InputEcho.Message(detail) + " " + string.Join("; ", echoed.Select(e => e.ToString())),
            title: "The request is invalid.");
    }

    public static IResult From(StoreError error) => error.Kind == StoreErrorKind.Invalid
        ? Invalid(error.Message, error.Fields ?? [])
        : TypedResults.Problem(InputEcho.Message(error.Message), statusCode: StoreErrorStatus.Of(error.Kind), title: Title(error.Kind));

    public static IResult UnsupportedMediaType() =>
        TypedResults.Problem("Send the body as application/json.", statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type.");

    private static string Title(StoreErrorKind kind) => kind switch
    {
        StoreErrorKind.NotFound => "Not found.",
        StoreErrorKind.Conflict => "Conflict with the case's state.",
        StoreErrorKind.Unprocessable => "The decision breaks a rule of the review workflow.",
        StoreErrorKind.Forbidden => "The authenticated caller may not do this.",
        _ => "The request is invalid.",
    };
}
