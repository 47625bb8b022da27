using System.Data.Common;
using System.Net.Sockets;

namespace Coverage.Store;

/// <summary>
/// Whether a failure says the store could not be reached — the connection could not be opened, was lost or timed out,
/// or the database said it is shutting down or taking no connections — rather than that it refused what was written.
/// </summary>
/// <remarks>
/// Why it matters: a group commit (<see cref="GroupCommitQueue{TEntry, TResult}"/>) retries a failed batch one entry at
/// a time so that an entry the store refuses fails only its own caller. When the store cannot be reached, every one of
/// those retries fails too, each only after the connection's timeout: under a network partition (no reset, every
/// packet dropped) the entries of one batch were answered one timeout apart, the last of 24 after more than a minute.
/// Such a failure is the whole batch's, and each caller hears it at once.
/// </remarks>
public static class StoreUnreachable
{
    public static bool Is(Exception failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SocketException or IOException or TimeoutException:
                    return true;
                case DbException { SqlState: { } state } when IsUnavailableState(state):
                    return true;
            }
        }
        return false;
    }

    /// <summary>
    /// SQLSTATEs (PostgreSQL, appendix A) in which the database reports that it cannot be used now: class 08 (connection
    /// exception), 57P01–57P03 (shut down by an administrator or a crash; cannot connect now) and 53300 (too many
    /// connections).
    /// </summary>
    private static bool IsUnavailableState(string state) =>
        state.StartsWith("08", StringComparison.Ordinal) || state is "57P01" or "57P02" or "57P03" or "53300";
}
