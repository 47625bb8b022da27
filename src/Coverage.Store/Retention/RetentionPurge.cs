using System.Diagnostics;
using System.Globalization;
using Coverage.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace Coverage.Store;

/// <summary>
/// One retention purge (<see cref="RetentionOptions"/>): sent or given-up notifications past their window, the PAS
/// request Bundles of cases no decision can reach any more, and deleted subscriptions with nothing left. Pending
/// notifications, cases, decisions and audit events are never touched. Deleted in batches, each its own short
/// statement; a purge that removed anything is one service audit event (subject <see cref="AuditSubject"/>).
/// </summary>
public sealed class RetentionPurge(CoverageDbContext db, RetentionOptions options, TimeProvider time, SqliteWriteGate? gate = null)
{
    public const string AuditSubject = "store/retention";
    private static readonly Actor Service = new("retention-purge", "service");

    /// <param name="server">Which server ran it (the audit event says so).</param>
    public async Task<RetentionRun> RunAsync(string server, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var now = time.GetUtcNow().UtcDateTime;
        var eventsBefore = now.AddDays(-options.EventDays);
        var othersBefore = now.AddHours(-options.HeartbeatHours);
        var finalBefore = now.AddDays(-options.PasRequestDaysAfterFinal);
        var deliveries = db.Set<SubscriptionDeliveryRecord>();

        var events = await DeleteInBatchesAsync(
            () => deliveries.Where(d => d.State != SubscriptionStates.Pending && d.Kind == SubscriptionStates.EventNotification && d.CreatedAt < eventsBefore)
                .OrderBy(d => d.CreatedAt).Select(d => d.Id).Take(options.BatchSize).ToListAsync(cancellationToken),
            ids => deliveries.Where(d => ids.Contains(d.Id)).ExecuteDeleteAsync(cancellationToken), cancellationToken);
        var others = await DeleteInBatchesAsync(
            () => deliveries.Where(d => d.State != SubscriptionStates.Pending && d.Kind != SubscriptionStates.EventNotification && d.CreatedAt < othersBefore)
                .OrderBy(d => d.CreatedAt).Select(d => d.Id).Take(options.BatchSize).ToListAsync(cancellationToken),
            ids => deliveries.Where(d => ids.Contains(d.Id)).ExecuteDeleteAsync(cancellationToken), cancellationToken);

        // A request Bundle goes once its case, and every appeal of it, is final or cancelled and has not changed for the
        // period, and nothing about it waits to be sent: no decision can be notified from it any more.
        var closed = new[] { Coverage.Cases.CaseStatus.Final, Coverage.Cases.CaseStatus.Cancelled };
        var requests = db.Set<PasRequestBundleRecord>();
        var bundles = await DeleteInBatchesAsync(
            () => requests
                .Where(r => db.Cases.Any(c => c.Id == r.CaseId && closed.Contains(c.Status) && c.UpdatedAt < finalBefore))
                .Where(r => !db.Cases.Any(a => a.AppealOf == r.CaseId && (!closed.Contains(a.Status) || a.UpdatedAt >= finalBefore)))
                .Where(r => !deliveries.Any(d => d.CaseId == r.CaseId && d.State == SubscriptionStates.Pending))
                .OrderBy(r => r.CaseId).Select(r => r.CaseId).Take(options.BatchSize).ToListAsync(cancellationToken),
            ids => requests.Where(r => ids.Contains(r.CaseId)).ExecuteDeleteAsync(cancellationToken), cancellationToken);

        var subscriptions = db.Set<PasSubscriptionRecord>();
        var deleted = await DeleteInBatchesAsync(
            () => subscriptions.Where(s => s.DeletedAt != null && s.DeletedAt < eventsBefore && !deliveries.Any(d => d.SubscriptionId == s.Id))
                .OrderBy(s => s.Id).Select(s => s.Id).Take(options.BatchSize).ToListAsync(cancellationToken),
            ids => subscriptions.Where(s => ids.Contains(s.Id)).ExecuteDeleteAsync(cancellationToken), cancellationToken);

        var run = new RetentionRun(events, others, bundles, deleted, watch.Elapsed);
        if (run.Total > 0)
        {
            db.AuditEvents.Add(new AuditEventRecord
            {
                Subject = AuditSubject, At = now, Action = "retention-purged", Actor = Service.Id, ActorRole = Service.Role,
                Detail = string.Create(CultureInfo.InvariantCulture,
                    $"Retention purge by {server}: {events} event notifications sent or given up before {eventsBefore:O} ({options.EventDays} days), "
                    + $"{others} handshakes and heartbeats before {othersBefore:O} ({options.HeartbeatHours} h), "
                    + $"{bundles} PAS request Bundles of cases final since before {finalBefore:O} ({options.PasRequestDaysAfterFinal} days), "
                    + $"{deleted} deleted subscriptions; {run.Took.TotalSeconds:0.###} s."),
            });
            await db.SaveChangesAsync(cancellationToken);
        }
        return run;
    }

    /// <summary>Finds a batch, deletes it, until a batch comes back short; each delete is its own statement (and, on SQLite, holds the write gate only for it).</summary>
    private async Task<int> DeleteInBatchesAsync<TKey>(Func<Task<List<TKey>>> batch, Func<List<TKey>, Task<int>> delete, CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            var ids = await batch();
            if (ids.Count == 0) return total;
            using (var held = gate is null ? null : await gate.HoldAsync(cancellationToken))
                total += await delete(ids);
            if (ids.Count < options.BatchSize) return total;
        }
    }
}
