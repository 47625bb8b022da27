using System.Data.Common;
using Microsoft.EntityFrameworkCore.Storage;

namespace Coverage.Store;

/// <summary>
/// A COMMIT failed, so whether the transaction was committed is unknown: the database may have committed it and the
/// connection been lost before its reply (PostgreSQL's documentation: the client cannot tell). What it wrote must not
/// be written again as if it had not been: a group commit does not retry such a batch entry by entry (an entry would
/// find its own row, and be taken for a duplicate request or a replayed token). Each caller gets this exception, and
/// is answered that its request may or may not have been recorded and should be sent again unchanged.
/// </summary>
public sealed class CommitOutcomeUnknownException(Exception inner)
    : Exception("The commit failed: the transaction may or may not have been committed.", inner)
{
    /// <summary>Commits the transaction; a failure is this exception, with the store's as its inner one.</summary>
    public static async Task CommitAsync(IDbContextTransaction transaction)
    {
        try
        {
            await transaction.CommitAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or IOException or TimeoutException)
        {
            throw new CommitOutcomeUnknownException(e);
        }
    }
}
