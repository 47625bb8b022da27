using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coverage.Store;

/// <summary>
/// Runs the <see cref="RetentionPurge"/> every <see cref="RetentionOptions.IntervalMinutes"/>, on one server at a time:
/// each server looks every minute, and the one whose <see cref="MaintenanceLease"/> claim succeeds runs it (the
/// others find it not due, or held). A store that is away is tried again at the next look.
/// </summary>
public sealed partial class RetentionPurgeService(IServiceScopeFactory scopes, RetentionOptions options, TimeProvider time, ILogger<RetentionPurgeService> logger)
    : BackgroundService
{
    public const string JobName = "retention";
    public static readonly TimeSpan LookEvery = TimeSpan.FromMinutes(1);
    /// <summary>Longer than a purge takes (a million rows take seconds); a server that died holding it is relieved after it.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(30);

    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled) return;
        using var timer = new PeriodicTimer(LookEvery, time);
        do
        {
            try
            {
                await RunIfDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Usually the store is away. A failure must not stop the host; the next look tries again.
                var kind = e.GetType().Name;
                NotPurged(logger, kind);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>The purge, when it is due and this server takes it; null otherwise.</summary>
    public async Task<RetentionRun?> RunIfDueAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var lease = scope.ServiceProvider.GetRequiredService<MaintenanceLease>();
        if (!await lease.TryTakeAsync(JobName, _owner, time.GetUtcNow().UtcDateTime, TimeSpan.FromMinutes(options.IntervalMinutes), Lease, cancellationToken)) return null;
        try
        {
            var run = await scope.ServiceProvider.GetRequiredService<RetentionPurge>().RunAsync(_owner, cancellationToken);
            if (run.Total > 0) Purged(logger, run.EventNotifications, run.OtherNotifications, run.PasRequestBundles, run.DeletedSubscriptions, run.Took.TotalMilliseconds);
            return run;
        }
        finally
        {
            await lease.ReleaseAsync(JobName, _owner, CancellationToken.None);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention purge: {Events} event notifications, {Others} handshakes and heartbeats, {Bundles} PAS request Bundles, {Subscriptions} deleted subscriptions removed in {Milliseconds} ms.")]
    private static partial void Purged(ILogger logger, int events, int others, int bundles, int subscriptions, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The retention purge did not run ({Kind}); tried again at the next look.")]
    private static partial void NotPurged(ILogger logger, string kind);
}
