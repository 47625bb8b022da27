using Npgsql;

namespace Coverage.Server.Tests;

/// <summary>A database of its own for one test class: a SQLite file, or a fresh PostgreSQL database.</summary>
public abstract class Storage : IAsyncLifetime
{
    public abstract string Provider { get; }
    public string ConnectionString { get; protected set; } = "";

    public abstract Task InitializeAsync();
    public abstract Task DisposeAsync();
}

public sealed class SqliteStorage : Storage
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("coverage-sqlite-");

    public override string Provider => "sqlite";

    public override Task InitializeAsync()
    {
        ConnectionString = $"Data Source={Path.Combine(_folder.FullName, "coverage.db")}";
        return Task.CompletedTask;
    }

    public override Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>
/// A real PostgreSQL: the server named by COVERAGE_TEST_POSTGRES (./test.sh installs, starts and names
/// it), else the local default. Each test class gets a database of its own, dropped afterwards.
/// </summary>
public sealed class PostgresStorage : Storage
{
    public const string EnvironmentVariable = "COVERAGE_TEST_POSTGRES";
    private const string LocalDefault = "Host=127.0.0.1;Port=5432;Username=coverage;Password=coverage;Database=postgres";

    private readonly string _database = $"coverage_test_{Guid.NewGuid():N}";
    private string _admin = "";

    public override string Provider => "postgres";

    /// <summary>
    /// Runs one statement on the server as the role that made this class's database, connected to another database
    /// (e.g. to stop this one accepting connections, as an outage does).
    /// </summary>
    public async Task AdministerAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>This class's database.</summary>
    public string DatabaseName => _database;

    public override async Task InitializeAsync()
    {
        _admin = Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } configured ? configured : LocalDefault;
        try
        {
            await AdministerAsync($"CREATE DATABASE \"{_database}\"");
        }
        catch (NpgsqlException e)
        {
            throw new InvalidOperationException(
                $"PostgreSQL is not reachable ({e.Message}). Run ./test.sh, which installs and starts it, or set {EnvironmentVariable}.", e);
        }
        ConnectionString = new NpgsqlConnectionStringBuilder(_admin) { Database = _database }.ConnectionString;
    }

    // DROP ... WITH (FORCE) waits only five seconds for the backends it terminates to exit; on a busy
    // two-core machine a server process just killed by a test can hold one longer (CI once failed a
    // class cleanup this way, with every test passed). The drop is retried, and a database that still
    // cannot be dropped is reported and left: it is a throwaway on a test machine, not a test result.
    public override async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await AdministerAsync($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)");
                return;
            }
            catch (NpgsqlException e) when (attempt < 6)
            {
                Console.Error.WriteLine($"PostgresStorage: dropping {_database} failed ({e.Message}); retrying.");
                await Task.Delay(TimeSpan.FromSeconds(attempt));
            }
            catch (NpgsqlException e)
            {
                Console.Error.WriteLine($"PostgresStorage: {_database} left behind after {attempt} attempts: {e.Message}");
                return;
            }
        }
    }
}
