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
    private readonly GroupCommitQueue<NewCase, bool> _commits;
    private readonly Lazy<Task> _writer;

    public NewCaseWriter(IServiceScopeFactory scopes)
    {
        _scopes = scopes;
        _commits = new(MaxBatch, CommitAsync);
        _writer = new(() => Task.Run(_commits.RunAsync), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>
    /// Writes the new case, its audit events and the rows kept with it (<paramref name="keptWith"/>: e.g. the PAS request
    /// Bundle of a pended case), and returns once they are committed, all in one transaction; throws the store's
    /// exception when this case could not be written. The write goes ahead whatever the caller does next: a submitter
    /// that gives up still leaves its case, as it would once its commit had begun.
    /// </summary>
    public async Task WriteAsync(CaseRecord record, IReadOnlyList<AuditEventRecord> events, IReadOnlyList<object> keptWith, CancellationToken cancellationToken)
    {
        _ = _writer.Value;
        await _commits.EnqueueAsync(new NewCase(record, events, keptWith), cancellationToken);
    }

    /// <summary>Takes no more cases and returns once the writer has written every case it holds.</summary>
    public async ValueTask DisposeAsync()
    {
        _commits.Complete();
        if (_writer.IsValueCreated) await _writer.Value.ConfigureAwait(false);
    }

    private sealed record NewCase(CaseRecord Record, IReadOnlyList<AuditEventRecord> Events, IReadOnlyList<object> KeptWith);

    /// <summary>One SaveChanges, hence one transaction, in a context of its own (a failed one is reset with its scope).</summary>
    private async Task<bool[]> CommitAsync(IReadOnlyList<NewCase> batch)
    {
        using var scope = _scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CoverageDbContext>();
        foreach (var pending in batch)
        {
            db.Cases.Add(pending.Record);
            db.AuditEvents.AddRange(pending.Events);
            foreach (var row in pending.KeptWith) db.Add(row);
        }
        await db.SaveChangesAsync(CancellationToken.None).ConfigureAwait(false);
        return new bool[batch.Count];
    }
}
