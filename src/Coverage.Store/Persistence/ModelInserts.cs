using System.Collections;
using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Runtime.InteropServices;
using System.Text;
using Coverage.Engine.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Coverage.Store;

/// <summary>
/// Multi-row INSERT statements for new rows, built from the EF model — its tables, columns, keys, defaults and each
/// column's type mapping — so that the SQL follows the model and its migrations, as EF's own would. The new-case
/// writer's group commit uses them to write a batch of cases with one statement per table instead of EF's change
/// tracker and a command per row (docs/benchmarks.md: EF's SaveChanges and SQLite's re-preparing of one statement
/// per row were a quarter of a PAS <c>$submit</c>'s CPU).
/// </summary>
/// <remarks>
/// What EF would do on Add is done here too: the rows a new entity holds in its collection navigations (a case's
/// filter rows and decisions) are inserted with it, their foreign key set from its key; a column whose value is
/// generated when the row is added (an identity key, a column with a default) is left to the store when the entity
/// holds the property's sentinel (for a constant default, that default is written). Store-generated values are not
/// read back: nothing that writes through here reads them. Rows are inserted table by table in the order each table
/// first appears in the list, so callers list principals (the cases) before the rows that refer to them.
/// A <see cref="Utf8Json"/> property is written on SQLite as its bytes, cast to the column's text by the statement
/// (SQLite reads a BLOB cast to TEXT as text in the database's encoding, UTF-8): the same text EF's conversion writes,
/// without the UTF-16 string and the second UTF-8 copy the provider's text binding makes of it.
/// </remarks>
internal sealed class ModelInserts(IModel model, ISqlGenerationHelper sql, bool sqlite) : IDisposable
{
    /// <summary>At most this many parameters in one statement (SQLite's limit is 32,766, PostgreSQL's 65,535).</summary>
    public const int MaxParameters = 30_000;

    private readonly ConcurrentDictionary<Type, Table> _tables = new();

    /// <summary>
    /// Row by row, the single-row commands already prepared, by their text, on <see cref="_preparedOn"/>: a writer that
    /// keeps its connection open from one transaction to the next (<see cref="NewCaseWriter"/> on SQLite) has SQLite
    /// parse each INSERT once, not once per transaction. Another connection prepares them anew.
    /// </summary>
    private readonly Dictionary<string, DbCommand> _prepared = new(StringComparer.Ordinal);
    private DbConnection? _preparedOn;

    /// <summary>
    /// On SQLite, one single-row statement per table, prepared once and run for each row: SQLite binds a parameter by
    /// looking its name up in a list of every name in the statement, so a multi-row statement's binding grows with the
    /// square of its parameters (a fifth of a PAS <c>$submit</c>'s CPU at saturation went to that lookup and to parsing
    /// the long statement; docs/benchmarks.md). With no round trip to save in an embedded store, a prepared statement
    /// stepped per row costs least. On PostgreSQL each statement is a round trip, so rows go many to a statement.
    /// </summary>
    public ModelInserts(DbContext db) : this(db.Model, db.GetService<ISqlGenerationHelper>(), db.Database.IsSqlite()) { }

