using System.Net.Sockets;
using System.Text;

namespace Coverage.Server.Tests;

/// <summary>A client that starts a request and then stalls is refused with 408 by the real web server, and the server goes on.</summary>
public sealed class SlowClientTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("coverage-slow-");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    [Fact]
    public async Task StalledBody_Is408_AndTheServerKeepsAnswering()
    {
        var port = ServerProcess.FreePort();
        var server = ServerProcess.Start(port, "sqlite", $"Data Source={Path.Combine(_folder.FullName, "cases.db")}");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        try
        {
            await ServerProcess.WaitHealthy(http);
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port);
            var stream = client.GetStream();
            var head = $"POST /api/v1/determinations HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{{\"requestId\":";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));

            // Then nothing: the body never comes at the minimum rate.
            var buffer = new byte[4096];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var read = await stream.ReadAsync(buffer, timeout.Token);
            var answer = Encoding.ASCII.GetString(buffer, 0, read);

            Assert.StartsWith("HTTP/1.1 408", answer, StringComparison.Ordinal);
            using var health = await http.GetAsync(new Uri("/health", UriKind.Relative));
            Assert.True(health.IsSuccessStatusCode);
        }
        finally
        {
            await ServerProcess.Stop(server);
        }
    }
}
