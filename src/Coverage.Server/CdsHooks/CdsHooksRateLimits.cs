using System.Globalization;
using System.Threading.RateLimiting;

namespace Coverage.Server.CdsHooks;

/// <summary>RateLimits:CdsHooks: how many CDS Hooks calls a client, and how many refusals a source, may cost us.</summary>
public sealed class CdsHooksRateLimitOptions
{
    /// <summary>Authenticated calls per second per CDS client (issuer). The load benchmark sends 1,000/s from one client.</summary>
    public int ClientPermitsPerSecond { get; set; } = 3000;
    /// <summary>Calls a client may send at once above its rate.</summary>
    public int ClientBurst { get; set; } = 3000;
    /// <summary>Refused calls (no, bad or replayed token) per second per source address (IPv4 address, IPv6 /64).</summary>
    public int RefusalsPerSourcePerSecond { get; set; } = 20;
    /// <summary>Refused calls a source may have at once above that rate.</summary>
    public int RefusalBurst { get; set; } = 40;
}

/// <summary>
/// Per-client and per-source limits of the CDS Hooks services (token buckets, System.Threading.RateLimiting):
/// a source whose calls keep being refused is answered 429 before its token is even read (a refusal costs a
/// signature check and an audit count), and each authenticated client (issuer) has a generous rate of its own,
/// so that one client cannot take the server from the others. Idle partitions are dropped by the limiter itself,
/// so memory follows the sources active in the last seconds.
/// </summary>
public sealed class CdsHooksRateLimits : IDisposable
{
    private readonly PartitionedRateLimiter<string> _clients;
    private readonly PartitionedRateLimiter<string> _refusals;

    private readonly TimeSpan _refusalRetry;

    public CdsHooksRateLimits(CdsHooksRateLimitOptions options)
    {
        _refusalRetry = TimeSpan.FromSeconds(Math.Ceiling(1.0 / Math.Max(1, options.RefusalsPerSourcePerSecond)));
        _clients = Buckets(options.ClientPermitsPerSecond, options.ClientBurst);
        _refusals = Buckets(options.RefusalsPerSourcePerSecond, options.RefusalBurst);
    }

    /// <summary>
    /// Null when the source may still try (a whole refusal is left in its budget), else when to try again; uses
    /// nothing up. (Not AttemptAcquire(0): the bucket refills continuously, and a fraction of a permit is "some".)
    /// </summary>
    public TimeSpan? SourceBlocked(string source) => _refusals.GetStatistics(source) is { CurrentAvailablePermits: < 1 } ? _refusalRetry : null;

    /// <summary>Counts a refused call of the source against its refusal budget.</summary>
    public void Refused(string source) => _refusals.AttemptAcquire(source).Dispose();

    /// <summary>Takes a permit for an authenticated call of the client; null when it may go ahead, else when to try again.</summary>
    public TimeSpan? ClientBlocked(string client) => Denied(_clients.AttemptAcquire(client));

    private static TimeSpan? Denied(RateLimitLease lease)
    {
        using (lease)
        {
            if (lease.IsAcquired) return null;
            return lease.TryGetMetadata(MetadataName.RetryAfter, out var after) && after > TimeSpan.Zero ? after : TimeSpan.FromSeconds(1);
        }
    }

    /// <summary>Retry-After in whole seconds, at least 1.</summary>
    public static string RetryAfter(TimeSpan after) => Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    /// <summary>Token buckets, refilled every 100 ms when the rate divides so (smooth within a second), else every second.</summary>
    private static PartitionedRateLimiter<string> Buckets(int perSecond, int burst)
    {
        perSecond = Math.Max(1, perSecond);
        var tenths = perSecond % 10 == 0;
        return PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, burst),
            TokensPerPeriod = tenths ? perSecond / 10 : perSecond,
            ReplenishmentPeriod = tenths ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }), StringComparer.Ordinal);
    }

    public void Dispose()
    {
        _clients.Dispose();
        _refusals.Dispose();
    }
}
