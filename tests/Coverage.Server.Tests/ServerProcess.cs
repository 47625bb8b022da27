using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Coverage.Server.Tests;

/// <summary>The real server as its own process (dotnet Coverage.Server.dll), for the crash, scale-out, slow-client and README tests.</summary>
internal static class ServerProcess
{
    public static Process Start(int port, string provider, string connectionString, params string[] settings)
    {
        var folder = Path.GetDirectoryName(typeof(Program).Assembly.Location)!;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] arguments =
        [
            Path.Combine(folder, "Coverage.Server.dll"), "--environment", "Development", "--urls", $"http://127.0.0.1:{port}",
            $"--Storage:Provider={provider}", $"--Storage:ConnectionString={connectionString}", $"--Catalogue:Path={CoverageApp.RepositoryRoot}",
            "--Logging:LogLevel:Default=Warning",
            // The crash, scale-out and soak tests send thousands of requests a minute from one address.
            "--RateLimits:PerClientPerMinute=100000000", "--RateLimits:AnonymousPerSourcePerMinute=100000000", "--RateLimits:CdsHooksPerSourcePerMinute=100000000",
            // A test's own settings, last: a key given again overrides the one above.
            .. settings,
        ];
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static async Task WaitHealthy(HttpClient http)
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

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task Stop(Process process)
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
    }
}
