using Coverage.Engine.Catalogue;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;
using Coverage.Engine.Model;
using Coverage.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Coverage.Server.Tests;

/// <summary>
/// New cases are group-committed (<see cref="NewCaseWriter"/>), on SQLite and on a real PostgreSQL: every submission
/// answered is stored once with its creation's audit event, however many arrive together, and the one submission
/// the store refuses — the second of two racing submissions of one request id — fails alone and is answered with
/// the winner's case, while the submissions committed beside it are all written.
/// </summary>
public abstract class NewCaseWriterTests<TStorage> : IClassFixture<TStorage>, IAsyncLifetime where TStorage : Storage
{
    private static readonly PolicyCatalogue Catalogue = CatalogueLoader.Load(CoverageApp.RepositoryRoot);
    private static readonly string Sample = File.ReadAllText(Path.Combine(CoverageApp.RepositoryRoot, "samples", "cryoablation-prior-auth.json"));

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _services;
    private readonly Caller _submitter = new(new Actor("clinic-system", "submitter"), $"clinic-{Guid.NewGuid():N}", CallerAccess.Submitter);

    protected NewCaseWriterTests(TStorage storage)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton(new Evaluator(Catalogue, _time));
        services.AddLogging();
        services.AddCaseStore(storage.Provider == "postgres" ? StorageProvider.Postgres : StorageProvider.Sqlite, storage.ConnectionString);
        _services = services.BuildServiceProvider();
    }

    public async Task InitializeAsync()
    {
        using var scope = _services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<CoverageDbContext>().Database.MigrateAsync();
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    private static CoverageRequest Request(string requestId)
    {
        var read = RequestReader.Read(Sample.Replace("\"REQ-1001\"", $"\"{requestId}\"", StringComparison.Ordinal), Catalogue);
        Assert.True(read.IsValid, string.Join("; ", read.Errors));
        return read.Request!;
    }

    /// <summary>One submission as a request makes it: a scope (and a context) of its own.</summary>
    private async Task<StoreResult<CaseView>> Submit(string requestId)
    {
        await Task.Yield();
        using var scope = _services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<CaseService>().SubmitAsync(Request(requestId), _submitter, CancellationToken.None);
    }

    private async Task<List<(Guid CaseId, string Action)>> CreatedEvents()
    {
        using var scope = _services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CoverageDbContext>();
        var cases = await db.Cases.Where(c => c.Tenant == _submitter.Tenant).Select(c => c.Id).ToListAsync();
        return (await db.AuditEvents.Where(e => e.CaseId != null && cases.Contains(e.CaseId.Value) && e.Action == "case-created").ToListAsync())
            .Select(e => (e.CaseId!.Value, e.Action)).ToList();
    }

    private async Task<int> StoredCases()
    {
        using var scope = _services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<CoverageDbContext>().Cases.CountAsync(c => c.Tenant == _submitter.Tenant);
    }

    [Fact]
    public async Task ManyConcurrentSubmissions_EachIsStoredOnceWithItsAuditEvent()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(n => Task.Run(() => Submit($"GC-{n}"))));

        Assert.All(results, r => Assert.True(r.Created && r.Error is null));
        Assert.Equal(40, results.Select(r => r.Value!.Id).Distinct().Count());
        Assert.Equal(40, await StoredCases());
        var created = await CreatedEvents();
        Assert.Equal(results.Select(r => r.Value!.Id).Order(), created.Select(e => e.CaseId).Order());
    }

    [Fact]
    public async Task ARacingResubmission_FailsAlone_AndIsAnsweredWithTheWinnersCase_WhileTheOthersAreWritten()
    {
        // Both copies of RACE-1 miss each other's case when they look it up, so both reach the writer, often in one
        // transaction with the others: the unique index refuses the second, and only the second.
        var others = Enumerable.Range(0, 40).Select(n => Task.Run(() => Submit($"OTHER-{n}"))).ToList();
        var race = new[] { Task.Run(() => Submit("RACE-1")), Task.Run(() => Submit("RACE-1")) };
        var raced = await Task.WhenAll(race);
        var rest = await Task.WhenAll(others);

        Assert.All(rest, r => Assert.True(r.Created && r.Error is null));
        Assert.All(raced, r => Assert.Null(r.Error));
        Assert.Single(raced, r => r.Created);
        Assert.Equal(raced[0].Value!.Id, raced[1].Value!.Id);
        Assert.Equal(41, await StoredCases());
        Assert.Equal(41, (await CreatedEvents()).Count);
    }
}

public sealed class SqliteNewCaseWriterTests(SqliteStorage storage) : NewCaseWriterTests<SqliteStorage>(storage);

public sealed class PostgresNewCaseWriterTests(PostgresStorage storage) : NewCaseWriterTests<PostgresStorage>(storage);
