namespace Coverage.Server.Errors;

/// <summary>
/// A malformed request Kestrel or the body readers refuse (413 too large, 408 too slow, 400 bad framing) is
/// the caller's error: it is answered with its status and a problem, and logged as one Information line
/// without a stack trace — not as a server error (a flood of 413s must not look like an outage in the log).
/// </summary>
public sealed partial class ClientErrors(RequestDelegate next, ILogger<ClientErrors> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            Refused(logger, e.StatusCode, context.Request.Method, context.Request.Path.Value ?? "", e.Message);
            context.Response.Clear();
            context.Response.StatusCode = e.StatusCode;
            if (e.StatusCode is StatusCodes.Status408RequestTimeout or StatusCodes.Status413PayloadTooLarge)
                context.Response.Headers.Connection = "close";
            await Results.Problem(detail: e.Message, statusCode: e.StatusCode).ExecuteAsync(context);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a malformed request with {Status}: {Method} {Path}: {Reason}")]
    private static partial void Refused(ILogger logger, int status, string method, string path, string reason);
}
