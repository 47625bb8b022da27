using System.Data.Common;
using System.Text;
using Coverage.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Coverage.Store;

/// <summary>
/// An audit event written by the journal: one service call that is not a change to a case (a CDS Hooks call, an
/// audit search), or a security event standing for several occurrences. The actor's issuer, client, subject and
/// source are written to their own columns.
/// </summary>
public sealed record ServiceCallEvent(string? Subject, string Action, Actor Actor, string Detail)
{
    /// <summary>The case the event is about, when it names one (an audit search of that case); the case must exist.</summary>
    public Guid? CaseId { get; init; }
    /// <summary>How many occurrences the event stands for (security events are aggregated per source and window).</summary>
    public int Occurrences { get; init; } = 1;
    /// <summary>When the (first) occurrence happened; null: when the journal received the event.</summary>
    public DateTime? At { get; init; }
    /// <summary>When the last of several occurrences happened; null for a single occurrence.</summary>
    public DateTime? LastAt { get; init; }
}

/// <summary>
/// A single-use token (a CDS Hooks JWT) presented by a call: its issuer, its jti, and until when its id must be
/// remembered — as long as any server would still accept the token, that is its exp plus the allowed clock skew.
/// </summary>
public sealed record TokenUse(string Issuer, string Jti, DateTime ExpiresAt)
{
    /// <summary>The row key in used_tokens: issuer and jti, so that two issuers' jti never collide.</summary>
    public string Key => Issuer + " " + Jti;
}

/// <summary>
/// Writes what a service call must leave behind — its audit event and the use of its token — durably and
/// with group commit: the calls that arrive while a transaction is being written wait for the next one, which
/// writes all of them with one commit (one <c>fsync</c>). Each call is answered only once its transaction is
/// committed, so the audit is as durable as with one commit per call, but the store's commit rate no longer
/// caps the calls per second (SQLite takes one writer at a time; each commit syncs the WAL).
/// </summary>
/// <remarks>
/// <para>Replay protection stays in the database, so it holds across every server sharing the store: each
/// token is inserted with <c>ON CONFLICT DO NOTHING … RETURNING</c>, and a token whose row already existed —
/// or that an earlier call of the same transaction presented — is a replay: that call's
/// <see cref="Entry.IfReplayed"/> event is written instead of its own, and <see cref="RecordAsync"/> answers
/// false.</para>
/// <para>A transaction that fails is retried one entry at a time, so that an entry the store refuses fails
/// only its own call; a store that is down fails each waiting call with the store's exception (the server
/// answers 503).</para>
/// <para>The writer runs as a hosted service (<see cref="ServiceCallJournalWriter"/>): it starts with the host and,
/// when the host stops, writes what is still queued before it ends. Token ids past their
/// <see cref="TokenUse.ExpiresAt"/> are forgotten by another hosted service, <see cref="UsedTokenCleanup"/>.</para>
/// </remarks>
public sealed class ServiceCallJournal : IAsyncDisposable
{
    /// <summary>At most this many calls share a transaction (its statement parameters stay far below any limit).</summary>
    public const int MaxBatch = 256;

    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly SqliteWriteGate? _gate;
    private readonly GroupCommitQueue<Pending, bool> _commits;
    private readonly CoverageMetrics _metrics;
    private readonly Lock _lock = new();
    private Task? _writer;
    private Sql? _sql;

    public ServiceCallJournal(IServiceScopeFactory scopes, TimeProvider time, CoverageMetrics metrics, SqliteWriteGate? gate = null)
    {
        _scopes = scopes;
        _time = time;
        _gate = gate;
        _metrics = metrics;
        _commits = new(MaxBatch, CommitAsync);
        metrics.Meter.CreateObservableGauge("coverage.journal.queue.depth", () => _commits.Count, "{entry}",
            "Service calls waiting for the journal's next commit (each caller waits for its entry's commit).");
    }

    /// <summary>One call's record: its event (null when it has none of its own), its token, and the event that replaces it on a replay.</summary>
    public sealed record Entry(ServiceCallEvent? Event, TokenUse? Token = null, ServiceCallEvent? IfReplayed = null);

