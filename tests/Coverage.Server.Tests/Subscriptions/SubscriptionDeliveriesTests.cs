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
    public async Task Due_TheLongestWaitingFirst_ByItsOldestNotification_AndNoneUnderALiveLease()
    {
        using var app = new CoverageApp(_storage, new FakeTimeProvider(CoverageApp.Start));
        var (first, second, third, leased) = (Subscription(), Subscription(), Subscription(), Subscription(leasedUntil: Ahead.AddMinutes(5)));
        await app.WithDbAsync(async db =>
        {
            db.AddRange(first, second, third, leased);
            db.AddRange(
                Pending(second, Ahead.AddHours(-2)),
                Pending(first, Ahead.AddMinutes(-1)), // a recent one: its subscription ranks by its oldest
                Pending(first, Ahead.AddHours(-3)),
                Pending(third, Ahead.AddHours(-1)),
                Pending(leased, Ahead.AddHours(-9)),
                Pending(third, Ahead.AddHours(1))); // not due yet
            await db.SaveChangesAsync();
        });

        var two = await app.WithDbAsync(db => Deliveries(db).DueAsync(2, CancellationToken.None));
        var all = await app.WithDbAsync(db => Deliveries(db).DueAsync(10, CancellationToken.None));

        // The class's other test leaves a heartbeat due at the clock's now (waiting least): only this test's are compared in the full list.
        Assert.Equal([first.Id, second.Id], two);
        Assert.Equal([first.Id, second.Id, third.Id], all.Where(id => id == first.Id || id == second.Id || id == third.Id || id == leased.Id));
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

    private static SubscriptionDeliveryRecord Pending(PasSubscriptionRecord subscription, DateTime due) => new()
    {
        SubscriptionId = subscription.Id, Kind = SubscriptionStates.EventNotification, State = SubscriptionStates.Pending,
        CreatedAt = CoverageApp.Start.UtcDateTime, NextAttemptAt = due,
    };
}

public sealed class SqliteSubscriptionDeliveriesTests(SqliteStorage storage) : SubscriptionDeliveriesTests<SqliteStorage>(storage);

public sealed class PostgresSubscriptionDeliveriesTests(PostgresStorage storage) : SubscriptionDeliveriesTests<PostgresStorage>(storage);
