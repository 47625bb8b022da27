using Microsoft.Extensions.Hosting;

namespace Coverage.Store;

/// <summary>
/// Runs the <see cref="ServiceCallJournal"/>'s writer as a hosted service. It starts with the host, before the web
/// server takes calls, and it stops last: in the host's final stop phase (StoppedAsync), after the web server has
/// finished its calls and after the services registered later than the case store — the security events, which
/// write their last counts through the journal when they stop — so that every entry queued is written before the
/// writer ends. The host's shutdown timeout bounds the wait; an entry then unwritten fails its caller, which was
/// never answered.
/// </summary>
public sealed class ServiceCallJournalWriter(ServiceCallJournal journal) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        journal.StartWriting();
        return Task.CompletedTask;
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => journal.StopWritingAsync().WaitAsync(cancellationToken);
}
