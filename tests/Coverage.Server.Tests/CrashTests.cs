using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
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
        var port = FreePort();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };

        var server = Start(database, port);
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<string>();
        try
        {
            await WaitHealthy(http);
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

        var restarted = Start(database, port);
        try
        {
            await WaitHealthy(http);
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

    private static Process Start(string database, int port)
    {
        var folder = Path.GetDirectoryName(typeof(Program).Assembly.Location)!;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            Path.Combine(folder, "Coverage.Server.dll"), "--environment", "Development", "--urls", $"http://127.0.0.1:{port}",
            "--Storage:Provider=sqlite", $"--Storage:ConnectionString=Data Source={database}", $"--Catalogue:Path={CoverageApp.RepositoryRoot}",
            "--Logging:LogLevel:Default=Warning",
        })
            start.ArgumentList.Add(argument);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitHealthy(HttpClient http)
    {
        for (var i = 0; i < 150; i++)
        {
            try
            {
                using var response = await http.GetAsync(new Uri("/health", UriKind.Relative));
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(200);
        }
        throw new TimeoutException("the server did not start within 30 s");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
