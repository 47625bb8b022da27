using System.Net;
using Microsoft.Data.Sqlite;

namespace Coverage.Server.Tests;

/// <summary>
/// The server process is killed (SIGKILL) in the middle of a burst of submissions: after a restart
/// every acknowledged case is there with its audit, and no case exists without its history.
/// </summary>
public sealed class CrashTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("coverage-crash-");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    [Fact]
    public async Task KilledDuringABurst_RestartLosesNoAcknowledgedCaseAndLeavesNoHalfCase()
    {
        var database = Path.Combine(_folder.FullName, "cases.db");
        var port = ServerProcess.FreePort();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };

        var server = ServerProcess.Start(port, "sqlite", $"Data Source={database}");
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<string>();
        try
        {
            await ServerProcess.WaitHealthy(http);
            using var stop = new CancellationTokenSource();
            var burst = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        var (status, body, _) = await Api.Post(http, "/api/v1/determinations",
                            Api.WithRequestId(CoverageApp.Sample("cryoablation-prior-auth.json"), Api.NewId()));
                        if (status == HttpStatusCode.Created) acknowledged.Add(body.Str("caseId"));
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
                    {
                        // The connection died with the server: this submission was never acknowledged.
                    }
                }
            })).ToList();
            while (acknowledged.Count < 40) await Task.Delay(20);
            server.Kill(entireProcessTree: true); // SIGKILL, mid-burst
            await server.WaitForExitAsync();
            await stop.CancelAsync();
            await Task.WhenAll(burst);
        }
        finally
        {
            if (!server.HasExited) server.Kill(entireProcessTree: true);
            server.Dispose();
        }

        var restarted = ServerProcess.Start(port, "sqlite", $"Data Source={database}");
        try
        {
            await ServerProcess.WaitHealthy(http);
            foreach (var caseId in acknowledged)
            {
                var (status, audit, _) = await Api.Get(http, $"/api/v1/cases/{caseId}/audit");
                Assert.Equal(HttpStatusCode.OK, status);
                Assert.Equal("case-created", audit.GetProperty("events")[0].Str("action"));
            }
        }
        finally
        {
            restarted.Kill(entireProcessTree: true);
            await restarted.WaitForExitAsync();
            restarted.Dispose();
        }

        // No half case: every stored case has its creation in the audit trail; the file is intact.
        await using var connection = new SqliteConnection($"Data Source={database}");
        await connection.OpenAsync();
        Assert.Equal("ok", await Scalar(connection, "PRAGMA integrity_check"));
        var cases = Convert.ToInt64(await Scalar(connection, "SELECT COUNT(*) FROM cases"), System.Globalization.CultureInfo.InvariantCulture);
        var withHistory = Convert.ToInt64(await Scalar(connection,
            "SELECT COUNT(DISTINCT CaseId) FROM audit_events WHERE Action = 'case-created'"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(cases, withHistory);
        Assert.True(cases >= acknowledged.Count);
    }

    private static async Task<object?> Scalar(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

}
