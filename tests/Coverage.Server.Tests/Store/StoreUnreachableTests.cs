using System.Net.Sockets;
using Coverage.Store;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Coverage.Server.Tests.Store;

/// <summary>Which failures say the store could not be reached (<see cref="StoreUnreachable"/>), and which that it refused a write.</summary>
public sealed class StoreUnreachableTests
{
    public static TheoryData<string> OutOfReach =>
    [
        "connect timeout", "read timeout", "socket", "stream", "08006", "08001", "57P01", "57P02", "57P03", "53300", "wrapped by EF",
    ];

    public static TheoryData<string> Refusals => ["23505", "23503", "40001", "42P01", "sqlite constraint", "plain"];

    [Theory]
    [MemberData(nameof(OutOfReach))]
    public void ConnectionFailuresAndTheDatabaseSayingItIsUnavailable_AreOutOfReach(string kind) => Assert.True(StoreUnreachable.Is(Failure(kind)), kind);

    [Theory]
    [MemberData(nameof(Refusals))]
    public void RefusalsOfWhatWasWritten_AreNot(string kind) => Assert.False(StoreUnreachable.Is(Failure(kind)), kind);

    private static Exception Failure(string kind) => kind switch
    {
        "connect timeout" => new NpgsqlException("Failed to connect to 127.0.0.1:5432", new TimeoutException()),
        "read timeout" => new NpgsqlException("Exception while reading from stream", new TimeoutException("Timeout during reading attempt")),
        "socket" => new SocketException((int)SocketError.ConnectionRefused),
        "stream" => new NpgsqlException("Exception while writing to stream", new IOException("Broken pipe")),
        "wrapped by EF" => new DbUpdateException("An error occurred while saving the entity changes.",
            new NpgsqlException("Exception while reading from stream", new EndOfStreamException())),
        "sqlite constraint" => new SqliteException("UNIQUE constraint failed: cases.RequestId", 19),
        "plain" => new InvalidOperationException("The entity is not tracked."),
        _ => new PostgresException("the database said so", "ERROR", "ERROR", kind),
    };
}
