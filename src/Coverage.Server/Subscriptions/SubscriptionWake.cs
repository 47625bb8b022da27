namespace Coverage.Server.Subscriptions;

/// <summary>Wakes the deliverer before its next poll: a new subscription's handshake goes out at once.</summary>
public sealed class SubscriptionWake : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Signal()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one wake is enough.
        }
    }

    /// <summary>Waits for a signal or for <paramref name="poll"/> (real time: the deliverer must look even when a test's clock stands still).</summary>
    public Task WaitAsync(TimeSpan poll, CancellationToken cancellationToken) => _signal.WaitAsync(poll, cancellationToken);

    public void Dispose() => _signal.Dispose();
}
