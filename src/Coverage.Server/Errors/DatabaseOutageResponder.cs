using System.Data.Common;
using Coverage.Store;

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
        catch (Exception e) when (StoreFailures.DataError(e) is { } state && !context.Response.HasStarted)
        {
            // Not an outage, not a conflict: the database refused a value that the input checks should have refused,
            // naming its field, before it got there. A defect of ours, said as one (500) and logged as an error.
            Refused(logger, state, e);
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            await Results.Problem(
                detail: $"The case store refused a value of this request as malformed (SQLSTATE {state}), which the server should have refused itself, naming the field; "
                    + "the failing change was not written. Sending the request again unchanged will fail the same way.",
                statusCode: StatusCodes.Status500InternalServerError,
                title: "A value the server did not check.").ExecuteAsync(context);
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

    /// <summary>
    /// A failure to reach or use the database now, which a repeat may not meet (not a bug): the store could not be reached
    /// — a connection that could not be opened, was lost or timed out, the database shutting down or taking no more
    /// connections (<see cref="StoreUnreachable"/>) — or it was too busy to serve this request (SQLite's lock wait ran
    /// out; PostgreSQL cancelled the statement, ran out of lock wait, or chose it as a deadlock's or serialization
    /// failure's loser), or a COMMIT failed (its outcome is unknown). Not any DbException: one that says the database
    /// refused a value (a data exception, SQLSTATE class 22) or a constraint is a defect, and was answered 503 "could not
    /// be reached" to a NUL in a rationale.
    /// </summary>
    public static bool IsOutage(Exception e) => StoreFailures.DataError(e) is null && IsUnavailable(e);

    private static bool IsUnavailable(Exception e) => e switch
    {
        CommitOutcomeUnknownException => true,
        DbException db => Unavailable(db),
        TimeoutException => true,
        System.Net.Sockets.SocketException => true,
        Microsoft.EntityFrameworkCore.DbUpdateException { InnerException: { } inner } => IsUnavailable(inner),
        InvalidOperationException { InnerException: { } inner } => IsUnavailable(inner),
        // Not any IOException: a request body that is too large or cut short is one too (BadHttpRequestException).
        IOException { InnerException: { } inner } => IsUnavailable(inner),
        _ => e.InnerException is System.Net.Sockets.SocketException || (e.InnerException is DbException inner2 && Unavailable(inner2)),
    };

    /// <summary>
    /// A database error that says the store cannot serve now: unreachable (<see cref="StoreUnreachable"/>), or what the
    /// provider itself calls transient (Npgsql: connection failures, shutdown, too many connections, a database not
    /// accepting connections, lock waits, deadlocks, serialization failures; Microsoft.Data.Sqlite: busy, locked), or a
    /// statement PostgreSQL cancelled (57014, a statement timeout). Never a data exception or a constraint.
    /// </summary>
    private static bool Unavailable(DbException e) =>
        StoreUnreachable.Is(e) || e.IsTransient
        || e is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 5 or 6 } // SQLITE_BUSY, SQLITE_LOCKED
        || e.SqlState is "57014" or "55P03" or "40001" or "40P01";

    [LoggerMessage(Level = LogLevel.Error, Message = "The case store refused a value of the request as malformed (SQLSTATE {SqlState}): a gap in the input checks; answered 500.")]
    private static partial void Refused(ILogger logger, string sqlState, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The case store is unavailable ({Kind}); answered 503 with Retry-After.")]
    private static partial void Unavailable(ILogger logger, string kind);
}
