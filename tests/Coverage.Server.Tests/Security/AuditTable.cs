using Microsoft.Data.Sqlite;

namespace Coverage.Server.Tests.Security;

/// <summary>One row of audit_events as the store holds it.</summary>
public sealed record AuditRow(
    long Id, string? CaseId, string? Subject, string Action, string Actor, string? ActorIssuer, string? ActorClient, string? ActorSubject,
    string? Source, int Occurrences, string? LastAt, string Detail)
{
    /// <summary>The characters the row keeps of text: what an attacker could try to grow.</summary>
    public int TextLength => (Subject?.Length ?? 0) + Action.Length + Actor.Length + (ActorIssuer?.Length ?? 0) + (ActorClient?.Length ?? 0)
        + (ActorSubject?.Length ?? 0) + (Source?.Length ?? 0) + Detail.Length;
}

/// <summary>Reads a secure server's audit table straight from its SQLite file, as an auditor of the store would.</summary>
public static class AuditTable
{
    public static async Task<List<AuditRow>> ReadAsync(SecureServer server)
    {
        var rows = new List<AuditRow>();
        await using var connection = new SqliteConnection($"Data Source={server.DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT "Id", "CaseId", "Subject", "Action", "Actor", "ActorIssuer", "ActorClient", "ActorSubject", "Source", "Occurrences", "LastAt", "Detail"
            FROM audit_events ORDER BY "Id"
            """;
        await using var reader = await command.ExecuteReaderAsync();
        string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        while (await reader.ReadAsync())
            rows.Add(new AuditRow(reader.GetInt64(0), Text(1), Text(2), reader.GetString(3), reader.GetString(4), Text(5), Text(6), Text(7), Text(8),
                reader.GetInt32(9), Text(10), reader.GetString(11)));
        return rows;
    }
}
