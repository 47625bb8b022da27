using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coverage.Store;

/// <summary>
/// Forgets the single-use token ids (used_tokens) that can no longer be replayed — those past their
/// <see cref="TokenUse.ExpiresAt"/>, by when the token itself is refused for its exp, skew included — every
/// <see cref="Interval"/>, as a hosted service; it stops with the host (a delete under way is cancelled and simply
/// done again by the next server to run). A store that is away is tried again at the next interval.
/// </summary>
public sealed partial class UsedTokenCleanup(IServiceScopeFactory scopes, TimeProvider time, ILogger<UsedTokenCleanup> logger, SqliteWriteGate? gate = null)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await ForgetExpiredAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Usually the store is unavailable (the calls that need it say so: 503). Whatever it was, the cleanup
                // waits for the next interval: a failure here must not stop the host, as a hosted service's would.
                var kind = e.GetType().Name;
                NotCleaned(logger, kind);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One delete of the expired token ids.</summary>
    public async Task ForgetExpiredAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CoverageDbContext>();
        using var held = gate is null ? null : await gate.HoldAsync(cancellationToken);
        await db.UsedTokens.Where(t => t.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Expired token ids were not forgotten ({Kind}); tried again at the next interval.")]
    private static partial void NotCleaned(ILogger logger, string kind);
}
