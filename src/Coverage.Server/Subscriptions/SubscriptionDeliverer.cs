using Coverage.Fhir;
using Coverage.Fhir.Pas;
using Coverage.Server.CdsHooks;
using Coverage.Store;
using Coverage.Store.Entities;
using Hl7.Fhir.Model;

namespace Coverage.Server.Subscriptions;

/// <summary>
/// Sends the notifications of the outbox (<see cref="SubscriptionDeliveries"/>) as a hosted service: it polls for
/// subscriptions with a notification due, takes each one's lease (so that with several servers on one database a
/// subscription is served by one at a time, in order), and posts its notifications oldest first — the handshake, then
/// events numbered in that order, each event carrying the case's PAS response Bundle as it stands when sent — and, for a
/// subscription that asked for them, heartbeats when nothing was delivered for its period. A failure
/// stops that subscription's queue until its retry (backoff); after the last attempt the subscription is in error.
/// Nothing is lost across restarts: what was not delivered is still pending in the database.
/// </summary>
public sealed partial class SubscriptionDeliverer(
    IServiceScopeFactory scopes, SubscriptionOptions options, NotificationSender sender, ChannelHeaders channelHeaders, SubscriptionWake wake,
    PasCaseResponses responses, CrdSettings settings, TimeProvider time, ILogger<SubscriptionDeliverer> logger) : BackgroundService
{
    private const int NotificationsPerTurn = 5;
    private const int SubscriptionsPerPoll = 20;

    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
    private readonly TimeSpan _lease = LeaseFor(options);

    /// <summary>
    /// The lease a turn takes: longer than the longest turn the settings allow — each of its notifications bounded by
    /// the timeout — with a minute for the store's reads and writes between them, and never less than two minutes. A
    /// turn that outlived its lease could be taken up by another server halfway, and the subscription's notifications
    /// sent twice or out of order. (A server that dies holding one delays its subscription as long.)
    /// </summary>
    public static TimeSpan LeaseFor(SubscriptionOptions options) =>
        TimeSpan.FromSeconds(Math.Max(120, NotificationsPerTurn * options.TimeoutSeconds + 60));

    /// <summary>The subscriptions whose turn is running here now, each with its task (awaited when the host stops).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, System.Threading.Tasks.Task> _turns = new();

    protected override async System.Threading.Tasks.Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await StartDueTurnsAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Usually the store is away; the notifications wait in it. A failure must not stop the host.
                    var kind = e.GetType().Name;
                    NotDelivered(logger, kind);
                }
                await wake.WaitAsync(TimeSpan.FromMilliseconds(options.PollMilliseconds), stoppingToken);
            }
        }
        finally
        {
            // Each turn hears the cancellation (its send is cut) and gives its lease back before the host goes.
            await System.Threading.Tasks.Task.WhenAll(_turns.Values);
        }
    }

    /// <summary>
    /// One poll: starts a turn for each subscription with a notification due, up to
    /// <see cref="SubscriptionOptions.ConcurrentDeliveries"/> running at once, and does not wait for them — so that an
    /// endpoint that takes a notification and never answers holds up its own subscription only, for its timeout, not
    /// every other subscriber's notifications nor a new subscription's handshake.
    /// </summary>
    private async System.Threading.Tasks.Task StartDueTurnsAsync(CancellationToken cancellationToken)
    {
        var free = options.ConcurrentDeliveries - _turns.Count;
        if (free <= 0) return;
        IReadOnlyList<Guid> due;
        using (var scope = scopes.CreateScope())
        {
            var outbox = scope.ServiceProvider.GetRequiredService<SubscriptionDeliveries>();
            await outbox.EnqueueHeartbeatsAsync(SubscriptionsPerPoll, cancellationToken);
            due = await outbox.DueAsync(SubscriptionsPerPoll, cancellationToken);
        }
        foreach (var subscription in due)
        {
            if (free == 0) break;
            // Not when running here already (the lease, once taken, keeps it out of what is due; this covers the moment before).
            var turn = new TaskCompletionSource();
            if (!_turns.TryAdd(subscription, turn.Task)) continue;
            free--;
            _ = RunTurnAsync(subscription, turn, cancellationToken);
        }
    }

    /// <summary>A subscription's turn, if this server gets its lease: a few of its notifications, in order.</summary>
    private async System.Threading.Tasks.Task RunTurnAsync(Guid subscription, TaskCompletionSource turn, CancellationToken cancellationToken)
    {
        await System.Threading.Tasks.Task.Yield(); // the poll goes on starting the others
        try
        {
            using var scope = scopes.CreateScope();
            var deliveries = scope.ServiceProvider.GetRequiredService<SubscriptionDeliveries>();
            if (!await deliveries.TryLeaseAsync(subscription, _owner, _lease, cancellationToken)) return;
            try
            {
                await TakeTurnAsync(deliveries, subscription, cancellationToken);
            }
            finally
            {
                await deliveries.ReleaseAsync(subscription, _owner, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host is stopping: what was not delivered is still pending in the store.
        }
        catch (Exception e)
        {
            // One subscription's trouble (its store row, its data, the store away) must not hold up the others' notifications.
            var kind = e.GetType().Name;
            TurnFailed(logger, subscription, kind);
        }
        finally
        {
            _turns.TryRemove(subscription, out _);
            turn.SetResult();
        }
    }

    private async System.Threading.Tasks.Task TakeTurnAsync(SubscriptionDeliveries deliveries, Guid subscriptionId, CancellationToken cancellationToken)
    {
        for (var sent = 0; sent < NotificationsPerTurn; sent++)
        {
            if (await deliveries.NextAsync(subscriptionId, cancellationToken) is not var (subscription, delivery)) return;
            await deliveries.NumberAsync(subscription, delivery, cancellationToken);
            var (body, problem) = await NotificationAsync(deliveries, subscription, delivery, cancellationToken);
            if (body is null)
            {
                await deliveries.DropAsync(subscription, delivery, problem!, cancellationToken);
                continue;
            }
            IReadOnlyList<KeyValuePair<string, string>> headers;
            try
            {
                headers = channelHeaders.Unprotect(subscription.ProtectedHeaders);
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                // The data protection keys that encrypted them are gone: the client must send its headers again (PUT).
                await deliveries.FailedAsync(subscription, delivery, "the channel headers can no longer be decrypted (the server's keys changed); update the subscription",
                    options.MaxAttempts, options.RetryAfter(delivery.Attempts + 1), cancellationToken);
                return;
            }
            var timeout = TimeSpan.FromSeconds(Math.Clamp(subscription.TimeoutSeconds, 1, options.TimeoutSeconds));
            var sentAt = deliveries.Now();
            var (delivered, detail) = await sender.SendAsync(new Uri(subscription.Endpoint), subscription.ContentType, headers, body, timeout, cancellationToken);
            if (delivered)
            {
                var what = delivery.Kind switch
                {
                    SubscriptionStates.Handshake => "Handshake",
                    SubscriptionStates.Heartbeat => "Heartbeat",
                    _ => $"Notification of event {delivery.EventNumber} (case {delivery.CaseId})",
                };
                await deliveries.SucceededAsync(subscription, delivery, $"{what} delivered: {detail}, attempt {delivery.Attempts + 1}.", sentAt, cancellationToken);
                continue;
            }
            await deliveries.FailedAsync(subscription, delivery, detail, options.MaxAttempts, options.RetryAfter(delivery.Attempts + 1), cancellationToken);
            return;
        }
    }

    /// <summary>The notification's JSON, or why it cannot be sent. What it needs is read first: a store that is away fails the turn, to be tried again.</summary>
    private async Task<(byte[]? Body, string? Problem)> NotificationAsync(
        SubscriptionDeliveries deliveries, PasSubscriptionRecord subscription, SubscriptionDeliveryRecord delivery, CancellationToken cancellationToken)
    {
        KeptPasCase? kept = null;
        if (delivery.Kind == SubscriptionStates.EventNotification)
        {
            kept = await responses.ReadAsync(deliveries, delivery.CaseId!.Value, cancellationToken);
            if (kept is null) return (null, $"Not sent: case {delivery.CaseId} or its PAS request is no longer kept.");
        }
        try
        {
            var body = System.Text.Encoding.UTF8.GetBytes(FhirJson.Serialize(Build(subscription, delivery, kept)));
            return body.Length > options.MaxNotificationBytes
                ? (null, $"Not sent: the notification is {body.Length} bytes, over the limit of {options.MaxNotificationBytes}.")
                : (body, null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Built from what the store holds alone: what cannot be built now never will be. Dropped (and audited), not retried forever.
            return (null, $"Not sent: the notification could not be built ({e.GetType().Name}).");
        }
    }

    /// <summary>The handshake, a heartbeat, or the event with the case's PAS response Bundle as it stands now.</summary>
    private Bundle Build(PasSubscriptionRecord subscription, SubscriptionDeliveryRecord delivery, KeptPasCase? kept)
    {
        var now = time.GetUtcNow();
        var baseUrl = $"{settings.BaseUrl}/fhir";
        var snapshot = SubscriptionEndpoints.Snapshot(SubscriptionView.Of(subscription));
        if (delivery.Kind == SubscriptionStates.Handshake) return SubscriptionNotification.Handshake(snapshot, baseUrl, now);
        if (delivery.Kind == SubscriptionStates.Heartbeat) return SubscriptionNotification.Heartbeat(snapshot, baseUrl, now);
        return SubscriptionNotification.Event(snapshot, baseUrl, delivery.EventNumber!.Value, new DateTimeOffset(delivery.CreatedAt, TimeSpan.Zero), responses.Build(kept!, now), now);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscription notifications were not delivered in this poll ({Kind}); tried again at the next.")]
    private static partial void NotDelivered(ILogger logger, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscription {Subscription}: its notifications were not delivered in this turn ({Kind}); tried again at the next poll.")]
    private static partial void TurnFailed(ILogger logger, Guid subscription, string kind);
}
