using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace Coverage.Server.Errors;

/// <summary>
/// When the database is unreachable the server answers 503 with Retry-After, not 500: the request can
/// be sent again, nothing was acknowledged, and the server recovers by itself when the database returns.
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
                detail: $"The case store is unavailable; nothing was recorded. Try again in {RetryAfterSeconds} seconds.",
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Service unavailable.").ExecuteAsync(context);
        }
    }

    /// <summary>A failure to reach or use the database (not a bug): any DbException, or EF's wrappers of one.</summary>
    public static bool IsOutage(Exception e) => e switch
    {
        DbException => true,
        TimeoutException => true,
        DbUpdateException { InnerException: { } inner } => IsOutage(inner),
        InvalidOperationException { InnerException: { } inner } => IsOutage(inner),
        System.Net.Sockets.SocketException => true,
        IOException { InnerException: { } inner } => IsOutage(inner),
        _ => e.InnerException is { } inner2 && inner2 is DbException or System.Net.Sockets.SocketException,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "The case store is unavailable ({Kind}); answered 503 with Retry-After.")]
    private static partial void Unavailable(ILogger logger, string kind);
}
