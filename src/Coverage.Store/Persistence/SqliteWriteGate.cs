using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Coverage.Store;

/// <summary>
/// SQLite lets one connection write at a time. When several requests write at once, the losers get
/// SQLITE_BUSY and Microsoft.Data.Sqlite retries them by putting the thread to sleep — under load that
/// blocks thread-pool threads and latencies climb to seconds (docs/benchmarks.md). The gate makes the
/// writers of this process queue asynchronously instead: each SaveChanges (one transaction) enters the
/// gate before it writes and leaves when it has committed or failed. Readers are not gated (WAL).
/// Registered for SQLite only; PostgreSQL takes concurrent writers as they come.
/// </summary>
public sealed class SqliteWriteGate : SaveChangesInterceptor, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<DbContext, byte> _holders = new();

    /// <summary>Holds the gate for a write that does not go through SaveChanges (ExecuteDelete).</summary>
    public async Task<IDisposable> HoldAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        return new Holding(_gate);
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        Held(eventData.Context);
        return result;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        _gate.Wait();
        Held(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Leave(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Leave(eventData.Context);
        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Leave(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Leave(eventData.Context);
        return Task.CompletedTask;
    }

    public override void SaveChangesCanceled(DbContextEventData eventData) => Leave(eventData.Context);

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        Leave(eventData.Context);
        return Task.CompletedTask;
    }

    public void Dispose() => _gate.Dispose();

    private void Held(DbContext? context)
    {
        if (context is null || !_holders.TryAdd(context, 0)) _gate.Release(); // cannot happen: EF runs one SaveChanges per context at a time
    }

    /// <summary>Leaves only if this context entered: a SaveChanges cancelled while waiting never held the gate.</summary>
    private void Leave(DbContext? context)
    {
        if (context is not null && _holders.TryRemove(context, out _)) _gate.Release();
    }

    private sealed class Holding(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) gate.Release();
        }
    }
}
