using System.Data.Common;
using Coverage.Store;
using Microsoft.EntityFrameworkCore;

namespace Coverage.Server.Errors;

/// <summary>
/// When the database is unreachable the server answers 503 with Retry-After, not 500: the request can
/// be sent again (nothing was acknowledged, though a write may have landed: <see cref="Detail"/>), and the server
/// recovers by itself when the database returns.
/// </summary>
public sealed partial class DatabaseOutageResponder(RequestDelegate next, ILogger<DatabaseOutageResponder> logger)
{
    public const int RetryAfterSeconds = 5;

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception e) when (IsOutage(e) && !context.Response.HasStarted)
        {
            Unavailable(logger, e.GetType().Name);
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Results.Problem(
                detail: Detail(context.Request),
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Service unavailable.").ExecuteAsync(context);
        }
    }

    /// <summary>
    /// What the caller should do. A write cannot be said to have left nothing behind: when the connection is lost after
    /// the database received the COMMIT and before its reply, the case is written and the server cannot know it. So the
    /// answer says to repeat the request unchanged — the same request id, or PAS's same Claim identifier, is answered
    /// with the case a first attempt made, never a second one; a change to an existing case (a decision, information)
    /// is checked against the case first. A hook call is simply made again (with a new token: its first may have been
    /// recorded as used).
    /// </summary>
    private static string Detail(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)
            ? $"The case store is unavailable. Try again in {RetryAfterSeconds} seconds."
            : request.Path.StartsWithSegments("/cds-services")
                ? $"The case store is unavailable; the call was not answered. Call the service again in {RetryAfterSeconds} seconds, with a new token."
                : $"The case store could not be reached, so this request may or may not have been recorded. Send it again unchanged in {RetryAfterSeconds} seconds: a submission with the same request id (PAS: the same Claim identifier) is answered with the case it made, never recorded twice; before repeating a change to an existing case, read the case to see whether it was made.";

    /// <summary>A failure to reach or use the database (not a bug): any DbException, or EF's wrappers of one.</summary>
    public static bool IsOutage(Exception e) => e switch
    {
        DbException => true,
        TimeoutException => true,
        DbUpdateException { InnerException: { } inner } => IsOutage(inner),
        CommitOutcomeUnknownException { InnerException: { } inner } => IsOutage(inner),
        InvalidOperationException { InnerException: { } inner } => IsOutage(inner),
        System.Net.Sockets.SocketException => true,
        IOException { InnerException: { } inner } => IsOutage(inner),
        _ => e.InnerException is { } inner2 && inner2 is DbException or System.Net.Sockets.SocketException,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "The case store is unavailable ({Kind}); answered 503 with Retry-After.")]
    private static partial void Unavailable(ILogger logger, string kind);
}