    /// <summary>
    /// Writes the entry and returns once it is committed: true when it was written as given, false when its token
    /// had been used before (its <see cref="Entry.IfReplayed"/> event was written instead).
    /// </summary>
    public async Task<bool> RecordAsync(Entry entry, CancellationToken cancellationToken)
    {
        // The write goes ahead whatever the caller does next: a call that gives up still leaves its audit event.
        return await _commits.EnqueueAsync(new Pending(entry, _time.GetUtcNow().UtcDateTime), cancellationToken);
    }

    /// <summary>How many entries wait for a commit.</summary>
    public int QueueDepth => _commits.Count;

    /// <summary>Whether the writer is running (started and not yet ended).</summary>
    public bool IsWriting
    {
        get
        {
            lock (_lock) return _writer is { IsCompleted: false };
        }
    }

    /// <summary>Starts the writer (once): entries queued before are written now.</summary>
    public void StartWriting()
    {
        // The loop runs on the thread pool, not on the starting thread.
        lock (_lock) _writer ??= Task.Run(_commits.RunAsync);
    }

    /// <summary>Takes no more entries and returns once the writer has written every entry it holds.</summary>
    public async Task StopWritingAsync()
    {
        _commits.Complete();
        Task? writer;
        lock (_lock) writer = _writer;
        if (writer is not null) await writer.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await StopWritingAsync().ConfigureAwait(false);

    /// <summary>An entry with the time it was queued (its event's time).</summary>
    private sealed record Pending(Entry Entry, DateTime At);

    /// <summary>One transaction: the batch's tokens, then each call's event (or its replay event); which tokens were fresh.</summary>
    private async Task<bool[]> CommitAsync(IReadOnlyList<Pending> batch)
    {
        using var scope = _scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CoverageDbContext>();
        var sql = _sql ??= new Sql(db);
        using var held = _gate is null ? null : await _gate.HoldAsync(CancellationToken.None).ConfigureAwait(false);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var committed = false;
        await db.Database.OpenConnectionAsync().ConfigureAwait(false);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync().ConfigureAwait(false);
            var connection = db.Database.GetDbConnection();
            var fresh = await InsertTokensAsync(sql, connection, transaction.GetDbTransaction(), batch).ConfigureAwait(false);
            await InsertEventsAsync(sql, connection, transaction.GetDbTransaction(), batch, fresh).ConfigureAwait(false);
            await CommitOutcomeUnknownException.CommitAsync(transaction).ConfigureAwait(false);
            committed = true;
            return fresh;
        }
        finally
        {
            await db.Database.CloseConnectionAsync().ConfigureAwait(false);
            _metrics.JournalCommitted(System.Diagnostics.Stopwatch.GetElapsedTime(started), committed);
        }
    }

