using System.Data.Common;
using Coverage.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Coverage.Server.Tests;

/// <summary>
/// The group-committed journal of hook calls, on SQLite and on a real PostgreSQL: every acknowledged entry is in
/// the store, a token is fresh exactly once however the calls race, and one bad entry fails only its own call.
/// </summary>
public abstract class ServiceCallJournalTests<TStorage> : IClassFixture<TStorage>, IAsyncLifetime where TStorage : Storage
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _services;
    private readonly ServiceCallJournal _journal;
    private readonly string _subject = $"cds-hooks/test-{Guid.NewGuid():N}"[..30];

    protected ServiceCallJournalTests(TStorage storage)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddLogging();
        services.AddCaseStore(storage.Provider == "postgres" ? StorageProvider.Postgres : StorageProvider.Sqlite, storage.ConnectionString);
        _services = services.BuildServiceProvider();
        _journal = _services.GetRequiredService<ServiceCallJournal>();
    }

    public async Task InitializeAsync()
    {
        using var scope = _services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<CoverageDbContext>().Database.MigrateAsync();
        // The journal's writer and the token cleanup are hosted services: started here as the host would.
        foreach (var service in _services.GetServices<IHostedService>()) await service.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        foreach (var service in _services.GetServices<IHostedService>().Reverse())
        {
            await service.StopAsync(CancellationToken.None);
            if (service is IHostedLifecycleService lifecycle) await lifecycle.StoppedAsync(CancellationToken.None);
        }
        await _services.DisposeAsync();
    }

    private ServiceCallEvent Answered(int n) => new(_subject, "hook-answered", new Actor("https://ehr.test", "cds-client"), $"call {n}");
    private ServiceCallEvent Replayed => new(_subject, "hook-refused", Actor.Anonymous, "Authentication failed: this jti was already used.");
    private TokenUse Token(string jti) => new("https://ehr.test", jti, _time.GetUtcNow().UtcDateTime.AddMinutes(5));

    private async Task<List<(string Action, string Detail)>> Events()
    {
        using var scope = _services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CoverageDbContext>();
        return (await db.AuditEvents.Where(e => e.Subject == _subject).OrderBy(e => e.Id).ToListAsync()).Select(e => (e.Action, e.Detail)).ToList();
    }

    private async Task<int> TokenRows(string prefix)
    {
        using var scope = _services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CoverageDbContext>();
        return await db.UsedTokens.CountAsync(t => t.Key.StartsWith("https://ehr.test " + prefix));
    }

    [Fact]
    public async Task ManyConcurrentCalls_EachIsCommittedOnceWithItsToken()
    {
        var run = Guid.NewGuid().ToString("N");
        var fresh = await Task.WhenAll(Enumerable.Range(0, 300).Select(n =>
            Task.Run(() => _journal.RecordAsync(new(Answered(n), Token($"{run}-{n}"), Replayed), CancellationToken.None))));

        Assert.All(fresh, Assert.True);
        var events = await Events();
        Assert.Equal(300, events.Count);
        Assert.Equal(Enumerable.Range(0, 300).Select(n => $"call {n}").Order(), events.Select(e => e.Detail).Order());
        Assert.Equal(300, await TokenRows(run));
    }

    [Fact]
    public async Task OneTokenRacedByManyCalls_IsFreshOnce_TheOthersAreRecordedAsReplays()
    {
        var jti = Guid.NewGuid().ToString("N");
        var fresh = await Task.WhenAll(Enumerable.Range(0, 20).Select(n =>
            Task.Run(() => _journal.RecordAsync(new(Answered(n), Token(jti), Replayed), CancellationToken.None))));

        Assert.Single(fresh, f => f);
        var events = await Events();
        Assert.Equal(20, events.Count);
        Assert.Single(events, e => e.Action == "hook-answered");
        Assert.Equal(19, events.Count(e => e is { Action: "hook-refused", Detail: "Authentication failed: this jti was already used." }));
        Assert.Equal(1, await TokenRows(jti));
    }

    [Fact]
    public async Task TokenCommittedBefore_IsAReplay()
    {
        var jti = Guid.NewGuid().ToString("N");
        Assert.True(await _journal.RecordAsync(new(Answered(1), Token(jti), Replayed), CancellationToken.None));
        Assert.False(await _journal.RecordAsync(new(Answered(2), Token(jti), Replayed), CancellationToken.None));

        Assert.Equal([("hook-answered", "call 1"), ("hook-refused", "Authentication failed: this jti was already used.")], await Events());
    }

    [Fact]
    public async Task AnEntryTheStoreRefuses_FailsOnlyItsOwnCall()
    {
        var run = Guid.NewGuid().ToString("N");
        var calls = Enumerable.Range(0, 40).Select(n => Task.Run(() => _journal.RecordAsync(
            new(n == 17 ? Answered(n) with { Detail = null! } : Answered(n), Token($"{run}-{n}"), Replayed), CancellationToken.None))).ToList();

        await Assert.ThrowsAnyAsync<DbException>(() => calls[17]);
        for (var n = 0; n < calls.Count; n++)
            if (n != 17) Assert.True(await calls[n]);
        var events = await Events();
        Assert.Equal(39, events.Count);
        Assert.DoesNotContain(events, e => e.Detail == "call 17");
        // Nothing of the refused entry is kept, its token neither: the call was not answered, so it may be sent again.
        Assert.Equal(39, await TokenRows(run));
    }

    [Fact]
    public async Task AnAggregatedEventOnACase_KeepsItsCountTimesPrincipalAndSource()
    {
        var caseId = Guid.NewGuid();
        using (var scope = _services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CoverageDbContext>();
            db.Cases.Add(new Coverage.Store.Entities.CaseRecord { Id = caseId, ReceivedAt = _time.GetUtcNow().UtcDateTime, DueAt = _time.GetUtcNow().UtcDateTime, UpdatedAt = _time.GetUtcNow().UtcDateTime });
            await db.SaveChangesAsync();
        }
        var first = new DateTime(2026, 12, 2, 8, 0, 0, DateTimeKind.Utc);
        var actor = new Actor("auditor-app", "api-client", "https://auth.test", "auditor-app", "person-1", "192.0.2.7");

        Assert.True(await _journal.RecordAsync(new(new ServiceCallEvent(_subject, "hook-refused", actor, "five refusals")
            { Occurrences = 5, At = first, LastAt = first.AddSeconds(42) }), CancellationToken.None));
        Assert.True(await _journal.RecordAsync(new(new ServiceCallEvent(null, "audit-searched", actor, "read the case") { CaseId = caseId }), CancellationToken.None));

        using var check = _services.CreateScope();
        var events = check.ServiceProvider.GetRequiredService<CoverageDbContext>().AuditEvents;
        var aggregated = await events.SingleAsync(e => e.Subject == _subject);
        Assert.Equal((5, first, first.AddSeconds(42)), (aggregated.Occurrences, DateTime.SpecifyKind(aggregated.At, DateTimeKind.Utc), DateTime.SpecifyKind(aggregated.LastAt!.Value, DateTimeKind.Utc)));
        Assert.Equal(("https://auth.test", "auditor-app", "person-1", "192.0.2.7"), (aggregated.ActorIssuer, aggregated.ActorClient, aggregated.ActorSubject, aggregated.Source));
        var onCase = await events.SingleAsync(e => e.CaseId == caseId);
        Assert.Equal(("audit-searched", 1, (DateTime?)null, "auditor-app"), (onCase.Action, onCase.Occurrences, onCase.LastAt, onCase.ActorClient));
    }

    /// <summary>Events on a case and events on none, committed together: each row keeps its own case id (or none).</summary>
    [Fact]
    public async Task EventsWithAndWithoutACase_CommittedTogether_EachKeepsItsOwn()
    {
        var caseId = Guid.NewGuid();
        using (var scope = _services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CoverageDbContext>();
            db.Cases.Add(new Coverage.Store.Entities.CaseRecord { Id = caseId, ReceivedAt = _time.GetUtcNow().UtcDateTime, DueAt = _time.GetUtcNow().UtcDateTime, UpdatedAt = _time.GetUtcNow().UtcDateTime });
            await db.SaveChangesAsync();
        }

        await Task.WhenAll(Enumerable.Range(0, 60).Select(n => Task.Run(() => _journal.RecordAsync(
            new(n % 3 == 0 ? Answered(n) with { CaseId = caseId } : Answered(n)), CancellationToken.None))));

        using var check = _services.CreateScope();
        var events = await check.ServiceProvider.GetRequiredService<CoverageDbContext>().AuditEvents.Where(e => e.Subject == _subject).ToListAsync();
        Assert.Equal(60, events.Count);
        Assert.All(events, e => Assert.Equal(int.Parse(e.Detail["call ".Length..], System.Globalization.CultureInfo.InvariantCulture) % 3 == 0 ? caseId : null, e.CaseId));
    }

    [Fact]
    public async Task ExpiredTokens_AreForgottenByTheCleanup()
    {
        var run = Guid.NewGuid().ToString("N");
        await _journal.RecordAsync(new(Answered(1), Token($"{run}-old"), Replayed), CancellationToken.None);
        Assert.Equal(1, await TokenRows($"{run}-old"));

        _time.Advance(TimeSpan.FromMinutes(10)); // the token expired 5 minutes ago; the cleanup's interval has passed
        await _journal.RecordAsync(new(Answered(2), Token($"{run}-new"), Replayed), CancellationToken.None);
        for (var i = 0; i < 100 && await TokenRows($"{run}-old") > 0; i++) await Task.Delay(100);

        Assert.Equal(0, await TokenRows($"{run}-old"));
        Assert.Equal(1, await TokenRows($"{run}-new"));
    }

    [Fact]
    public async Task Stopping_WritesWhatIsQueued_ThenTakesNothingMore()
    {
        var calls = Enumerable.Range(0, 50).Select(n => _journal.RecordAsync(new(Answered(n)), CancellationToken.None)).ToList();
        await _journal.StopWritingAsync();

        Assert.All(await Task.WhenAll(calls), Assert.True);
        Assert.Equal(50, (await Events()).Count);
        Assert.False(_journal.IsWriting);
        await Assert.ThrowsAnyAsync<InvalidOperationException>(() => _journal.RecordAsync(new(Answered(51)), CancellationToken.None));
    }
}

public sealed class SqliteServiceCallJournalTests(SqliteStorage storage) : ServiceCallJournalTests<SqliteStorage>(storage);

public sealed class PostgresServiceCallJournalTests(PostgresStorage storage) : ServiceCallJournalTests<PostgresStorage>(storage);