    /// <summary>Inserts the rows and the rows they hold, in the transaction; throws the provider's exception when the store refuses one.</summary>
    public async Task InsertAsync(DbConnection connection, DbTransaction transaction, IEnumerable<object> rows)
    {
        var byTable = new Dictionary<Table, List<object>>();
        var order = new List<Table>();
        foreach (var row in rows) Collect(row, byTable, order);
        foreach (var table in order)
        {
            foreach (var group in table.GroupByColumns(byTable[table]))
            {
                if (sqlite)
                {
                    await InsertRowByRowAsync(connection, transaction, table, group.Columns, group.Rows).ConfigureAwait(false);
                    continue;
                }
                var perStatement = Math.Max(1, MaxParameters / group.Columns.Count);
                for (var start = 0; start < group.Rows.Count; start += perStatement)
                {
                    await using var command = connection.CreateCommand();
                    command.Transaction = transaction;
                    command.CommandText = table.Insert(command, group.Columns, group.Rows, start, Math.Min(perStatement, group.Rows.Count - start));
                    await command.ExecuteNonQueryAsync().ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>
    /// One command whose text stays the same from row to row, so the provider prepares it once; each row rebinds its
    /// parameters. The command is kept for the next transaction on the same connection.
    /// </summary>
    private async Task InsertRowByRowAsync(DbConnection connection, DbTransaction transaction, Table table, IReadOnlyList<Column> columns, List<object> rows)
    {
        if (!ReferenceEquals(_preparedOn, connection))
        {
            ForgetPrepared();
            _preparedOn = connection;
        }
        var text = table.Insert(columns);
        if (!_prepared.TryGetValue(text, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = text;
            _prepared[text] = command;
        }
        command.Transaction = transaction;
        foreach (var row in rows)
        {
            command.Parameters.Clear();
            foreach (var column in columns) column.Parameter(command, ParameterName(command.Parameters.Count), row);
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Lets go of the prepared commands: the connection they were prepared on is closing.</summary>
    public void Dispose() => ForgetPrepared();

    /// <summary>Disposes the commands prepared so far (their connection is closing, or another is used from now on).</summary>
    private void ForgetPrepared()
    {
        foreach (var command in _prepared.Values) command.Dispose();
        _prepared.Clear();
        _preparedOn = null;
    }

    /// <summary>The row, then the rows it holds in its collection navigations, each with its foreign key set to the row's key.</summary>
    private void Collect(object row, Dictionary<Table, List<object>> byTable, List<Table> order)
    {
        var table = TableOf(row.GetType());
        if (!byTable.TryGetValue(table, out var list))
        {
            byTable[table] = list = [];
            order.Add(table);
        }
        list.Add(row);
        foreach (var navigation in table.Held)
        {
            if (navigation.GetGetter().GetClrValueUsingContainingEntity(row) is not IEnumerable held) continue;
            var key = navigation.ForeignKey;
            foreach (var child in held)
            {
                for (var i = 0; i < key.Properties.Count; i++)
                    key.Properties[i].PropertyInfo!.SetValue(child, key.PrincipalKey.Properties[i].GetGetter().GetClrValueUsingContainingEntity(row));
                Collect(child, byTable, order);
            }
        }
    }

    private Table TableOf(Type type) => _tables.GetOrAdd(type, t => new Table(
        model.FindEntityType(t) ?? throw new InvalidOperationException($"{t.Name} is not an entity of the store's model."), sql, sqlite));

    /// <summary>The names of the first parameters of a statement, made once (a row-by-row insert names each column's parameter again per row).</summary>
    private static readonly string[] ParameterNames = [.. Enumerable.Range(0, 256).Select(i => $"@p{i}")];

    private static string ParameterName(int index) => index < ParameterNames.Length ? ParameterNames[index] : $"@p{index}";

    /// <summary>One entity type's table: its columns as the model maps them, and the navigations through which its rows hold others.</summary>
    private sealed class Table
    {
        private readonly string _name;
        private readonly IReadOnlyList<Column> _columns;
        // The columns a row may leave to the store: a row's shape is which of these it leaves (a bit each).
        private readonly Column[] _mayBeLeftToStore;

        public Table(IEntityType type, ISqlGenerationHelper sql, bool sqlite)
        {
            var tableName = type.GetTableName() ?? throw new InvalidOperationException($"{type.DisplayName()} is not mapped to a table.");
            var store = StoreObjectIdentifier.Table(tableName, type.GetSchema());
            _name = sql.DelimitIdentifier(tableName, type.GetSchema());
            var shadow = type.GetProperties().FirstOrDefault(p => p.IsShadowProperty());
            if (shadow is not null)
                throw new NotSupportedException($"{type.DisplayName()}.{shadow.Name} is a shadow property; rows are written from their CLR properties only.");
            _columns = [.. type.GetProperties().Select(p => new Column(p, sql.DelimitIdentifier(p.GetColumnName(store)!), (RelationalTypeMapping)p.GetTypeMapping(), sqlite))];
            _mayBeLeftToStore = [.. _columns.Where(c => c.MayBeLeftToStore)];
            if (_mayBeLeftToStore.Length > 64)
                throw new NotSupportedException($"{type.DisplayName()} has more than 64 columns the store may generate; rows are grouped by a 64-bit shape.");
            Held = [.. type.GetNavigations().Where(n => n.IsCollection && !n.IsOnDependent)];
        }

        public IReadOnlyList<INavigation> Held { get; }

        /// <summary>The rows grouped by the columns they write: a row leaves a generated column to the store only when it holds the sentinel.</summary>
        public List<(IReadOnlyList<Column> Columns, List<object> Rows)> GroupByColumns(List<object> rows)
        {
            // A table none of whose columns the store generates writes every column of every row: one group.
            if (_mayBeLeftToStore.Length == 0) return [(_columns, rows)];
            var groups = new Dictionary<ulong, (IReadOnlyList<Column> Columns, List<object> Rows)>();
            foreach (var row in rows)
            {
                var shape = 0UL;
                for (var c = 0; c < _mayBeLeftToStore.Length; c++)
                    if (_mayBeLeftToStore[c].LeftToStore(row)) shape |= 1UL << c;
                if (!groups.TryGetValue(shape, out var group)) groups[shape] = group = (_columns.Where(c => !c.LeftToStore(row)).ToList(), []);
                group.Rows.Add(row);
            }
            return [.. groups.Values];
        }

        /// <summary>INSERT INTO table (columns) VALUES (@p0, @p1, …): one row, its parameters named in column order.</summary>
        public string Insert(IReadOnlyList<Column> columns) =>
            new StringBuilder("INSERT INTO ").Append(_name).Append(" (").AppendJoin(", ", columns.Select(c => c.Name)).Append(") VALUES (")
                .AppendJoin(", ", columns.Select((column, c) => column.Placeholder(ParameterName(c)))).Append(')').ToString();

        /// <summary>INSERT INTO table (columns) VALUES (…), (…) for rows [start, start + count), with its parameters added to the command.</summary>
        public string Insert(DbCommand command, IReadOnlyList<Column> columns, List<object> rows, int start, int count)
        {
            var text = new StringBuilder("INSERT INTO ").Append(_name).Append(" (")
                .AppendJoin(", ", columns.Select(c => c.Name)).Append(") VALUES ");
            for (var r = 0; r < count; r++)
            {
                text.Append(r == 0 ? "(" : ", (");
                for (var c = 0; c < columns.Count; c++)
                {
                    if (c > 0) text.Append(", ");
                    text.Append(columns[c].Parameter(command, ParameterName(command.Parameters.Count), rows[start + r]));
                }
                text.Append(')');
            }
            return text.ToString();
        }
    }

    /// <summary>One mapped property: its quoted column name, how its value is read, and how the model maps it to a parameter.</summary>
    private sealed class Column(IProperty property, string name, RelationalTypeMapping mapping, bool sqlite)
    {
        private readonly IClrPropertyGetter _getter = property.GetGetter();
        private readonly bool _generated = property.ValueGenerated != ValueGenerated.Never;
        // On SQLite a document kept as UTF-8 is bound as its bytes and cast to text by the statement (see the class).
        private readonly bool _utf8AsText = sqlite && property.ClrType == typeof(Utf8Json);
        // GetDefaultValue() answers the CLR default when none is configured: only the annotation says one was.
        private readonly bool _constantDefault = property.FindAnnotation(RelationalAnnotationNames.DefaultValue) is not null;
        private readonly object? _default = property.GetDefaultValue();

        public string Name { get; } = name;

        /// <summary>Whether a row may leave this column's value to the store (see <see cref="LeftToStore"/>).</summary>
        public bool MayBeLeftToStore => _generated && !_constantDefault;

        /// <summary>Where the statement takes this column's value from its parameter.</summary>
        public string Placeholder(string parameterName) => _utf8AsText ? $"CAST({parameterName} AS TEXT)" : parameterName;

        /// <summary>Whether the store makes this row's value (an identity key, a default written as SQL): the property is generated and the row holds its sentinel.</summary>
        public bool LeftToStore(object row) => _generated && !_constantDefault && HoldsSentinel(row);

        /// <summary>Adds the row's value as a parameter converted as the model stores it, and returns its placeholder.</summary>
        public string Parameter(DbCommand command, string parameterName, object row)
        {
            var value = _getter.GetClrValueUsingContainingEntity(row);
            if (_utf8AsText && value is Utf8Json json)
            {
                var bytes = command.CreateParameter();
                bytes.ParameterName = parameterName;
                bytes.DbType = DbType.Binary;
                bytes.Value = MemoryMarshal.TryGetArray(json.Utf8, out var whole) && whole.Offset == 0 && whole.Count == whole.Array!.Length
                    ? whole.Array : json.Utf8.ToArray();
                command.Parameters.Add(bytes);
                return Placeholder(parameterName);
            }
            if (_generated && _constantDefault && HoldsSentinel(row)) value = _default;
            var parameter = mapping.CreateParameter(command, parameterName, value, property.IsNullable);
            command.Parameters.Add(parameter);
            return Placeholder(parameterName);
        }

        private bool HoldsSentinel(object row) => Equals(_getter.GetClrValueUsingContainingEntity(row), property.Sentinel);
    }
}