    /// <summary>
    /// Inserts the batch's tokens in one statement and returns, per entry, whether its token was fresh (true for
    /// an entry without one). Of two entries with one token only the first can be fresh.
    /// </summary>
    private static async Task<bool[]> InsertTokensAsync(Sql sql, DbConnection connection, DbTransaction transaction, IReadOnlyList<Pending> batch)
    {
        var fresh = new bool[batch.Count];
        var firstWithKey = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch[i].Entry.Token is not { } token) fresh[i] = true;
            else firstWithKey.TryAdd(token.Key, i);
        }
        if (firstWithKey.Count == 0) return fresh;

        await using var command = Command(connection, transaction);
        var insert = $"INSERT INTO {sql.Tokens} ({sql.TokenKey}, {sql.TokenExpiresAt}) VALUES ";
        if (sql.RowByRow)
        {
            // A token is fresh when its row was inserted (ON CONFLICT DO NOTHING inserts none for a used one).
            foreach (var (key, index) in firstWithKey)
            {
                command.Parameters.Clear();
                var text = insert + TokenValues(command, 0, key, batch[index]) + " ON CONFLICT DO NOTHING";
                if (text != command.CommandText) command.CommandText = text;
                fresh[index] = await command.ExecuteNonQueryAsync().ConfigureAwait(false) == 1;
            }
            return fresh;
        }
        var values = new StringBuilder(insert);
        var n = 0;
        foreach (var (key, index) in firstWithKey)
            values.Append(n > 0 ? ", " : "").Append(TokenValues(command, n++, key, batch[index]));
        command.CommandText = values.Append($" ON CONFLICT DO NOTHING RETURNING {sql.TokenKey}").ToString();
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false)) fresh[firstWithKey[reader.GetString(0)]] = true;
        return fresh;
    }

    private static string TokenValues(DbCommand command, int n, string key, Pending pending) =>
        $"({Sql.Parameter(command, $"k{n}", key)}, {Sql.Parameter(command, $"e{n}", pending.Entry.Token!.ExpiresAt)})";

    private static async Task InsertEventsAsync(Sql sql, DbConnection connection, DbTransaction transaction, IReadOnlyList<Pending> batch, bool[] fresh)
    {
        await using var command = Command(connection, transaction);
        var insert =
            $"INSERT INTO {sql.Events} ({sql.EventSubject}, {sql.EventAt}, {sql.EventAction}, {sql.EventActor}, {sql.EventActorRole}, {sql.EventDetail}, " +
            $"{sql.EventCaseId}, {sql.EventActorIssuer}, {sql.EventActorClient}, {sql.EventActorSubject}, {sql.EventSource}, {sql.EventOccurrences}, {sql.EventLastAt}) VALUES ";
        var text = new StringBuilder(insert);
        var n = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            var entry = batch[i].Entry;
            if ((fresh[i] ? entry.Event : entry.IfReplayed) is not { } e) continue;
            if (sql.RowByRow)
            {
                // The text changes only with whether a case id is named, so the provider keeps its prepared statement.
                command.Parameters.Clear();
                var row = insert + EventValues(sql, command, 0, e, batch[i].At);
                if (row != command.CommandText) command.CommandText = row;
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
                continue;
            }
            text.Append(n > 0 ? ", " : "").Append(EventValues(sql, command, n++, e, batch[i].At));
        }
        if (n == 0) return;
        command.CommandText = text.ToString();
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    /// <summary>One event's row of values, its parameters (suffixed <paramref name="n"/>) added to the command.</summary>
    private static string EventValues(Sql sql, DbCommand command, int n, ServiceCallEvent e, DateTime queuedAt) =>
        new StringBuilder("(")
            .Append(Sql.Parameter(command, $"s{n}", e.Subject)).Append(", ")
            .Append(Sql.Parameter(command, $"t{n}", e.At ?? queuedAt)).Append(", ")
            .Append(Sql.Parameter(command, $"a{n}", e.Action)).Append(", ")
            .Append(Sql.Parameter(command, $"u{n}", e.Actor.Id)).Append(", ")
            .Append(Sql.Parameter(command, $"r{n}", e.Actor.Role)).Append(", ")
            .Append(Sql.Parameter(command, $"d{n}", e.Detail)).Append(", ")
            .Append(e.CaseId is { } caseId ? sql.CaseIdParameter(command, $"c{n}", caseId) : "NULL").Append(", ")
            .Append(Sql.Parameter(command, $"i{n}", e.Actor.Issuer)).Append(", ")
            .Append(Sql.Parameter(command, $"l{n}", e.Actor.ClientId)).Append(", ")
            .Append(Sql.Parameter(command, $"b{n}", e.Actor.Subject)).Append(", ")
            .Append(Sql.Parameter(command, $"o{n}", e.Actor.Source)).Append(", ")
            .Append(Sql.Parameter(command, $"n{n}", e.Occurrences)).Append(", ")
            .Append(Sql.Parameter(command, $"x{n}", e.LastAt)).Append(')').ToString();

    private static DbCommand Command(DbConnection connection, DbTransaction transaction)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        return command;
    }

    /// <summary>The tables and columns as the EF model maps them (so the SQL follows the model), quoted for the provider.</summary>
    private sealed class Sql
    {
        public Sql(CoverageDbContext db)
        {
            var quote = db.GetService<ISqlGenerationHelper>();
            var tokens = db.Model.FindEntityType(typeof(UsedTokenRecord))!;
            var events = db.Model.FindEntityType(typeof(AuditEventRecord))!;
            string Column(Microsoft.EntityFrameworkCore.Metadata.IEntityType type, string property) =>
                quote.DelimitIdentifier(type.FindProperty(property)!.GetColumnName());
            Tokens = quote.DelimitIdentifier(tokens.GetTableName()!);
            TokenKey = Column(tokens, nameof(UsedTokenRecord.Key));
            TokenExpiresAt = Column(tokens, nameof(UsedTokenRecord.ExpiresAt));
            Events = quote.DelimitIdentifier(events.GetTableName()!);
            EventSubject = Column(events, nameof(AuditEventRecord.Subject));
            EventAt = Column(events, nameof(AuditEventRecord.At));
            EventAction = Column(events, nameof(AuditEventRecord.Action));
            EventActor = Column(events, nameof(AuditEventRecord.Actor));
            EventActorRole = Column(events, nameof(AuditEventRecord.ActorRole));
            EventDetail = Column(events, nameof(AuditEventRecord.Detail));
            EventCaseId = Column(events, nameof(AuditEventRecord.CaseId));
            EventActorIssuer = Column(events, nameof(AuditEventRecord.ActorIssuer));
            EventActorClient = Column(events, nameof(AuditEventRecord.ActorClient));
            EventActorSubject = Column(events, nameof(AuditEventRecord.ActorSubject));
            EventSource = Column(events, nameof(AuditEventRecord.Source));
            EventOccurrences = Column(events, nameof(AuditEventRecord.Occurrences));
            EventLastAt = Column(events, nameof(AuditEventRecord.LastAt));
            RowByRow = db.Database.IsSqlite();
            // A case id is stored as each provider stores it (SQLite: text; PostgreSQL: uuid): the model's own mapping says how.
            _caseIdMapping = (RelationalTypeMapping)events.FindProperty(nameof(AuditEventRecord.CaseId))!.GetTypeMapping();
        }

        private readonly RelationalTypeMapping _caseIdMapping;

        /// <summary>
        /// SQLite: one prepared single-row statement run per row, as the new-case writer's inserts (ModelInserts): it
        /// binds parameters by name, looked up in a list of every name in the statement, so a multi-row statement costs
        /// the square of its parameters. PostgreSQL: many rows to a statement, one round trip.
        /// </summary>
        public bool RowByRow { get; }

        public string Tokens { get; }
        public string TokenKey { get; }
        public string TokenExpiresAt { get; }
        public string Events { get; }
        public string EventSubject { get; }
        public string EventAt { get; }
        public string EventAction { get; }
        public string EventActor { get; }
        public string EventActorRole { get; }
        public string EventDetail { get; }
        public string EventCaseId { get; }
        public string EventActorIssuer { get; }
        public string EventActorClient { get; }
        public string EventActorSubject { get; }
        public string EventSource { get; }
        public string EventOccurrences { get; }
        public string EventLastAt { get; }

        /// <summary>Adds a case id parameter, converted as the model stores case ids, and returns its placeholder.</summary>
        public string CaseIdParameter(DbCommand command, string name, Guid caseId)
        {
            var parameter = _caseIdMapping.CreateParameter(command, "@" + name, caseId, nullable: false);
            command.Parameters.Add(parameter);
            return parameter.ParameterName;
        }

        /// <summary>Adds a parameter and returns its placeholder (both providers take @name).</summary>
        public static string Parameter(DbCommand command, string name, object? value)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            parameter.Value = value switch
            {
                null => DBNull.Value,
                DateTime at => DateTime.SpecifyKind(at, DateTimeKind.Utc),
                _ => value,
            };
            command.Parameters.Add(parameter);
            return parameter.ParameterName;
        }
    }
}
