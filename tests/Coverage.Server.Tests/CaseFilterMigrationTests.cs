using Coverage.Engine.Catalogue;
using Coverage.Engine.Evaluation;
using Coverage.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Coverage.Server.Tests;

/// <summary>
/// The upgrade to filter rows (migration CaseFilterRows), on SQLite and on a real PostgreSQL: cases stored
/// before it, with their policies and modalities as space-separated ids, are listed and filtered as before once
/// the database is migrated; and migrating back restores the ids, in order.
/// </summary>
public abstract class CaseFilterMigrationTests<TStorage> : IClassFixture<TStorage>, IAsyncLifetime where TStorage : Storage
{
    private static readonly PolicyCatalogue Catalogue = CatalogueLoader.Load(CoverageApp.RepositoryRoot);
    private static readonly DateTime Received = new(2026, 11, 30, 9, 0, 0, DateTimeKind.Utc);
    private static readonly Caller Staff = new(new Actor("auditor"), "payer", CallerAccess.PayerStaff);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _services;
    private readonly bool _postgres;

    protected CaseFilterMigrationTests(TStorage storage)
    {
        _postgres = storage.Provider == "postgres";
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton(new Evaluator(Catalogue, _time));
        services.AddCaseStore(_postgres ? StorageProvider.Postgres : StorageProvider.Sqlite, storage.ConnectionString);
        _services = services.BuildServiceProvider();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task CasesStoredBeforeTheUpgrade_AreFilteredByTheirRows_AndADowngradeRestoresTheIds()
    {
        var first = Guid.CreateVersion7();
        var second = Guid.CreateVersion7();
        var none = Guid.CreateVersion7();
        using (var scope = _services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CoverageDbContext>();
            await db.GetService<IMigrator>().MigrateAsync(BeforeFilterRows(db));
            await InsertOldCase(db, first, 1, "tms ect", "tms-standard ect");
            await InsertOldCase(db, second, 2, "tms", "tms-deep");
            await InsertOldCase(db, none, 3, "", "");

            await db.Database.MigrateAsync();
        }

        Assert.Equal([first, second], await Listed(new CaseQuery { Policy = "tms" }));
        Assert.Equal([first], await Listed(new CaseQuery { Policy = "ect" }));
        Assert.Equal([second], await Listed(new CaseQuery { Modality = "tms-deep" }));
        Assert.Empty(await Listed(new CaseQuery { Modality = "tms" })); // a whole id, never a part of one
        var page = await List(new CaseQuery());
        Assert.Equal([first, second, none], page.Items.Select(c => c.CaseId));
        Assert.Equal(["tms", "ect"], page.Items[0].Policies);
        Assert.Equal(["tms-standard", "ect"], page.Items[0].Modalities);
        Assert.Empty(page.Items[2].Policies);

        using (var scope = _services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CoverageDbContext>();
            await db.GetService<IMigrator>().MigrateAsync(BeforeFilterRows(db));
            Assert.Equal(["tms ect|tms-standard ect", "tms|tms-deep", "|"], await OldFilters(db, first, second, none));
        }
    }

    private async Task<List<Guid>> Listed(CaseQuery query) => (await List(query)).Items.Select(c => c.CaseId).ToList();

    private async Task<CasePage> List(CaseQuery query)
    {
        using var scope = _services.CreateScope();
        var result = await scope.ServiceProvider.GetRequiredService<CaseService>().ListAsync(query, Staff, CancellationToken.None);
        Assert.Null(result.Error);
        return result.Value!;
    }

    private static string BeforeFilterRows(CoverageDbContext db) =>
        db.Database.GetMigrations().Last(m => string.CompareOrdinal(m, db.Database.GetMigrations().Single(n => n.EndsWith("_CaseFilterRows", StringComparison.Ordinal))) < 0);

    /// <summary>A case as the store wrote it before the upgrade: policies and modalities as space-separated ids.</summary>
    private Task<int> InsertOldCase(CoverageDbContext db, Guid id, int minute, string policies, string modalities)
    {
        // SQLite keeps a Guid as its upper-case text, as EF writes it; PostgreSQL as a uuid.
        object key = _postgres ? id : id.ToString().ToUpperInvariant();
        var at = Received.AddMinutes(minute);
        return db.Database.ExecuteSqlRawAsync("""
            INSERT INTO cases ("Id", "Tenant", "SubmittedBy", "MemberKey", "Kind", "Priority", "Status", "Outcome", "FinalOutcome",
                "Policies", "Modalities", "ReceivedAt", "DueAt", "UpdatedAt", "FinalizedAt", "RequestHash", "RequestJson", "DeterminationJson", "Revision")
            VALUES ({0}, 'clinic-a', 'portal', 'M1', 'prior-authorization', 'standard', 'final', 'covered', 'covered',
                {1}, {2}, {3}, {4}, {3}, {3}, 'sha256:0', '{{}}', '{{"lines": []}}', 0)
            """, key, policies, modalities, at, at.AddDays(7));
    }

    private static async Task<List<string>> OldFilters(CoverageDbContext db, params Guid[] ids)
    {
        var rows = await db.Database.SqlQueryRaw<OldFilterRow>("""SELECT "Id" AS "Id", "Policies" AS "Policies", "Modalities" AS "Modalities" FROM cases""").ToListAsync();
        return ids.Select(id => rows.Single(r => r.Id == id)).Select(r => $"{r.Policies}|{r.Modalities}").ToList();
    }

    private sealed record OldFilterRow(Guid Id, string Policies, string Modalities);
}

public sealed class SqliteCaseFilterMigrationTests(SqliteStorage storage) : CaseFilterMigrationTests<SqliteStorage>(storage);

public sealed class PostgresCaseFilterMigrationTests(PostgresStorage storage) : CaseFilterMigrationTests<PostgresStorage>(storage);
