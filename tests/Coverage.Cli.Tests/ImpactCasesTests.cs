using System.Text.Json;
using Coverage.Cases;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Json;
using Coverage.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Coverage.Cli.Tests;

/// <summary>
/// `coverage impact --cases` on a real case store, SQLite and PostgreSQL, seeded through the store's own commands
/// with the hand-written cryoablation requests: the "cover on-label cryoablation" candidate covers the two on-label
/// cases' lines and asks for information on the indeterminate one, and the run is audited in the store with the operator's identity.
/// </summary>
public sealed class ImpactCasesTests
{
    [Fact]
    public Task Sqlite() => RunAsync("sqlite", async () =>
    {
        var folder = Directory.CreateTempSubdirectory("coverage-impact-cases-");
        return ($"Data Source={Path.Combine(folder.FullName, "coverage.db")}", () =>
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
            return Task.CompletedTask;
        });
    });

    [Fact]
    public Task Postgres() => RunAsync("postgres", async () =>
    {
        var admin = Environment.GetEnvironmentVariable("COVERAGE_TEST_POSTGRES") is { Length: > 0 } configured
            ? configured : "Host=127.0.0.1;Port=5432;Username=coverage;Password=coverage;Database=postgres";
        var database = $"coverage_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        return (new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString, async () =>
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        });
    });

    private static async Task RunAsync(string provider, Func<Task<(string Connection, Func<Task> Cleanup)>> store)
    {
        var (connection, cleanup) = await store();
        try
        {
            var services = Services(provider, connection);
            await using (var provided = services.BuildServiceProvider())
            {
                using (var scope = provided.CreateScope()) await scope.ServiceProvider.GetRequiredService<CoverageDbContext>().Database.MigrateAsync();
                var catalogue = CatalogueLoader.Load(CliRunner.RepositoryRoot);
                var clinic = new Caller(new Actor("clinic"), "clinic-a", CallerAccess.Submitter);
                foreach (var json in ImpactFixtures.CryoablationRequests())
                {
                    using var scope = provided.CreateScope();
                    var submitted = await scope.ServiceProvider.GetRequiredService<CaseService>().SubmitAsync(RequestReader.Read(json, catalogue).Request!, clinic, CancellationToken.None);
                    Assert.Null(submitted.Error);
                }
            }

            var result = CliRunner.Run("--catalogue", ImpactFixtures.CoversOnLabelCryoablation, "impact", "--cases", connection, "--store", provider, "--format", "json");

            Assert.True(result.ExitCode == 0, result.Stderr);
            using var report = JsonDocument.Parse(result.Stdout);
            var totals = report.RootElement.GetProperty("totals");
            Assert.Equal(6, totals.GetProperty("records").GetInt64());
            Assert.Equal(3, totals.GetProperty("linesChanged").GetInt64());
            Assert.Equal(3, totals.GetProperty("membersAffected").GetInt64());
            Assert.Equal("not-medically-necessary → covered", report.RootElement.GetProperty("byTransition")[0].GetProperty("key").GetString());

            await using (var provided = Services(provider, connection).BuildServiceProvider())
            {
                using var scope = provided.CreateScope();
                var audit = await scope.ServiceProvider.GetRequiredService<CoverageDbContext>().AuditEvents.AsNoTracking()
                    .Where(e => e.Subject == "reports/impact").ToListAsync();
                var run = Assert.Single(audit);
                Assert.Equal("impact-run", run.Action);
                Assert.Equal($"cli:{Environment.UserName}", run.Actor);
                Assert.Contains("6 request(s) read", run.Detail, StringComparison.Ordinal);
            }
        }
        finally
        {
            await cleanup();
        }
    }

    private static ServiceCollection Services(string provider, string connection) =>
        CaseStoreServices.Of(provider == "postgres" ? StorageProvider.Postgres : StorageProvider.Sqlite, connection);
}
