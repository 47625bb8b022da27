using System.Data.Common;
using Coverage.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Coverage.Store;

/// <summary>
/// Writes new cases — each with its audit events — durably and with group commit, as the
/// <see cref="ServiceCallJournal"/> writes hook calls: the cases submitted while a transaction is being written wait
/// for the next one, which writes all of them in one transaction (one commit: one <c>fsync</c> on SQLite), with one
/// INSERTs built from the EF model (<see cref="ModelInserts"/>: multi-row on PostgreSQL, a prepared row at a time on SQLite) rather than EF's change tracker
/// and a command per row. Each submitter is answered only once its case is committed, so a case is as durable as with
/// one commit per submission, but the store's commit rate no longer caps the submissions per second.
/// </summary>
/// <remarks>
/// A transaction that fails is retried one case at a time, each in a transaction of its own, so that a case the
/// store refuses — above all the second of two racing submissions of one request id, which the unique index
/// refuses — fails only its own submitter, with the store's exception wrapped as EF wraps it (a
/// <see cref="DbUpdateException"/>), exactly as its own SaveChanges would have; the others are written. The cases'
/// determinations are counted (<see cref="DeterminationCounting"/>) once committed, as a SaveChanges counts them. A
/// store that is down fails each waiting submitter.
/// The writer is a loop started with the first case; when the application stops, the entries already queued are
/// written before it ends (their submitters are still waiting for them).
/// </remarks>
public sealed class NewCaseWriter : IAsyncDisposable
{
    /// <summary>At most this many cases share a transaction (a case is a few rows: the case, its filter rows, its audit event).</summary>
    public const int MaxBatch = 64;

    private readonly IServiceScopeFactory _scopes;
    private readonly DeterminationCounting _counting;
    private readonly SqliteWriteGate? _gate;
    private readonly GroupCommitQueue<NewCase, bool> _commits;
    private readonly Lazy<Task> _writer;
    private ModelInserts? _inserts;

    public NewCaseWriter(IServiceScopeFactory scopes, DeterminationCounting counting, SqliteWriteGate? gate = null)
    {
        _scopes = scopes;
        _counting = counting;
        _gate = gate;
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

    /// <summary>
    /// One transaction, in a context of its own: the cases (with the rows they hold), then their audit events, then the
    /// rows kept with them — principals before the rows that refer to them. SQLite's writers queue at its write gate.
    /// </summary>
    private async Task<bool[]> CommitAsync(IReadOnlyList<NewCase> batch)
    {
        using var scope = _scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CoverageDbContext>();
        var inserts = _inserts ??= new ModelInserts(db);
        using (var held = _gate is null ? null : await _gate.HoldAsync(CancellationToken.None).ConfigureAwait(false))
        {
            await db.Database.OpenConnectionAsync().ConfigureAwait(false);
            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync().ConfigureAwait(false);
                IEnumerable<object> rows = [.. batch.Select(c => c.Record), .. batch.SelectMany(c => c.Events), .. batch.SelectMany(c => c.KeptWith)];
                try
                {
                    await inserts.InsertAsync(db.Database.GetDbConnection(), transaction.GetDbTransaction(), rows).ConfigureAwait(false);
                }
                catch (DbException e)
                {
                    // As SaveChanges reports a refused write: callers (a racing resubmission) catch DbUpdateException.
                    throw new DbUpdateException($"The store refused the new case(s): {e.Message}", e);
                }
                await transaction.CommitAsync().ConfigureAwait(false);
            }
            finally
            {
                await db.Database.CloseConnectionAsync().ConfigureAwait(false);
            }
        }
        _counting.Kept(batch.Select(c => c.Record));
        return new bool[batch.Count];
    }
}
