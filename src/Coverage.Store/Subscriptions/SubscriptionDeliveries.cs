using Coverage.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace Coverage.Store;

/// <summary>
/// The outbox as the background deliverer works it. Several servers may share one database: a server delivers a
/// subscription's notifications only while it holds that subscription's lease, taken by a conditional update that
/// succeeds for one server only (the same on SQLite and PostgreSQL), so that each subscription's notifications go out
/// one at a time, in order, and are numbered in that order. Every attempt is audited with the subscription's owner,
/// except a heartbeat delivered (a keep-alive carries nothing of a case; one that fails is audited).
/// </summary>
public sealed class SubscriptionDeliveries(CoverageDbContext db, TimeProvider time, SqliteWriteGate? gate = null)
{
    public DateTime Now() => time.GetUtcNow().UtcDateTime;

    /// <summary>
    /// Subscriptions whose next notification is due now and no live lease, at most <paramref name="limit"/>: those whose
    /// next notification has waited longest first, so that with more due than the limit none waits behind the others for
    /// ever (and the database is not left to pick an arbitrary few). A subscription's next notification is its oldest
    /// pending one (<see cref="NextAsync"/>: the rest wait behind it, in order); while that one waits for its retry the
    /// subscription is not due, however long the ones behind it have waited — else a subscriber whose endpoint is down
    /// would be "due" at every poll, ahead of everyone, and twenty of them would starve every other subscriber.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> DueAsync(int limit, CancellationToken cancellationToken)
    {
        var now = Now();
        var pending = db.Set<SubscriptionDeliveryRecord>().AsNoTracking().Where(d => d.State == SubscriptionStates.Pending);
        return await pending
            .Where(d => d.NextAttemptAt <= now && !pending.Any(earlier => earlier.SubscriptionId == d.SubscriptionId && earlier.Id < d.Id))
            .Join(db.Set<PasSubscriptionRecord>(), d => d.SubscriptionId, s => s.Id, (d, s) => new { s.Id, s.LeaseUntil, d.NextAttemptAt })
            .Where(x => x.LeaseUntil == null || x.LeaseUntil < now)
            .OrderBy(x => x.NextAttemptAt).ThenBy(x => x.Id)
            .Select(x => x.Id).Take(limit).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Enqueues a heartbeat (backport-heartbeat-period) for each active subscription that asked for one and has had
    /// nothing delivered for its period, nor anything waiting to go (a pending notification is itself the next sign
    /// of life), at most <paramref name="limit"/>. Each is claimed by a conditional update of its due time, so that
    /// with several servers on one database a heartbeat is enqueued once.
    /// </summary>
    public async Task<int> EnqueueHeartbeatsAsync(int limit, CancellationToken cancellationToken)
    {
        var now = Now();
        var due = await db.Set<PasSubscriptionRecord>().AsNoTracking()
            .Where(s => s.Status == SubscriptionStates.Active && s.DeletedAt == null && s.HeartbeatSeconds != null
                && s.NextHeartbeatAt != null && s.NextHeartbeatAt <= now && (s.End == null || s.End > now))
            .Where(s => !db.Set<SubscriptionDeliveryRecord>().Any(d => d.SubscriptionId == s.Id && d.State == SubscriptionStates.Pending))
            .OrderBy(s => s.NextHeartbeatAt).ThenBy(s => s.Id) // the longest overdue first, as deliveries are
            .Select(s => new { s.Id, Period = s.HeartbeatSeconds!.Value, Due = s.NextHeartbeatAt })
            .Take(limit).ToListAsync(cancellationToken);
        var enqueued = 0;
        foreach (var subscription in due)
        {
            var next = now.AddSeconds(subscription.Period);
            int claimed;
            using (var held = gate is null ? null : await gate.HoldAsync(cancellationToken))
                claimed = await db.Set<PasSubscriptionRecord>()
                    .Where(s => s.Id == subscription.Id && s.NextHeartbeatAt == subscription.Due)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.NextHeartbeatAt, next), cancellationToken);
            if (claimed != 1) continue;
            db.Set<SubscriptionDeliveryRecord>().Add(new SubscriptionDeliveryRecord
            {
                SubscriptionId = subscription.Id, Kind = SubscriptionStates.Heartbeat, CreatedAt = now, State = SubscriptionStates.Pending, NextAttemptAt = now,
            });
            enqueued++;
        }
        if (enqueued > 0) await db.SaveChangesAsync(cancellationToken);
        return enqueued;
    }

    /// <summary>Takes the subscription's lease for <paramref name="owner"/> when no other server holds a live one.</summary>
    public async Task<bool> TryLeaseAsync(Guid subscription, string owner, TimeSpan duration, CancellationToken cancellationToken)
    {
        var now = Now();
        var until = now + duration;
        using var held = gate is null ? null : await gate.HoldAsync(cancellationToken);
        var taken = await db.Set<PasSubscriptionRecord>()
            .Where(s => s.Id == subscription && (s.LeaseUntil == null || s.LeaseUntil < now || s.LeaseOwner == owner))
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LeaseOwner, owner).SetProperty(x => x.LeaseUntil, until), cancellationToken);
        return taken == 1;
    }

    /// <summary>Gives the lease back (only this server's own).</summary>
    public async Task ReleaseAsync(Guid subscription, string owner, CancellationToken cancellationToken)
    {
        using var held = gate is null ? null : await gate.HoldAsync(cancellationToken);
        await db.Set<PasSubscriptionRecord>()
            .Where(s => s.Id == subscription && s.LeaseOwner == owner)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LeaseOwner, (string?)null).SetProperty(x => x.LeaseUntil, (DateTime?)null), cancellationToken);
    }

    /// <summary>
    /// The subscription's next notification, when one is due: its oldest pending one (later ones wait behind it, so
    /// that they arrive in order). A notification the subscription can no longer take (deleted, off, in error, past
    /// its end) is dropped, and the next one looked at; in error, an event is numbered first (it happened; $events has it).
    /// </summary>
    public async Task<(PasSubscriptionRecord Subscription, SubscriptionDeliveryRecord Delivery)?> NextAsync(Guid subscriptionId, CancellationToken cancellationToken)
    {
        var subscription = await db.Set<PasSubscriptionRecord>().FirstOrDefaultAsync(s => s.Id == subscriptionId, cancellationToken);
        if (subscription is null) return null;
        while (true)
        {
            var head = await db.Set<SubscriptionDeliveryRecord>()
                .Where(d => d.SubscriptionId == subscriptionId && d.State == SubscriptionStates.Pending)
                .OrderBy(d => d.Id).FirstOrDefaultAsync(cancellationToken);
            if (head is null) return null;
            var now = Now();
            var closed = subscription.DeletedAt is not null || subscription.Status is SubscriptionStates.Error or SubscriptionStates.Off
                || (subscription.End is { } end && end <= now);
            if (!closed) return head.NextAttemptAt <= now ? (subscription, head) : null;
            if (subscription.Status == SubscriptionStates.Error && subscription.DeletedAt is null && !(subscription.End <= now)
                && head.Kind == SubscriptionStates.EventNotification && head.EventNumber is null)
            {
                // In error the events go on being counted (backport errors page), so that $events can return what was missed.
                subscription.EventsSinceStart++;
                head.EventNumber = subscription.EventsSinceStart;
            }
            head.State = SubscriptionStates.Abandoned;
            head.LastError = $"Not sent: the subscription is {(subscription.DeletedAt is not null ? "deleted" : subscription.End <= now ? "past its end" : subscription.Status)}.";
            if (subscription.End <= now && subscription.Status is SubscriptionStates.Requested or SubscriptionStates.Active) subscription.Status = SubscriptionStates.Off;
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Numbers an event notification before its first attempt (events-since-subscription-start counts it), and keeps
    /// the number, so that a retry sends the same event with the same number.
    /// </summary>
    public async Task NumberAsync(PasSubscriptionRecord subscription, SubscriptionDeliveryRecord delivery, CancellationToken cancellationToken)
    {
        if (delivery.Kind != SubscriptionStates.EventNotification || delivery.EventNumber is not null) return;
        subscription.EventsSinceStart++;
        delivery.EventNumber = subscription.EventsSinceStart;
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// The PAS request Bundle a case was submitted with, for the response Bundle a notification carries; for an appeal
    /// not filed through PAS, the request of the case it contests (the same request, the same parties).
    /// </summary>
    public async Task<string?> PasRequestAsync(Guid caseId, CancellationToken cancellationToken)
    {
        var appealOf = await db.Cases.Where(c => c.Id == caseId).Select(c => c.AppealOf).FirstOrDefaultAsync(cancellationToken);
        var kept = await db.Set<PasRequestBundleRecord>().Where(r => r.CaseId == caseId || r.CaseId == appealOf)
            .OrderBy(r => r.CaseId == caseId ? 0 : 1).Select(r => r.BundleJson).FirstOrDefaultAsync(cancellationToken);
        return kept?.ToString();
    }

    /// <summary>The case as it stands now: a notification carries the current response.</summary>
    public async Task<CaseView?> CaseAsync(Guid caseId, CancellationToken cancellationToken)
    {
        var record = await db.Cases.AsNoTracking().Include(c => c.Decisions).Include(c => c.Filters).AsSingleQuery()
            .FirstOrDefaultAsync(c => c.Id == caseId, cancellationToken);
        return record is null ? null : CaseViews.View(record);
    }

    /// <summary>The receiver accepted it: a handshake makes the subscription active.</summary>
    /// <param name="sentAt">When the notification was sent: the next heartbeat is a period from then.</param>
    public async Task SucceededAsync(PasSubscriptionRecord subscription, SubscriptionDeliveryRecord delivery, string detail, DateTime sentAt, CancellationToken cancellationToken)
    {
        var now = Now();
        delivery.Attempts++;
        delivery.State = SubscriptionStates.Delivered;
        delivery.DeliveredAt = now;
        delivery.LastError = null;
        subscription.LastError = null;
        if (delivery.Kind == SubscriptionStates.Handshake && subscription.Status == SubscriptionStates.Requested) subscription.Status = SubscriptionStates.Active;
        // Whatever reached the receiver is a sign of life: the next heartbeat is a period from when it was sent — not from
        // when its answer is recorded, which a slow receiver or a busy server would push later each time.
        if (subscription.HeartbeatSeconds is { } period && subscription.Status == SubscriptionStates.Active) subscription.NextHeartbeatAt = sentAt.AddSeconds(period);
        if (delivery.Kind != SubscriptionStates.Heartbeat)
            Audit(subscription, delivery, now, delivery.Kind == SubscriptionStates.Handshake ? "subscription-handshake" : "subscription-notified", detail);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// The attempt failed: tried again after <paramref name="retryAfter"/>, or, after <paramref name="maxAttempts"/>
    /// attempts, given up, and the subscription is set to error (a client sees it in the Subscription and $status).
    /// </summary>
    public async Task FailedAsync(
        PasSubscriptionRecord subscription, SubscriptionDeliveryRecord delivery, string error, int maxAttempts, TimeSpan retryAfter, CancellationToken cancellationToken)
    {
        var now = Now();
        delivery.Attempts++;
        delivery.LastError = Bounded(error);
        subscription.LastError = Bounded(error);
        var what = delivery.Kind switch
        {
            SubscriptionStates.Handshake => "Handshake",
            SubscriptionStates.Heartbeat => "Heartbeat",
            _ => $"Notification of event {delivery.EventNumber}",
        };
        if (delivery.Attempts >= maxAttempts)
        {
            delivery.State = SubscriptionStates.Abandoned;
            subscription.Status = SubscriptionStates.Error;
            Audit(subscription, delivery, now, "subscription-error",
                $"{what} failed {delivery.Attempts} times ({error}); the subscription is set to error and sends nothing more.");
        }
        else
        {
            delivery.NextAttemptAt = now + retryAfter;
            Audit(subscription, delivery, now, "subscription-delivery-failed",
                $"{what}: attempt {delivery.Attempts} failed ({error}); tried again after {retryAfter.TotalSeconds:0.#} s.");
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>A notification that cannot be built (its case or request is gone) is dropped, and said so.</summary>
    public async Task DropAsync(PasSubscriptionRecord subscription, SubscriptionDeliveryRecord delivery, string reason, CancellationToken cancellationToken)
    {
        delivery.State = SubscriptionStates.Abandoned;
        delivery.LastError = Bounded(reason);
        Audit(subscription, delivery, Now(), "subscription-delivery-dropped", reason);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Deliveries are audited with the subscription's owner: the principal on whose behalf the server calls out.</summary>
    private void Audit(PasSubscriptionRecord subscription, SubscriptionDeliveryRecord delivery, DateTime at, string action, string detail) =>
        db.AuditEvents.Add(new AuditEventRecord
        {
            Subject = SubscriptionStates.Subject(subscription.Id), CaseId = delivery.CaseId, At = at, Action = action,
            Actor = subscription.CreatedBy, ActorRole = "subscription-owner", ActorIssuer = subscription.CreatedByIssuer, ActorClient = subscription.CreatedByClient,
            Detail = $"{detail} Endpoint {PasSubscriptions.EndpointOrigin(subscription.Endpoint)}.",
        });

    private static string Bounded(string text) => text.Length <= 500 ? text : text[..500];
}
