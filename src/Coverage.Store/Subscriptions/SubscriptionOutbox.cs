using Coverage.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace Coverage.Store;

/// <summary>
/// Enqueues the notifications a change of a PAS case owes its organisation's subscriptions, in the transaction of the
/// change itself (the caller's next SaveChanges): a decision is never kept without its notification, nor a
/// notification sent for a decision that was not kept. Cases not submitted through PAS (no kept request Bundle, of their
/// own or, for an appeal, of the case it contests) owe none. A subscription in error still counts its events (the backport's
/// errors page: the server SHALL go on incrementing events-since-subscription-start); they are numbered, not sent, and
/// $events returns them to the client that recovers.
/// </summary>
internal static class SubscriptionOutbox
{
    public static async Task EnqueueAsync(CoverageDbContext db, CaseRecord record, DateTime now, CancellationToken cancellationToken)
    {
        var live = await db.Set<PasSubscriptionRecord>()
            .Where(s => s.Tenant == record.Tenant && s.DeletedAt == null
                && (s.Status == SubscriptionStates.Requested || s.Status == SubscriptionStates.Active || s.Status == SubscriptionStates.Error)
                && (s.End == null || s.End > now))
            .Select(s => s.Id).ToListAsync(cancellationToken);
        if (live.Count == 0) return;
        // An appeal of a PAS request is the provider's too, however it was filed.
        if (!await db.Set<PasRequestBundleRecord>().AnyAsync(r => r.CaseId == record.Id || r.CaseId == record.AppealOf, cancellationToken)) return;
        foreach (var subscription in live)
            db.Set<SubscriptionDeliveryRecord>().Add(new SubscriptionDeliveryRecord
            {
                SubscriptionId = subscription,
                Kind = SubscriptionStates.EventNotification,
                CaseId = record.Id,
                CreatedAt = now,
                State = SubscriptionStates.Pending,
                NextAttemptAt = now,
            });
    }
}
