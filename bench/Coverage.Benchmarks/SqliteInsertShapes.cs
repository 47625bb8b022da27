using Microsoft.Data.Sqlite;

namespace Coverage.Benchmarks;

/// <summary>
/// Why the new-case writer inserts row by row on SQLite (src/Coverage.Store/Persistence/ModelInserts.cs): the same rows
/// written to a SQLite file by Microsoft.Data.Sqlite as one multi-row INSERT, and as one single-row INSERT prepared
/// once and run per row, for batches of 1 to 64 rows of a case-sized table (40 text columns), each in a transaction
/// rolled back. Microsoft.Data.Sqlite binds every parameter by name, and SQLite looks a name up in a list of every
/// name in the statement, so the multi-row statement's binding grows with the square of its parameters. The
/// `sqlite-inserts` command: CPU time per row, both shapes in turns (<see cref="PieceTimer"/>).
/// </summary>
public sealed class SqliteInsertShapes : IDisposable
{
    public const int Columns = 40;
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"coverage-bench-{Guid.NewGuid():N}.db");
    private readonly SqliteConnection _connection;

    public SqliteInsertShapes()
    {
        _connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        _connection.Open();
        using var create = _connection.CreateCommand();
        create.CommandText = $"PRAGMA journal_mode = 'wal'; CREATE TABLE rows ({string.Join(", ", Enumerable.Range(0, Columns).Select(c => $"c{c} TEXT"))});";
        create.ExecuteNonQuery();
    }

    private static string Placeholders(int first) => "(" + string.Join(", ", Enumerable.Range(first, Columns).Select(p => $"@p{p}")) + ")";

    private static void Bind(SqliteCommand command, int first)
    {
        for (var p = first; p < first + Columns; p++) command.Parameters.AddWithValue($"@p{p}", "a value of a case's column");
    }

    /// <summary>One INSERT … VALUES (…), (…) of <paramref name="rows"/> rows; answers the rows written.</summary>
    public int MultiRow(int rows)
    {
        using var transaction = _connection.BeginTransaction();
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO rows VALUES " + string.Join(", ", Enumerable.Range(0, rows).Select(r => Placeholders(r * Columns)));
        for (var r = 0; r < rows; r++) Bind(command, r * Columns);
        var written = command.ExecuteNonQuery();
        transaction.Rollback();
        return written;
    }

    /// <summary>One single-row INSERT, prepared once (the command's text does not change) and run per row with its parameters rebound.</summary>
    public int RowByRow(int rows)
    {
        using var transaction = _connection.BeginTransaction();
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO rows VALUES " + Placeholders(0);
        var written = 0;
        for (var r = 0; r < rows; r++)
        {
            command.Parameters.Clear();
            Bind(command, 0);
            written += command.ExecuteNonQuery();
        }
        transaction.Rollback();
        return written;
    }

    public void Dispose()
    {
        _connection.Dispose();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" }) File.Delete(file);
    }

    /// <summary>The `sqlite-inserts` command: per batch size, both shapes in turns; CPU time per row.</summary>
    public static int Measure(int operations)
    {
        using var shapes = new SqliteInsertShapes();
        foreach (var rows in new[] { 1, 4, 16, 64 })
        {
            (string Name, Func<object> Run)[] pieces = [("multi-row", () => shapes.MultiRow(rows)), ("row by row", () => shapes.RowByRow(rows))];
            var measured = PieceTimer.Measure(pieces, Math.Max(10, operations / rows));
            Console.WriteLine($"sqlite-inserts: {rows,2} rows of {Columns} columns: one multi-row INSERT {measured[0].Microseconds / rows,7:N1} µs CPU per row, "
                + $"a prepared single-row INSERT per row {measured[1].Microseconds / rows,7:N1} µs CPU per row");
        }
        return 0;
    }
}
