using System.Data.Common;
using Coverage.Engine.Model;
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
/// A submission does not look its request id up before it is evaluated (a lookup per submission was the costliest
/// query of PAS <c>$submit</c>): the writer asks, inside each transaction, which of its cases' request ids the store
/// already holds (PostgreSQL: one query for the batch; SQLite: a prepared lookup per id on the writer's own connection)
/// — and which repeat one earlier in the same batch — and refuses those cases alone, with a
/// <see cref="DbUpdateException"/> as SaveChanges would throw on the unique index, which the submitter answers with
/// the case that holds the id (a resubmission). Resubmissions thus never fail a batch. Between that question and the
/// commit the unique index still decides (another process on PostgreSQL): a transaction that fails is retried one
/// case at a time, each in a transaction of its own, so that a case the store refuses fails only its own submitter,
/// with the store's exception wrapped as EF wraps it, exactly as its own SaveChanges would have; the others are
/// written. The cases'
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
    private readonly CoverageMetrics _metrics;
    private readonly GroupCommitQueue<NewCase, bool> _commits;
    private readonly Lazy<Task> _writer;
    private ModelInserts? _inserts;
    private SqliteWriterConnection? _sqlite;

    public NewCaseWriter(IServiceScopeFactory scopes, DeterminationCounting counting, CoverageMetrics metrics, SqliteWriteGate? gate = null)
    {
        _scopes = scopes;
        _counting = counting;
        _metrics = metrics;
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
    /// <param name="evaluated">The determination the case's JSON was written from, when the caller holds it (counted from it, not read back).</param>
    public async Task WriteAsync(CaseRecord record, IReadOnlyList<AuditEventRecord> events, IReadOnlyList<object> keptWith, CancellationToken cancellationToken,
        Determination? evaluated = null)
    {
        _ = _writer.Value;
        var written = await _commits.EnqueueAsync(new NewCase(record, events, keptWith, evaluated), cancellationToken);
        if (!written)
            throw new DbUpdateException($"The store already holds a case for request id '{record.RequestId}' of this member and organisation; the new case was not written.");
    }

    /// <summary>Takes no more cases and returns once the writer has written every case it holds.</summary>
    public async ValueTask DisposeAsync()
    {
        _commits.Complete();
        if (_writer.IsValueCreated) await _writer.Value.ConfigureAwait(false);
        if (_sqlite is { } connection)
        {
            _sqlite = null;
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private sealed record NewCase(CaseRecord Record, IReadOnlyList<AuditEventRecord> Events, IReadOnlyList<object> KeptWith, Determination? Evaluated);

    /// <summary>
    /// One transaction: the cases whose request id is free (with the rows they hold), then their audit events, then the
    /// rows kept with them — principals before the rows that refer to them. A case whose request id is taken is left
    /// out and answered false. On SQLite the writer queues at the write gate and writes through its own connection, kept
    /// open with its statements prepared (<see cref="SqliteWriterConnection"/>); on PostgreSQL each transaction takes a
    /// context, and a pooled connection, of its own.
    /// </summary>
    private async Task<bool[]> CommitAsync(IReadOnlyList<NewCase> batch)
    {
        bool[] written;
        if (_gate is null) // PostgreSQL (the write gate is registered for SQLite only)
        {
            using var scope = _scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<CoverageDbContext>();
            var inserts = _inserts ??= new ModelInserts(db);
            await db.Database.OpenConnectionAsync().ConfigureAwait(false);
            try
            {
                // The query runs in the context's transaction, the one WriteAsync began.
                written = await WriteAsync(db, inserts, batch, _ => HeldRequestIdsAsync(db, batch)).ConfigureAwait(false);
            }
            finally
            {
                await db.Database.CloseConnectionAsync().ConfigureAwait(false);
            }
        }
        else
        {
            using var held = await _gate.HoldAsync(CancellationToken.None).ConfigureAwait(false);
            var connection = _sqlite ??= await SqliteWriterConnection.OpenAsync(_scopes).ConfigureAwait(false);
            try
            {
                written = await WriteAsync(connection.Db, connection.Inserts, batch, transaction => HeldRequestIdsAsync(connection, transaction, batch)).ConfigureAwait(false);
            }
            catch
            {
                // Whatever failed, the next transaction starts on a connection of its own.
                _sqlite = null;
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        _metrics.NewCasesCommitted(written.Count(w => w), committed: true);
        for (var i = 0; i < batch.Count; i++)
        {
            if (!written[i]) continue;
            if (batch[i].Evaluated is { } determination) _counting.Kept(determination);
            else _counting.Kept([batch[i].Record]);
        }
        return written;
    }

    /// <summary>The batch's transaction on an open connection: the cases whose request id is free, written and committed; answers which were.</summary>
    private async Task<bool[]> WriteAsync(
        CoverageDbContext db, ModelInserts inserts, IReadOnlyList<NewCase> batch, Func<DbTransaction, Task<HashSet<RequestKey>>> heldRequestIds)
    {
        await using var transaction = await db.Database.BeginTransactionAsync().ConfigureAwait(false);
        var taken = await heldRequestIds(transaction.GetDbTransaction()).ConfigureAwait(false);
        // Free: no request id at all, or one that neither the store holds for its organisation and member nor an
        // earlier case of the batch takes.
        var free = batch.Select(c => c.Record.RequestId is null || taken.Add(RequestKey.Of(c.Record))).ToArray();
        var writing = batch.Where((_, i) => free[i]).ToList();
        IEnumerable<object> rows = [.. writing.Select(c => c.Record), .. writing.SelectMany(c => c.Events), .. writing.SelectMany(c => c.KeptWith)];
        try
        {
            await inserts.InsertAsync(db.Database.GetDbConnection(), transaction.GetDbTransaction(), rows).ConfigureAwait(false);
        }
        catch (DbException e)
        {
            // As SaveChanges reports a refused write: callers (a racing resubmission) catch DbUpdateException.
            _metrics.NewCasesCommitted(batch.Count, committed: false);
            throw new DbUpdateException($"The store refused the new case(s): {e.Message}", e);
        }
        await CommitOutcomeUnknownException.CommitAsync(transaction).ConfigureAwait(false);
        return free;
    }

    /// <summary>A case's place in the unique index of request ids: organisation, member, request id, its use.</summary>
    private readonly record struct RequestKey(string Tenant, string MemberKey, string RequestId, int Use)
    {
        public static RequestKey Of(CaseRecord record) => new(record.Tenant, record.MemberKey, record.RequestId!, record.RequestIdUse);
    }

    /// <summary>
    /// On SQLite, the batch's request ids the store holds: the writer connection's prepared lookup, once per distinct
    /// id (an embedded store has no round trip to save, and a prepared SELECT over the unique index costs least).
    /// </summary>
    private static async Task<HashSet<RequestKey>> HeldRequestIdsAsync(SqliteWriterConnection connection, DbTransaction transaction, IReadOnlyList<NewCase> batch)
    {
        HashSet<RequestKey> held = [];
        foreach (var key in batch.Where(c => c.Record.RequestId is not null).Select(c => RequestKey.Of(c.Record)).Distinct())
            if (await connection.HoldsAsync(transaction, key.Tenant, key.MemberKey, key.RequestId, key.Use).ConfigureAwait(false)) held.Add(key);
        return held;
    }

    /// <summary>
    /// The request ids (with their uses) the store holds among those asked (any organisation, member and id of the lists), compiled once
    /// per model as <see cref="CaseRecords"/> compiles its lookup: EF would otherwise match the query's expression tree
    /// on every transaction.
    /// </summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Microsoft.EntityFrameworkCore.Metadata.IModel,
        Func<CoverageDbContext, List<string>, List<string>, List<string>, IAsyncEnumerable<RequestKey>>> HeldRequestIdQueries = [];

    /// <summary>
    /// On PostgreSQL, the batch's request ids the store holds: one query for the batch (one round trip), inside its
    /// transaction, with organisations, members and ids as lists (the unique index's first three columns); the
    /// combinations and uses that were not asked for are dropped by the caller's test of each case.
    /// </summary>
    private static async Task<HashSet<RequestKey>> HeldRequestIdsAsync(CoverageDbContext db, IReadOnlyList<NewCase> batch)
    {
        HashSet<RequestKey> held = [];
        var asked = batch.Where(c => c.Record.RequestId is not null).Select(c => c.Record).ToList();
        if (asked.Count == 0) return held;
        var tenants = asked.Select(r => r.Tenant).Distinct().ToList();
        var members = asked.Select(r => r.MemberKey).Distinct().ToList();
        var ids = asked.Select(r => r.RequestId!).Distinct().ToList();
        var query = HeldRequestIdQueries.GetValue(db.Model, _ => EF.CompileAsyncQuery((CoverageDbContext context, List<string> t, List<string> m, List<string> r) =>
            context.Cases.AsNoTracking().Where(c => t.Contains(c.Tenant) && m.Contains(c.MemberKey) && r.Contains(c.RequestId!))
                .Select(c => new RequestKey(c.Tenant, c.MemberKey, c.RequestId!, c.RequestIdUse))));
        await foreach (var key in query(db, tenants, members, ids).ConfigureAwait(false)) held.Add(key);
        return held;
    }
}
