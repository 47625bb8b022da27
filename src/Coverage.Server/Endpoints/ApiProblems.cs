using Coverage.Engine.Json;
using Coverage.Store;

namespace Coverage.Server.Endpoints;

/// <summary>Turns input errors and workflow refusals into RFC 9457 problem details, once, at the edge.</summary>
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

    public static IResult From(StoreError error) => error.Kind switch
    {
        StoreErrorKind.NotFound => TypedResults.Problem(InputEcho.Message(error.Message), statusCode: StatusCodes.Status404NotFound, title: "Not found."),
        StoreErrorKind.Conflict => TypedResults.Problem(InputEcho.Message(error.Message), statusCode: StatusCodes.Status409Conflict, title: "Conflict with the case's state."),
        StoreErrorKind.Unprocessable => TypedResults.Problem(InputEcho.Message(error.Message), statusCode: StatusCodes.Status422UnprocessableEntity, title: "The decision breaks a rule of the review workflow."),
        StoreErrorKind.Forbidden => TypedResults.Problem(InputEcho.Message(error.Message), statusCode: StatusCodes.Status403Forbidden, title: "The authenticated caller may not do this."),
        _ => Invalid(error.Message, error.Fields ?? []),
    };

    public static IResult UnsupportedMediaType() =>
        TypedResults.Problem("Send the body as application/json.", statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type.");
}
