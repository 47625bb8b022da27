using Coverage.Store;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Coverage.Server.Operations;

/// <summary>
/// Readiness: the service call journal's writer is running (else every CDS Hooks call and audit search would
/// wait for a commit that never comes), and its queue is not backed up: degraded from
/// <see cref="BackedUpDepth"/> entries waiting, a sign that the store commits slower than calls arrive.
/// </summary>
internal sealed class JournalHealthCheck(ServiceCallJournal journal) : IHealthCheck
{
    /// <summary>A quarter of the queue's capacity: well before callers have to wait to be queued at all.</summary>
    public const int BackedUpDepth = 4 * ServiceCallJournal.MaxBatch;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var depth = journal.QueueDepth;
        var data = new Dictionary<string, object> { ["queueDepth"] = depth };
        if (!journal.IsWriting) return Task.FromResult(HealthCheckResult.Unhealthy("The journal's writer is not running.", data: data));
        return Task.FromResult(depth >= BackedUpDepth
            ? HealthCheckResult.Degraded($"{depth} service calls wait for the journal's commit.", data: data)
            : HealthCheckResult.Healthy($"{depth} service calls wait for the journal's commit.", data));
    }
}
