using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Coverage.Server.Tests.Security;

/// <summary>Cases and store reads for the attack tests against <see cref="SecureServer"/>.</summary>
internal static class SecureCases
{
    /// <summary>Submits the cryoablation request as the payer's UM system; the case waits for physician review.</summary>
    public static async Task<string> SubmitPendingReviewAsync(SecureServer server)
    {
        var json = Api.WithRequestId(CoverageApp.Sample("cryoablation-prior-auth.json"), Api.NewId());
        var (status, body, _) = await server.SendAsync(HttpMethod.Post, "/api/v1/determinations", SecureServer.Token("coverage/cases.write", SecureServer.UmSystem), json);
        Assert.True(status == HttpStatusCode.Created, $"submission answered {status}: {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("caseId").GetString()!;
    }

    /// <summary>Rows of one query on the server's SQLite file (read-only; the server keeps running).</summary>
    public static List<Dictionary<string, object?>> Query(SecureServer server, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={server.DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<Dictionary<string, object?>>();
        while (reader.Read())
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++) row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }
}
