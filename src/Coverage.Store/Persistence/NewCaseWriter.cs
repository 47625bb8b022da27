using System.Threading.Channels;
using Coverage.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Coverage.Store;

/// <summary>
/// Writes new cases — each with its audit events — durably and with group commit, as the
/// <see cref="ServiceCallJournal"/> writes hook calls: the cases submitted while a transaction is being written wait
/// for the next one, which writes all of them with one SaveChanges (one transaction, one commit: one <c>fsync</c> on
/// SQLite, one round trip of batched inserts on PostgreSQL). Each submitter is answered only once its case is
/// committed, so a case is as durable as with one commit per submission, but the store's commit rate no longer caps
/// the submissions per second.
/// </summary>
/// <remarks>
/// A transaction that fails is retried one case at a time, each in a transaction of its own, so that a case the
/// store refuses — above all the second of two racing submissions of one request id, which the unique index
/// refuses — fails only its own submitter, with the store's exception (<see cref="DbUpdateException"/>), exactly as
/// its own SaveChanges would have; the others are written. A store that is down fails each waiting submitter.
/// The writer is a loop started with the first case; when the application stops, the entries already queued are
/// written before it ends (their submitters are still waiting for them).
/// </remarks>
public sealed class NewCaseWriter : IAsyncDisposable
{
    /// <summary>At most this many cases share a transaction (a case is a few rows: the case, its filter rows, its audit event).</summary>
    public const int MaxBatch = 64;

    private readonly IServiceScopeFactory _scopes;
    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(
        new BoundedChannelOptions(16 * MaxBatch) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly Lazy<Task> _writer;

    public NewCaseWriter(IServiceScopeFactory scopes)
    {
        _scopes = scopes;
        _writer = new(() => Task.Run(WriteLoopAsync), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>
    /// Writes the new case and its audit events, and returns once they are committed; throws the store's exception
    /// when this case could not be written. The write goes ahead whatever the caller does next: a submitter that gives
    /// up still leaves its case, as it would once its commit had begun.
    /// </summary>
    public async Task WriteAsync(CaseRecord record, IReadOnlyList<AuditEventRecord> events, CancellationToken cancellationToken)
    {
        var pending = new Pending(record, events);
        _ = _writer.Value;
        await _queue.Writer.WriteAsync(pending, cancellationToken);
        await pending.Done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Takes no more cases and returns once the writer has written every case it holds.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_writer.IsValueCreated) await _writer.Value.ConfigureAwait(false);
    }

    private sealed class Pending(CaseRecord record, IReadOnlyList<AuditEventRecord> events)
    {
        public CaseRecord Record { get; } = record;
        public IReadOnlyList<AuditEventRecord> Events { get; } = events;
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next)) batch.Add(next);
            if (batch.Count == 0) continue;
            try
            {
                await CommitAsync(batch).ConfigureAwait(false);
                foreach (var pending in batch) pending.Done.TrySetResult();
            }
            catch (Exception) when (batch.Count > 1)
            {
                // One case the store refuses must not fail the others: each again, in a transaction of its own.
                foreach (var pending in batch) await CommitAloneAsync(pending).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                batch[0].Done.TrySetException(e);
            }
        }
    }

    private async Task CommitAloneAsync(Pending pending)
    {
        try
        {
            await CommitAsync([pending]).ConfigureAwait(false);
            pending.Done.TrySetResult();
        }
        catch (Exception e)
        {
            pending.Done.TrySetException(e);
        }
    }

    /// <summary>One SaveChanges, hence one transaction, in a context of its own (a failed one is reset with its scope).</summary>
    private async Task CommitAsync(IReadOnlyList<Pending> batch)
    {
        using var scope = _scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CoverageDbContext>();
        foreach (var pending in batch)
        {
            db.Cases.Add(pending.Record);
            db.AuditEvents.AddRange(pending.Events);
        }
        await db.SaveChangesAsync(CancellationToken.None).ConfigureAwait(false);
    }
}
