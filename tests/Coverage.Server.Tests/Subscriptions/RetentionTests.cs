using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Coverage.Fhir;
using Coverage.Store;
using Coverage.Store.Entities;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Task = System.Threading.Tasks.Task;

namespace Coverage.Server.Tests.Subscriptions;

/// <summary>
/// The retention purge (docs/decisions.md, "Retention") on a real store: what only serves notifications goes after its
/// window — sent or given-up events after 90 days, handshakes and heartbeats after 24 hours, the PAS request Bundle of a
/// case once it and its appeals are final for 365 days, deleted subscriptions with nothing left — and nothing else:
/// pending notifications, recent ones, cases, decisions and audit events stay. One server runs it at a time; each run
/// that removed something is one service audit event. Time moves by the test's clock only.
/// </summary>
public abstract class RetentionTests<TStorage> : IClassFixture<TStorage> where TStorage : Storage
{
    private const string Scopes = "system/Claim.c system/ClaimResponse.r system/Subscription.* coverage/cases.read coverage/cases.write";
    private readonly TStorage _storage;

    protected RetentionTests(TStorage storage) => _storage = storage;

    /// <summary>
    /// The server; the purge's schedule (its lease row) is forgotten, since the tests of this class share one database
    /// and each sets its own clock.
    /// </summary>
    private CoverageApp App(FakeTimeProvider clock, bool background = false)
    {
        var app = new CoverageApp(_storage, clock, builder =>
        {
            ApiTokens.Configure(builder);
            if (!background) builder.UseSetting("Retention:Enabled", "false"); // the test runs the purge itself
        });
        app.WithDbAsync(db => db.Set<MaintenanceLeaseRecord>().ExecuteDeleteAsync()).GetAwaiter().GetResult();
        return app;
    }

    [Fact]
    public async Task Purge_RemovesWhatIsPastItsWindow_KeepsPendingRecentAndTheRecord_AuditedOnce()
    {
        var clock = new FakeTimeProvider(CoverageApp.Start);
        using var app = App(clock);
        using var client = app.CreateClient().With(ApiTokens.Create(Scopes, "portal-retention"));
        using var physician = app.CreateClient().With(ApiTokens.Person(ApiTokens.Physician));
        var decided = await SubmitPendedAsync(client);
        await Api.Post(physician, $"/api/v1/cases/{decided}/decisions", Api.Decision((1, "uphold", "Not medically necessary."), (2, "uphold", "Not medically necessary.")));
        var appealed = await SubmitPendedAsync(client);
        await Api.Post(physician, $"/api/v1/cases/{appealed}/decisions", Api.Decision((1, "uphold", "Not medically necessary."), (2, "uphold", "Not medically necessary.")));
        var (filed, appeal, _) = await Api.Post(client, $"/api/v1/cases/{appealed}/appeals", """{"filedBy": "provider", "reason": "New imaging attached."}""");
        Assert.True(filed == HttpStatusCode.Created, appeal.ToString());
        var pending = await SubmitPendedAsync(client);

        var t0 = clock.GetUtcNow().UtcDateTime;
        var live = Subscription(t0, deleted: null);
        var gone = Subscription(t0, deleted: t0);
        await app.WithDbAsync(async db =>
        {
            db.AddRange(live, gone);
            db.AddRange(
                Delivery(live.Id, SubscriptionStates.EventNotification, SubscriptionStates.Delivered, t0, decided, 1),
                Delivery(live.Id, SubscriptionStates.EventNotification, SubscriptionStates.Abandoned, t0, decided, 2),
                Delivery(live.Id, SubscriptionStates.Heartbeat, SubscriptionStates.Delivered, t0),
                Delivery(gone.Id, SubscriptionStates.Handshake, SubscriptionStates.Delivered, t0),
                Delivery(live.Id, SubscriptionStates.EventNotification, SubscriptionStates.Pending, t0, pending, null));
            await db.SaveChangesAsync();
        });
        clock.Advance(TimeSpan.FromDays(400));
        var now = clock.GetUtcNow().UtcDateTime;
        await app.WithDbAsync(async db =>
        {
            db.AddRange(
                Delivery(live.Id, SubscriptionStates.EventNotification, SubscriptionStates.Delivered, now.AddDays(-89), decided, 3),
                Delivery(live.Id, SubscriptionStates.Heartbeat, SubscriptionStates.Delivered, now.AddHours(-20)));
            await db.SaveChangesAsync();
        });
        var auditBefore = await app.WithDbAsync(db => db.AuditEvents.CountAsync(a => a.CaseId == decided));

        var purge = app.Services.GetRequiredService<RetentionPurgeService>();
        var run = await purge.RunIfDueAsync(CancellationToken.None);

        Assert.NotNull(run);
        Assert.Equal((2, 2, 1, 1), (run.EventNotifications, run.OtherNotifications, run.PasRequestBundles, run.DeletedSubscriptions));
        await app.WithDbAsync(async db =>
        {
            var left = await db.Set<SubscriptionDeliveryRecord>().Where(d => d.SubscriptionId == live.Id).OrderBy(d => d.Id).Select(d => new { d.Kind, d.State, d.EventNumber }).ToListAsync();
            Assert.Equal(
                [(SubscriptionStates.EventNotification, SubscriptionStates.Pending, (long?)null), (SubscriptionStates.EventNotification, SubscriptionStates.Delivered, 3L), (SubscriptionStates.Heartbeat, SubscriptionStates.Delivered, null)],
                left.Select(d => (d.Kind, d.State, d.EventNumber)));
            Assert.False(await db.Set<PasSubscriptionRecord>().AnyAsync(s => s.Id == gone.Id));
            Assert.True(await db.Set<PasSubscriptionRecord>().AnyAsync(s => s.Id == live.Id));
            // The decided case's request is gone; the appealed one's (its appeal is open) and the pending one's stay.
            var kept = await db.Set<PasRequestBundleRecord>().Select(r => r.CaseId).ToListAsync();
            Assert.DoesNotContain(decided, kept);
            Assert.Contains(appealed, kept);
            Assert.Contains(pending, kept);
            // The record stays: the cases, their decisions and their audit trail.
            Assert.Equal(3, await db.Cases.CountAsync(c => c.Id == decided || c.Id == appealed || c.Id == pending));
            Assert.Equal(2, await db.Decisions.CountAsync(d => d.CaseId == decided));
            Assert.Equal(auditBefore, await db.AuditEvents.CountAsync(a => a.CaseId == decided));
            var audit = Assert.Single(await db.AuditEvents.Where(a => a.Subject == RetentionPurge.AuditSubject && a.At == now).ToListAsync());
            Assert.Equal("retention-purged", audit.Action);
            Assert.Equal("service", audit.ActorRole);
            Assert.Contains("2 event notifications", audit.Detail, StringComparison.Ordinal);
        });

        // The case still answers an inquiry-free read: its record is whole.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/cases/{decided}")).StatusCode);

        // Not due again before its interval; then due, with nothing to do: no audit event.
        Assert.Null(await purge.RunIfDueAsync(CancellationToken.None));
        clock.Advance(TimeSpan.FromMinutes(61));
        var again = await purge.RunIfDueAsync(CancellationToken.None);
        Assert.Equal(0, again!.Total);
        var later = clock.GetUtcNow().UtcDateTime;
        Assert.False(await app.WithDbAsync(db => db.AuditEvents.AnyAsync(a => a.Subject == RetentionPurge.AuditSubject && a.At > now && a.At <= later)));
    }

