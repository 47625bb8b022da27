using System.Collections.Concurrent;
using Microsoft.IdentityModel.Tokens;

namespace Coverage.Server.Security;

/// <summary>
/// JWK Sets fetched from their URLs and kept — CDS clients' (a configured <c>jwks_uri</c>, or an allowed <c>jku</c>)
/// and API token issuers' (a configured <c>JwksUri</c>), each kind in a cache of its own and through its own named
/// HTTP client: fresh for <see cref="Lifetime"/>; fetched again at once when a token names a key id the set lacks (an
/// EHR or an authorization server rotating its keys publishes the new one and signs with it), at most once per
/// <see cref="RetryInterval"/>; fetched by one call for all the calls that need it at the same moment; and, when a
/// fetch fails, the set last fetched still used for up to <see cref="StaleLimit"/> after it was fetched — a key server
/// that is down for a while does not turn every call whose keys are known into a 401.
/// </summary>
/// <remarks>
/// Without this, a token with a new key id was refused until the cached set expired (ten minutes of 401s after every
/// key rotation), every call arriving while a set was being fetched fetched it again, and a key server that failed or
/// stopped answering made each call wait for its own fetch's timeout and then refused it. The URLs are configured (an
/// issuer's JWK Set URL, a CDS client's allowed <c>jku</c> list), so the sets kept are bounded by the configuration; a token's
/// key id is the caller's text, and can make this fetch again no more often than once per <see cref="RetryInterval"/>.
/// </remarks>
/// <param name="clientName">The named HTTP client the sets are fetched with (no redirects, a bounded size: <see cref="KeySetClients"/>).</param>
internal sealed partial class KeySetCache(IHttpClientFactory httpClients, string clientName, TimeProvider time, ILogger logger)
{
    /// <summary>How long a fetched set is used without asking its server again.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    /// <summary>The least time between two fetches of one set that are not for its expiry (a new key id, after a failure).</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(30);

    /// <summary>How long after it was fetched a set is still used while its server cannot give a newer one (as IdentityModel's last known good configuration).</summary>
    public static readonly TimeSpan StaleLimit = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<string, KeySet> _sets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<IList<SecurityKey>>> _fetching = new(StringComparer.Ordinal);

    /// <summary>
    /// The signing keys of the set at <paramref name="url"/>, for a token naming <paramref name="keyId"/> (none: any key);
    /// throws when the set cannot be had (<see cref="KeySetUnavailableException"/>, or the fetch's own failure).
    /// </summary>
    public async Task<IList<SecurityKey>> KeysAsync(string url, string? keyId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        _sets.TryGetValue(url, out var set);
        if (set?.Keys is { } keys && now - set.Fetched < Lifetime && (string.IsNullOrEmpty(keyId) || Holds(keys, keyId))) return keys;

        // Expired, or the token names a key the set lacks: ask the server again — unless it was asked a moment ago (a
        // set that expired then was not fetched then: that attempt failed).
        if (set is not null && now - set.Attempted < RetryInterval)
            return Usable(set, now) ?? throw new KeySetUnavailableException($"the key set at {url} could not be fetched {(now - set.Attempted).TotalSeconds:0} s ago; it is not asked again sooner than {RetryInterval.TotalSeconds:0} s");
        try
        {
            return await FetchOnceAsync(url).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (_sets.TryGetValue(url, out set) && Usable(set, time.GetUtcNow()) is { } stale)
            {
                UsingStaleSet(logger, url, set.Fetched, e.Message);
                return stale;
            }
            throw;
        }
    }

    /// <summary>Whether the set has a key with that id (a loop, not a lambda: this runs on every authenticated hook call).</summary>
    private static bool Holds(IList<SecurityKey> keys, string keyId)
    {
        foreach (var key in keys)
            if (string.Equals(key.KeyId, keyId, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>The set's keys while they may still be used in place of a newer set: fetched less than <see cref="StaleLimit"/> ago.</summary>
    private static IList<SecurityKey>? Usable(KeySet set, DateTimeOffset now) => set.Keys is { } keys && now - set.Fetched < StaleLimit ? keys : null;

    /// <summary>The fetch of the set under way, or a new one: calls that need the set at the same moment share one fetch.</summary>
    private Task<IList<SecurityKey>> FetchOnceAsync(string url)
    {
        while (true)
        {
            if (_fetching.TryGetValue(url, out var running)) return running;
            var fetch = new TaskCompletionSource<IList<SecurityKey>>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_fetching.TryAdd(url, fetch.Task)) continue;
            _ = FetchIntoAsync(url, fetch);
            return fetch.Task;
        }
    }

    /// <summary>
    /// Fetches the set and keeps it (or, failing, when it was tried), then completes <paramref name="fetch"/>. Not bound
    /// to any one call's cancellation: it serves every call waiting for it (the client's own timeout bounds it).
    /// </summary>
    private async Task FetchIntoAsync(string url, TaskCompletionSource<IList<SecurityKey>> fetch)
    {
        try
        {
            using var client = httpClients.CreateClient(clientName);
            var json = await client.GetStringAsync(new Uri(url)).ConfigureAwait(false);
            var keys = new JsonWebKeySet(json).GetSigningKeys();
            var now = time.GetUtcNow();
            _sets[url] = new KeySet(keys, now, now);
            fetch.SetResult(keys);
        }
        catch (Exception e)
        {
            _sets.AddOrUpdate(url, static (_, now) => new KeySet(null, DateTimeOffset.MinValue, now),
                static (_, set, now) => set with { Attempted = now }, time.GetUtcNow());
            fetch.SetException(e);
        }
        finally
        {
            _fetching.TryRemove(new KeyValuePair<string, Task<IList<SecurityKey>>>(url, fetch.Task));
        }
    }

    /// <param name="Keys">The keys of the set last fetched; null when none has been.</param>
    /// <param name="Fetched">When they were fetched.</param>
    /// <param name="Attempted">When the set was last asked for, whether that succeeded or not.</param>
    private sealed record KeySet(IList<SecurityKey>? Keys, DateTimeOffset Fetched, DateTimeOffset Attempted);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The JWK Set at {Url} could not be fetched again ({Reason}); the set fetched at {Fetched:o} is still used.")]
    private static partial void UsingStaleSet(ILogger logger, string url, DateTimeOffset fetched, string reason);
}

/// <summary>A JWK Set cannot be had now: its server failed a moment ago and is not asked again yet.</summary>
internal sealed class KeySetUnavailableException(string message) : Exception(message);
