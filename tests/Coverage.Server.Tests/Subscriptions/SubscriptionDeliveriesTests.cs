using Coverage.Store;
using Coverage.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Task = System.Threading.Tasks.Task;

namespace Coverage.Server.Tests.Subscriptions;

/// <summary>
/// Which subscriptions the deliverer serves first when more are due than it takes at once, on a real store: the one
/// whose oldest due notification has waited longest, and the longest overdue heartbeat — never an arbitrary few the
/// database happens to return (a query that takes some rows without an order may return the same few each time).
/// The rows are due on a clock ten years ahead of the server's, so that its own deliverer leaves them alone.
/// </summary>
public abstract class SubscriptionDeliveriesTests<TStorage> : IClassFixture<TStorage> where TStorage : Storage
{
    private readonly TStorage _storage;

    protected SubscriptionDeliveriesTests(TStorage storage) => _storage = storage;

    private static readonly DateTime Ahead = CoverageApp.Start.UtcDateTime.AddYears(10);

    [Fact]
    public async Task Due_TheLongestWaitingFirst_ByItsNextNotification_AndNoneUnderALiveLease()
    {
        using var app = new CoverageApp(_storage, new FakeTimeProvider(CoverageApp.Start));
        var (first, second, third, leased) = (Subscription(), Subscription(), Subscription(), Subscription(leasedUntil: Ahead.AddMinutes(5)));
        await app.WithDbAsync(async db =>
        {
            db.AddRange(first, second, third, leased);
            db.AddRange(Pending(second, Ahead.AddHours(-2)), Pending(first, Ahead.AddHours(-3)), Pending(third, Ahead.AddHours(-1)), Pending(leased, Ahead.AddHours(-9)));
            await db.SaveChangesAsync();
            // Queued behind the first ones: a recent one (its subscription ranks by the one ahead of it), one not due yet.
            db.AddRange(Pending(first, Ahead.AddMinutes(-1)), Pending(third, Ahead.AddHours(1)));
            await db.SaveChangesAsync();
        });

        var two = await app.WithDbAsync(db => Deliveries(db).DueAsync(2, CancellationToken.None));
        var all = await app.WithDbAsync(db => Deliveries(db).DueAsync(10, CancellationToken.None));

        // The class's other tests leave rows due on this clock too: only this test's are compared in the full list.
        Assert.Equal([first.Id, second.Id], two);
        Assert.Equal([first.Id, second.Id, third.Id], all.Where(id => id == first.Id || id == second.Id || id == third.Id || id == leased.Id));
    }

    [Fact]
    public async Task Due_NotWhileItsNextNotificationWaitsForItsRetry_SoSubscribersWhoseEndpointsAreDown_DoNotStarveTheOthers()
    {
        using var app = new CoverageApp(_storage, new FakeTimeProvider(CoverageApp.Start));
        // Long before everything else: their endpoints failed, and the notification at the head of each waits an hour
        // for its retry while those queued behind it have waited a year.
        var down = Enumerable.Range(0, 3).Select(_ => Subscription()).ToList();
        var up = Subscription();
        await app.WithDbAsync(async db =>
        {
            db.AddRange(down);
            db.Add(up);
            db.AddRange(down.Select(s => Pending(s, Ahead.AddHours(1), attempts: 3)));
            await db.SaveChangesAsync();
            db.AddRange(down.Select(s => Pending(s, Ahead.AddYears(-1))));
            db.Add(Pending(up, Ahead.AddYears(-1).AddDays(1)));
            await db.SaveChangesAsync();
        });

        var one = await app.WithDbAsync(db => Deliveries(db).DueAsync(1, CancellationToken.None));
        var all = await app.WithDbAsync(db => Deliveries(db).DueAsync(100, CancellationToken.None));

        Assert.Equal([up.Id], one);
        Assert.Empty(all.Intersect(down.Select(s => s.Id)));
    }

    [Fact]
    public async Task Heartbeats_TheLongestOverdueFirst()
    {
        using var app = new CoverageApp(_storage, new FakeTimeProvider(CoverageApp.Start));
        var (lately, longAgo) = (Subscription(heartbeatDue: Ahead.AddMinutes(-1)), Subscription(heartbeatDue: Ahead.AddHours(-3)));
        await app.WithDbAsync(async db =>
        {
            db.AddRange(lately, longAgo);
            await db.SaveChangesAsync();
        });

        var enqueued = await app.WithDbAsync(db => Deliveries(db).EnqueueHeartbeatsAsync(1, CancellationToken.None));
        var heartbeats = await app.WithDbAsync(db => db.Set<SubscriptionDeliveryRecord>()
            .Where(d => d.Kind == SubscriptionStates.Heartbeat && (d.SubscriptionId == lately.Id || d.SubscriptionId == longAgo.Id))
            .Select(d => d.SubscriptionId).ToListAsync());

        Assert.Equal(1, enqueued);
        Assert.Equal([longAgo.Id], heartbeats);
    }

    private static SubscriptionDeliveries Deliveries(CoverageDbContext db) => new(db, new FakeTimeProvider(new DateTimeOffset(Ahead)));

    private static PasSubscriptionRecord Subscription(DateTime? leasedUntil = null, DateTime? heartbeatDue = null) => new()
    {
        Id = Guid.NewGuid(), Tenant = "portal-deliveries", CreatedBy = "portal-deliveries", Status = SubscriptionStates.Active,
        Topic = "http://hl7.org/fhir/us/davinci-pas/SubscriptionTopic/PASSubscriptionTopic", FilterCriteria = "org-identifier=DELIVERIES",
        Endpoint = $"https://receiver.example/{Guid.NewGuid():N}", ContentType = "application/fhir+json", Content = "full-resource",
        TimeoutSeconds = 10, CreatedAt = CoverageApp.Start.UtcDateTime,
        LeaseOwner = leasedUntil is null ? null : "another-server", LeaseUntil = leasedUntil,
        HeartbeatSeconds = heartbeatDue is null ? null : 60, NextHeartbeatAt = heartbeatDue,
    };

    private static SubscriptionDeliveryRecord Pending(PasSubscriptionRecord subscription, DateTime due, int attempts = 0) => new()
    {
        SubscriptionId = subscription.Id, Kind = SubscriptionStates.EventNotification, State = SubscriptionStates.Pending,
        CreatedAt = CoverageApp.Start.UtcDateTime, NextAttemptAt = due, Attempts = attempts,
    };
}

public sealed class SqliteSubscriptionDeliveriesTests(SqliteStorage storage) : SubscriptionDeliveriesTests<SqliteStorage>(storage);

public sealed class PostgresSubscriptionDeliveriesTests(PostgresStorage storage) : SubscriptionDeliveriesTests<PostgresStorage>(storage);
