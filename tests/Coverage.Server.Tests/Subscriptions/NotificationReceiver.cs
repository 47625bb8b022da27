using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Coverage.Server.Tests.Subscriptions;

/// <summary>
/// A real HTTP receiver on 127.0.0.1 and a free port, as a provider's rest-hook endpoint: it keeps every request
/// (path, headers, body) and answers each path with the status a test sets (200 unless told).
/// </summary>
public sealed class NotificationReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _statuses = new();
    private readonly ConcurrentDictionary<string, bool> _held = new();
    private readonly ConcurrentDictionary<string, TimeSpan> _delays = new();
    private readonly CancellationTokenSource _stopping = new();
    private int _holding;

    public sealed record Received(string Path, IReadOnlyDictionary<string, string> Headers, string Body);

    public ConcurrentQueue<Received> Requests { get; } = new();

    private NotificationReceiver(WebApplication app) => _app = app;

    public static async Task<NotificationReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new NotificationReceiver(app);
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            receiver.Requests.Enqueue(new Received(context.Request.Path.Value ?? "", headers, body));
            if (receiver._held.ContainsKey(context.Request.Path.Value ?? ""))
            {
                // Takes the notification and never answers, until the caller gives up (or the receiver stops).
                using var either = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, receiver._stopping.Token);
                Interlocked.Increment(ref receiver._holding);
                try
                {
                    await Task.Delay(Timeout.Infinite, either.Token);
                }
                catch (OperationCanceledException)
                {
                }
                finally
                {
                    Interlocked.Decrement(ref receiver._holding);
                }
                return;
            }
            if (receiver._delays.TryGetValue(context.Request.Path.Value ?? "", out var delay)) await Task.Delay(delay, receiver._stopping.Token);
            var status = receiver._statuses.GetValueOrDefault(context.Request.Path.Value ?? "", 200);
            context.Response.StatusCode = status;
            if (status is >= 300 and < 400) context.Response.Headers.Location = "/followed";
        });
        await app.StartAsync();
        receiver.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return receiver;
    }

    /// <summary>http://127.0.0.1:port</summary>
    public string BaseUrl { get; private set; } = "";

    public void Answer(string path, int status) => _statuses[path] = status;

    /// <summary>Requests to <paramref name="path"/> are kept at once and answered after <paramref name="delay"/> (real time).</summary>
    public void Delay(string path, TimeSpan delay) => _delays[path] = delay;

    /// <summary>Requests to <paramref name="path"/> are read and kept, and never answered.</summary>
    public void Hold(string path) => _held[path] = true;

    /// <summary>Requests being held now: their callers have not given up yet.</summary>
    public int Holding => Volatile.Read(ref _holding);

    public IReadOnlyList<Received> At(string path) => [.. Requests.Where(r => r.Path == path)];

    /// <summary>Waits (real time) until <paramref name="count"/> requests reached <paramref name="path"/>.</summary>
    public async Task<IReadOnlyList<Received>> WaitForAsync(string path, int count, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            var received = At(path);
            if (received.Count >= count) return received;
            await Task.Delay(25);
        }
        throw new TimeoutException($"{At(path).Count} of {count} notifications reached {path} within {seconds} s.");
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }
}
