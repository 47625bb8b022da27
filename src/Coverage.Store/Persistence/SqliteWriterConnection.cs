using System.Data.Common;
using Coverage.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Coverage.Store;

/// <summary>
/// The new-case writer's own connection to SQLite, kept open from one group commit to the next, with its statements
/// prepared once: the INSERTs (<see cref="ModelInserts"/>) and the lookup of a request id. Opening a pooled connection,
/// having SQLite parse each statement again and EF build a query with list parameters cost more CPU per transaction
/// than writing the rows (docs/benchmarks.md, "session 13"); at a steady rate most transactions hold one or two cases.
/// One writer loop uses it, one transaction at a time; a transaction that fails closes it and the next opens another.
/// </summary>
internal sealed class SqliteWriterConnection : IAsyncDisposable
{
    private readonly IServiceScope _scope;
    private DbCommand? _lookup;

    private SqliteWriterConnection(IServiceScope scope, CoverageDbContext db)
    {
        _scope = scope;
        Db = db;
        Inserts = new ModelInserts(db);
    }

    /// <summary>The context whose connection stays open (its transactions are begun through it).</summary>
    public CoverageDbContext Db { get; }

    /// <summary>The INSERTs built from the model, prepared on this connection.</summary>
    public ModelInserts Inserts { get; }

    public static async Task<SqliteWriterConnection> OpenAsync(IServiceScopeFactory scopes)
    {
        var scope = scopes.CreateScope();
        try
        {
            var db = scope.ServiceProvider.GetRequiredService<CoverageDbContext>();
            await db.Database.OpenConnectionAsync().ConfigureAwait(false);
            return new SqliteWriterConnection(scope, db);
        }
        catch
        {
            scope.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Whether the store holds a case of this organisation and member under this request id and use of it: one
    /// prepared SELECT over the unique index (names from the model), in the writer's transaction.
    /// </summary>
    public async Task<bool> HoldsAsync(DbTransaction transaction, string tenant, string memberKey, string requestId, int use)
    {
        var lookup = _lookup ??= Lookup();
        lookup.Transaction = transaction;
        lookup.Parameters[0].Value = tenant;
        lookup.Parameters[1].Value = memberKey;
        lookup.Parameters[2].Value = requestId;
        lookup.Parameters[3].Value = use;
        return await lookup.ExecuteScalarAsync().ConfigureAwait(false) is not null;
    }

    private DbCommand Lookup()
    {
        var cases = Db.Model.FindEntityType(typeof(CaseRecord))!;
        var table = cases.GetTableName()!;
        var store = StoreObjectIdentifier.Table(table, cases.GetSchema());
        var sql = Db.GetService<ISqlGenerationHelper>();
        string Column(string property) => sql.DelimitIdentifier(cases.FindProperty(property)!.GetColumnName(store)!);

        var command = Db.Database.GetDbConnection().CreateCommand();
        command.CommandText = $"SELECT 1 FROM {sql.DelimitIdentifier(table, cases.GetSchema())} WHERE {Column(nameof(CaseRecord.Tenant))} = @tenant "
            + $"AND {Column(nameof(CaseRecord.MemberKey))} = @member AND {Column(nameof(CaseRecord.RequestId))} = @request "
            + $"AND {Column(nameof(CaseRecord.RequestIdUse))} = @use LIMIT 1";
        foreach (var name in (string[])["@tenant", "@member", "@request", "@use"])
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    public async ValueTask DisposeAsync()
    {
        _lookup?.Dispose();
        Inserts.Dispose();
        try
        {
            await Db.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
        finally
        {
            _scope.Dispose();
        }
    }
}
