using Coverage.Engine.Json;
using Coverage.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace Coverage.Store;

/// <summary>
/// The PAS subscriptions of the FHIR endpoints: create, read, delete, each audited in its own transaction with the
/// authenticated principal; and the PAS request Bundles pended cases were submitted with. A subscription belongs to the
/// caller's organisation; another organisation's is answered exactly like a missing one.
/// </summary>
public sealed class PasSubscriptions(CoverageDbContext db, TimeProvider time)
{
    /// <summary>Keeps the subscription (status requested) and its handshake, to be sent by the deliverer.</summary>
    public async Task<SubscriptionView> CreateAsync(NewSubscription subscription, Caller caller, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var record = new PasSubscriptionRecord
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()),
            Tenant = caller.Tenant,
            CreatedBy = caller.Actor.Id,
            CreatedByIssuer = caller.Actor.Issuer,
            CreatedByClient = caller.Actor.ClientId,
            Status = SubscriptionStates.Requested,
            Topic = subscription.Topic,
            FilterCriteria = subscription.FilterCriteria,
            Endpoint = subscription.Endpoint,
            ContentType = subscription.ContentType,
            Content = subscription.Content,
            ProtectedHeaders = subscription.ProtectedHeaders,
            Reason = subscription.Reason,
            End = subscription.End,
            TimeoutSeconds = subscription.TimeoutSeconds,
            HeartbeatSeconds = subscription.HeartbeatSeconds,
            CreatedAt = now,
        };
        db.Set<PasSubscriptionRecord>().Add(record);
        db.Set<SubscriptionDeliveryRecord>().Add(new SubscriptionDeliveryRecord
        {
            SubscriptionId = record.Id, Kind = SubscriptionStates.Handshake, CreatedAt = now, State = SubscriptionStates.Pending, NextAttemptAt = now,
        });
        Audit(record.Id, null, now, "subscription-created", caller.Actor,
            $"Subscription created for organisation '{caller.Tenant}' (filter {subscription.FilterCriteria}; endpoint {EndpointOrigin(subscription.Endpoint)}); status requested until the handshake is accepted.");
        await db.SaveChangesAsync(cancellationToken);
        return SubscriptionView.Of(record);
    }

    /// <summary>The caller's own subscription (a read, audited); <paramref name="what"/> says what was read.</summary>
    public async Task<StoreResult<SubscriptionView>> ReadAsync(Guid id, Caller caller, string what, CancellationToken cancellationToken)
    {
        var record = await OwnAsync(id, caller, cancellationToken);
        if (record is null) return NotFound(id);
        Audit(id, null, time.GetUtcNow().UtcDateTime, "subscription-read", caller.Actor, $"{what} read.");
        await db.SaveChangesAsync(cancellationToken);
        return StoreResult<SubscriptionView>.Ok(SubscriptionView.Of(record));
    }

    /// <summary>
    /// The caller's own subscriptions, for the type-level $status: those named by <paramref name="ids"/> (all when empty)
    /// whose status is one of <paramref name="statuses"/> (any when empty), oldest first. Another organisation's
    /// subscription is not available to the caller, so it is not returned; naming one is audited as an access refused,
    /// as a read of it is. Each returned subscription's read is audited.
    /// </summary>
    public async Task<IReadOnlyList<SubscriptionView>> ListAsync(
        Caller caller, IReadOnlyCollection<Guid> ids, IReadOnlyCollection<string> statuses, CancellationToken cancellationToken)
    {
        var query = db.Set<PasSubscriptionRecord>().AsNoTracking().Where(s => s.DeletedAt == null);
        if (ids.Count > 0) query = query.Where(s => ids.Contains(s.Id));
        else query = query.Where(s => s.Tenant == caller.Tenant);
        var found = await query.OrderBy(s => s.CreatedAt).ThenBy(s => s.Id).ToListAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var answered = new List<SubscriptionView>();
        foreach (var record in found)
        {
            if (!string.Equals(record.Tenant, caller.Tenant, StringComparison.Ordinal))
            {
                Audit(record.Id, null, now, "access-refused", caller.Actor,
                    $"The subscription was named in a type-level $status by a caller of organisation '{caller.Tenant}'; it was left out.");
                continue;
            }
            if (statuses.Count > 0 && !statuses.Contains(record.Status)) continue;
            Audit(record.Id, null, now, "subscription-read", caller.Actor, "The Subscription's $status (type level) read.");
            answered.Add(SubscriptionView.Of(record));
        }
        if (found.Count > 0) await db.SaveChangesAsync(cancellationToken);
        return answered;
    }

    /// <summary>
    /// The numbered events of the caller's own subscription from <paramref name="since"/> to <paramref name="until"/>
    /// (inclusive; either open), at most <paramref name="limit"/>, lowest numbers first ($events): delivered or not, as long
    /// as they are kept (the retention policy's window). A read, audited with the range and what was returned.
    /// </summary>
    public async Task<StoreResult<SubscriptionEvents>> EventsAsync(Guid id, Caller caller, long? since, long? until, int limit, CancellationToken cancellationToken)
    {
        var record = await OwnAsync(id, caller, cancellationToken);
        if (record is null) return StoreResult<SubscriptionEvents>.Fail(StoreErrorKind.NotFound, $"No Subscription {id:N}.");
        var from = since ?? 1;
        var to = until ?? long.MaxValue;
        var events = await db.Set<SubscriptionDeliveryRecord>().AsNoTracking()
            .Where(d => d.SubscriptionId == id && d.EventNumber != null && d.EventNumber >= from && d.EventNumber <= to)
            .OrderBy(d => d.EventNumber).Take(limit)
            .Select(d => new SubscriptionEvent(d.EventNumber!.Value, d.CreatedAt, d.CaseId))
            .ToListAsync(cancellationToken);
        var range = $"{(since is null ? "the first" : since.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))} to {(until is null ? "the last" : until.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))}";
        var returned = events.Count == 0 ? "none kept" : $"{events.Count} (numbers {events[0].Number} to {events[^1].Number})";
        var now = time.GetUtcNow().UtcDateTime;
        Audit(id, null, now, "subscription-events-read", caller.Actor, $"The Subscription's $events read: events {range}; returned {returned}.");
        // Each case whose response the answer carries was read, and its own trail says so.
        foreach (var caseId in events.Select(e => e.CaseId).OfType<Guid>().Distinct())
            Audit(id, caseId, now, "subscription-events-read", caller.Actor, $"The case's PAS response read through the Subscription's $events (events {range}).");
        await db.SaveChangesAsync(cancellationToken);
        return StoreResult<SubscriptionEvents>.Ok(new SubscriptionEvents(SubscriptionView.Of(record), events));
    }

    /// <summary>
    /// Replaces the caller's own subscription with what it now asks for (PAS spec-55: update). Its endpoint may have
    /// changed, so it is requested again until a new handshake is accepted; its events keep their numbering.
    /// </summary>
    public async Task<StoreResult<SubscriptionView>> UpdateAsync(Guid id, NewSubscription subscription, Caller caller, CancellationToken cancellationToken)
    {
        var record = await OwnAsync(id, caller, cancellationToken);
        if (record is null) return NotFound(id);
        var now = time.GetUtcNow().UtcDateTime;
        record.Status = SubscriptionStates.Requested;
        record.FilterCriteria = subscription.FilterCriteria;
        record.Endpoint = subscription.Endpoint;
        record.ContentType = subscription.ContentType;
        record.Content = subscription.Content;
        record.ProtectedHeaders = subscription.ProtectedHeaders;
        record.Reason = subscription.Reason;
        record.End = subscription.End;
        record.TimeoutSeconds = subscription.TimeoutSeconds;
        record.HeartbeatSeconds = subscription.HeartbeatSeconds;
        record.NextHeartbeatAt = null; // set again once the new handshake is delivered
        record.LastError = null;
        db.Set<SubscriptionDeliveryRecord>().Add(new SubscriptionDeliveryRecord
        {
            SubscriptionId = record.Id, Kind = SubscriptionStates.Handshake, CreatedAt = now, State = SubscriptionStates.Pending, NextAttemptAt = now,
        });
        Audit(id, null, now, "subscription-updated", caller.Actor,
            $"Subscription updated (filter {subscription.FilterCriteria}; endpoint {EndpointOrigin(subscription.Endpoint)}); status requested until the handshake is accepted.");
        await db.SaveChangesAsync(cancellationToken);
        return StoreResult<SubscriptionView>.Ok(SubscriptionView.Of(record));
    }

    /// <summary>How many subscriptions the organisation holds (not deleted): bounded, as every call out costs.</summary>
    public Task<int> CountAsync(string tenant, CancellationToken cancellationToken) =>
        db.Set<PasSubscriptionRecord>().CountAsync(s => s.Tenant == tenant && s.DeletedAt == null, cancellationToken);

    /// <summary>Turns the caller's own subscription off for good: nothing more is sent, and it is no longer found.</summary>
    public async Task<StoreResult<SubscriptionView>> DeleteAsync(Guid id, Caller caller, CancellationToken cancellationToken)
    {
        var record = await OwnAsync(id, caller, cancellationToken);
        if (record is null) return NotFound(id);
        var now = time.GetUtcNow().UtcDateTime;
        record.DeletedAt = now;
        record.Status = SubscriptionStates.Off;
        Audit(id, null, now, "subscription-deleted", caller.Actor, "Subscription deleted; its pending notifications are dropped.");
        await db.SaveChangesAsync(cancellationToken);
        return StoreResult<SubscriptionView>.Ok(SubscriptionView.Of(record));
    }

    /// <summary>
    /// Keeps the PAS request Bundle of a case that is not final, once: its decision's notification carries the PAS
    /// response Bundle built from it. A resubmission keeps the first.
    /// </summary>
    public async Task KeepPasRequestAsync(Guid caseId, Utf8Json bundleJson, CancellationToken cancellationToken)
    {
        if (await db.Set<PasRequestBundleRecord>().AnyAsync(r => r.CaseId == caseId, cancellationToken)) return;
        db.Set<PasRequestBundleRecord>().Add(new PasRequestBundleRecord { CaseId = caseId, BundleJson = bundleJson, KeptAt = time.GetUtcNow().UtcDateTime });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (StoreFailures.IsConflict(e))
        {
            // The same case's resubmission kept it first: the first is kept.
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>The scheme, host and port of an endpoint: what the audit trail says of it (a path or query may carry a secret).</summary>
    public static string EndpointOrigin(string endpoint) =>
        Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : "(invalid)";

    private async Task<PasSubscriptionRecord?> OwnAsync(Guid id, Caller caller, CancellationToken cancellationToken)
    {
        var record = await db.Set<PasSubscriptionRecord>().FirstOrDefaultAsync(s => s.Id == id && s.DeletedAt == null, cancellationToken);
        if (record is null || string.Equals(record.Tenant, caller.Tenant, StringComparison.Ordinal)) return record;
        Audit(id, null, time.GetUtcNow().UtcDateTime, "access-refused", caller.Actor,
            $"The subscription was asked for by a caller of organisation '{caller.Tenant}'; it was answered as not found.");
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    private void Audit(Guid subscription, Guid? caseId, DateTime at, string action, Actor actor, string detail) =>
        db.AuditEvents.Add(new AuditEventRecord
        {
            Subject = SubscriptionStates.Subject(subscription), CaseId = caseId, At = at, Action = action, Actor = actor.Id, ActorRole = actor.Role,
            ActorIssuer = actor.Issuer, ActorClient = actor.ClientId, ActorSubject = actor.Subject, Source = actor.Source, Detail = detail,
        });

    private static StoreResult<SubscriptionView> NotFound(Guid id) => StoreResult<SubscriptionView>.Fail(StoreErrorKind.NotFound, $"No Subscription {id:N}.");
}
