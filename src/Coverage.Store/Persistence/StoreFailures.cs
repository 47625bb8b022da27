using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Coverage.Store;

/// <summary>
/// What a failed write or read of the store says, beside whether the store could be reached at all
/// (<see cref="StoreUnreachable"/>): that another writer got there first (a conflict, 409), or that the database
/// refused a value as malformed (a data exception: a gap in the checks of input, never an outage nor a conflict).
/// </summary>
public static class StoreFailures
{
    /// <summary>
    /// Whether a refused SaveChanges lost a race with another writer: the case's revision had moved
    /// (<see cref="DbUpdateConcurrencyException"/>), a row it inserted was inserted by the other first (a unique key:
    /// PostgreSQL 23505, SQLite's UNIQUE or PRIMARY KEY constraint), or PostgreSQL chose it as the loser of a
    /// serialization failure or deadlock (40001, 40P01). Anything else — a value the database refused, a broken
    /// connection — is not "changed by someone else at the same time", and is left to go on.
    /// </summary>
    public static bool IsConflict(DbUpdateException failure)
    {
        if (failure is DbUpdateConcurrencyException) return true;
        for (Exception? e = failure.InnerException; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SqliteException sqlite:
                    return sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode is 2067 or 1555; // SQLITE_CONSTRAINT_UNIQUE, _PRIMARYKEY
                case DbException { SqlState: { } state }:
                    return state is "23505" or "40001" or "40P01";
            }
        }
        return false;
    }

    /// <summary>
    /// The SQLSTATE of a PostgreSQL data exception (class 22: a value the database cannot take — NUL in text, 22021; a
    /// number out of range, 22003; a string too long, 22001…) anywhere in <paramref name="failure"/>, or null.
    /// </summary>
    public static string? DataError(Exception failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
            if (e is DbException { SqlState: { } state } && state.StartsWith("22", StringComparison.Ordinal)) return state;
        return null;
    }
}