    [Fact]
    public async Task TwoServersOnOneDatabase_OneRunsEachPurge()
    {
        var clock = new FakeTimeProvider(CoverageApp.Start.AddDays(1000));
        using var first = App(clock);
        using var second = App(clock);
        var one = first.Services.GetRequiredService<RetentionPurgeService>();
        var other = second.Services.GetRequiredService<RetentionPurgeService>();

        for (var round = 0; round < 3; round++)
        {
            var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() => (i % 2 == 0 ? one : other).RunIfDueAsync(CancellationToken.None))));
            Assert.Single(runs, r => r is not null);
            clock.Advance(TimeSpan.FromMinutes(60));
        }
    }

    [Fact]
    public async Task TheBackgroundPurge_RunsOnItsOwn_AsTheClockMoves()
    {
        var clock = new FakeTimeProvider(CoverageApp.Start.AddDays(2000));
        using var app = App(clock, background: true);
        using var client = app.CreateClient(); // starts the host and its hosted services
        var t0 = clock.GetUtcNow().UtcDateTime;
        var subscription = Subscription(t0, deleted: null);
        var heartbeat = Delivery(subscription.Id, SubscriptionStates.Heartbeat, SubscriptionStates.Delivered, t0);
        await app.WithDbAsync(async db =>
        {
            db.AddRange(subscription, heartbeat);
            await db.SaveChangesAsync();
        });

        clock.Advance(TimeSpan.FromHours(25));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await app.WithDbAsync(db => db.Set<SubscriptionDeliveryRecord>().AnyAsync(d => d.Id == heartbeat.Id)))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The background purge did not remove the day-old heartbeat.");
            await Task.Delay(50);
            clock.Advance(TimeSpan.FromMinutes(1)); // its next look
        }
    }

    /// <summary>
    /// A large table: 100,000 sent heartbeats past their window, removed in batches (20 of the default 5,000), beside
    /// 1,000 recent ones that stay. (docs/benchmarks.md, "Retention purge", has the timing of a million.)
    /// </summary>
    [Fact]
    public async Task ALargeTable_IsPurgedInBatches_WhatIsRecentStays()
    {
        var rows = int.TryParse(Environment.GetEnvironmentVariable("COVERAGE_RETENTION_ROWS"), out var asked) ? asked : 100_000;
        var clock = new FakeTimeProvider(CoverageApp.Start.AddDays(3000));
        using var app = App(clock);
        var now = clock.GetUtcNow().UtcDateTime;
        var subscription = Subscription(now, deleted: null);
        await app.WithDbAsync(async db =>
        {
            db.Add(subscription);
            await db.SaveChangesAsync();
            await BulkHeartbeatsAsync(db, subscription.Endpoint, rows, now.AddDays(-2));
            await BulkHeartbeatsAsync(db, subscription.Endpoint, 1000, now.AddHours(-1));
        });

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var run = await app.Services.GetRequiredService<RetentionPurgeService>().RunIfDueAsync(CancellationToken.None);
        watch.Stop();

        Assert.Equal(rows, run!.OtherNotifications);
        Assert.Equal(1000, await app.WithDbAsync(db => db.Set<SubscriptionDeliveryRecord>().CountAsync(d => d.SubscriptionId == subscription.Id)));
        Console.WriteLine($"Retention purge ({_storage.Provider}): {rows} rows in {watch.Elapsed.TotalSeconds:0.00} s.");
    }

    private async Task BulkHeartbeatsAsync(CoverageDbContext db, string endpoint, int count, DateTime at)
    {
        if (_storage.Provider == "postgres")
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO subscription_deliveries ("SubscriptionId", "Kind", "CreatedAt", "State", "Attempts", "NextAttemptAt", "DeliveredAt")
                SELECT s."Id", 'heartbeat', {at}, 'delivered', 1, {at}, {at} FROM generate_series(1, {count}) AS n CROSS JOIN pas_subscriptions s WHERE s."Endpoint" = {endpoint}
                """);
        else
            await db.Database.ExecuteSqlAsync($"""
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count})
                INSERT INTO subscription_deliveries ("SubscriptionId", "Kind", "CreatedAt", "State", "Attempts", "NextAttemptAt", "DeliveredAt")
                SELECT s."Id", 'heartbeat', {at}, 'delivered', 1, {at}, {at} FROM n CROSS JOIN pas_subscriptions s WHERE s."Endpoint" = {endpoint}
                """);
    }

    private static async Task<Guid> SubmitPendedAsync(HttpClient client)
    {
        var bundle = JsonNode.Parse(File.ReadAllText(Path.Combine(Conformance.IgValidator.FixturesFolder, "pas-kit", "pended-pa-submit-request-payload.adapted.json")))!.AsObject();
        var claim = bundle["entry"]![0]!["resource"]!;
        claim["identifier"]![0]!["value"] = Api.NewId();
        foreach (var item in claim["item"]!.AsArray())
        {
            if (item!["servicedDate"] is not null) item["servicedDate"] = "2026-05-04";
            if (item["servicedPeriod"] is JsonObject period) { period["start"] = "2026-05-04"; period["end"] = "2026-05-06"; }
        }
        using var content = new StringContent(bundle.ToJsonString(), Encoding.UTF8, "application/fhir+json");
        var response = await client.PostAsync("/fhir/Claim/$submit", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = FhirJson.Parse<Bundle>(await response.Content.ReadAsStringAsync(), out _)!;
        var claimResponse = Assert.IsType<ClaimResponse>(answer.Entry[0].Resource);
        return Guid.Parse(claimResponse.Identifier.First(i => i.System?.EndsWith("/api/v1/cases", StringComparison.Ordinal) == true).Value!);
    }

    private static PasSubscriptionRecord Subscription(DateTime at, DateTime? deleted) => new()
    {
        Id = Guid.NewGuid(), Tenant = "portal-retention", CreatedBy = "portal-retention", Status = deleted is null ? SubscriptionStates.Active : SubscriptionStates.Off,
        Topic = "http://hl7.org/fhir/us/davinci-pas/SubscriptionTopic/PASSubscriptionTopic", FilterCriteria = "org-identifier=RETENTION",
        Endpoint = $"https://receiver.example/{Guid.NewGuid():N}", ContentType = "application/fhir+json", Content = "full-resource",
        TimeoutSeconds = 10, CreatedAt = at, DeletedAt = deleted,
    };

    private static SubscriptionDeliveryRecord Delivery(Guid subscription, string kind, string state, DateTime at, Guid? caseId = null, long? number = null) => new()
    {
        // A pending one waits for a retry far ahead: the server's own deliverer leaves it alone during the test.
        SubscriptionId = subscription, Kind = kind, State = state, CreatedAt = at, NextAttemptAt = state == SubscriptionStates.Pending ? at.AddYears(10) : at,
        CaseId = caseId, EventNumber = number,
        Attempts = state == SubscriptionStates.Pending ? 0 : 1, DeliveredAt = state == SubscriptionStates.Delivered ? at : null,
    };
}

public sealed class SqliteRetentionTests(SqliteStorage storage) : RetentionTests<SqliteStorage>(storage);

public sealed class PostgresRetentionTests(PostgresStorage storage) : RetentionTests<PostgresStorage>(storage);
