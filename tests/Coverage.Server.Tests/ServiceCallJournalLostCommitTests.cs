using Coverage.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Coverage.Server.Tests;

/// <summary>
/// The hook journal's group commit when the reply to a batch's COMMIT is lost (a proxy passes the COMMIT to a real
/// PostgreSQL and holds its reply until the command timeout ends the connection): the batch is committed, but the
/// writer cannot know it. Retrying each entry alone — right for an entry the store refuses — would find each call's
/// own token and record twenty honest hook calls as replays (401s, and "jti already used" security events naming the
/// EHR). Each call hears instead that the outcome is unknown.
/// </summary>
public sealed class ServiceCallJournalLostCommitTests(PostgresStorage storage) : IClassFixture<PostgresStorage>
{
    private readonly string _subject = $"cds-hooks/lost-{Guid.NewGuid():N}"[..30];

    [Fact]
    public async Task ABatchWhoseCommitReplyIsLost_FailsEachCall_AndRecordsNoneAsAReplay()
    {
        var target = new NpgsqlConnectionStringBuilder(storage.ConnectionString);
        await using var proxy = new TcpProxy(target.Host!, target.Port);
        proxy.Start();
        // In clear: the proxy reads the protocol to find the COMMIT (Debian's PostgreSQL offers TLS, which Npgsql prefers).
        var viaProxy = new NpgsqlConnectionStringBuilder(storage.ConnectionString)
            { Host = "127.0.0.1", Port = proxy.Port, Timeout = 3, CommandTimeout = 5, SslMode = SslMode.Disable }.ConnectionString;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddLogging();
        services.AddCaseStore(StorageProvider.Postgres, viaProxy);
        await using var provider = services.BuildServiceProvider();
        using (var scope = provider.CreateScope()) await scope.ServiceProvider.GetRequiredService<CoverageDbContext>().Database.MigrateAsync();
        var journal = provider.GetRequiredService<ServiceCallJournal>();
        journal.StartWriting();
        var run = Guid.NewGuid().ToString("N");
        var answered = new Actor("https://ehr.test", "cds-client");
        ServiceCallJournal.Entry Call(int n) => new(
            new(_subject, "hook-answered", answered, $"call {n}"),
            new TokenUse("https://ehr.test", $"{run}-{n}", time.GetUtcNow().UtcDateTime.AddMinutes(5)),
            new(_subject, "hook-refused", Actor.Anonymous, "Authentication failed: this jti was already used."));

        // A first call's commit is held, so that the next twenty queue behind it and share the next transaction; that
        // transaction's COMMIT reaches the database and its reply is lost.
        proxy.HoldRepliesAfterNextCommit();
        var first = journal.RecordAsync(Call(0), CancellationToken.None);
        await proxy.CommitHeld.WaitAsync(TimeSpan.FromSeconds(30));
        var batch = Enumerable.Range(1, 20).Select(n => journal.RecordAsync(Call(n), CancellationToken.None)).ToList();
        for (var i = 0; i < 100 && journal.QueueDepth < 20; i++) await Task.Delay(50);
        Assert.Equal(20, journal.QueueDepth);
        proxy.HoldRepliesAfterNextCommit();
        proxy.ReleaseReplies();
        Assert.True(await first);
        await proxy.CommitHeld.WaitAsync(TimeSpan.FromSeconds(30));

        foreach (var call in batch)
        {
            var failure = await Assert.ThrowsAsync<CommitOutcomeUnknownException>(() => call);
            Assert.IsAssignableFrom<NpgsqlException>(failure.InnerException);
        }
        proxy.ReleaseReplies();

        // The batch was committed: its twenty calls and tokens are there, and not one replay was recorded.
        using var read = provider.CreateScope();
        var direct = read.ServiceProvider.GetRequiredService<CoverageDbContext>();
        var events = await direct.AuditEvents.Where(e => e.Subject == _subject).Select(e => e.Action).ToListAsync();
        Assert.Equal(21, events.Count(a => a == "hook-answered"));
        Assert.DoesNotContain("hook-refused", events);
        Assert.Equal(21, await direct.UsedTokens.CountAsync(t => t.Key.StartsWith("https://ehr.test " + run)));
        await journal.StopWritingAsync();
    }
}
