using System.Net.Http.Headers;

namespace Coverage.Server.Subscriptions;

/// <summary>
/// Posts notifications: through the <see cref="EndpointGuard"/>'s connections only, no proxy (it would connect for us,
/// unchecked), no redirects followed (a 3xx is a failure), a timeout per notification, the receiver's answer not read
/// beyond its status. A 2xx is a delivery; anything else, or no answer, is a failure retried by the deliverer.
/// </summary>
public sealed class NotificationSender : IDisposable
{
    private readonly HttpClient _client;

    public NotificationSender(EndpointGuard guard)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = guard.ConnectAsync,
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            MaxResponseHeadersLength = 64,
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <returns>Whether the receiver accepted it, and what happened in plain words (no header values).</returns>
    public async Task<(bool Delivered, string Detail)> SendAsync(
        Uri endpoint, string contentType, IReadOnlyList<KeyValuePair<string, string>> headers, byte[] body, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType) { CharSet = "utf-8" };
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var status = (int)response.StatusCode;
            return response.IsSuccessStatusCode ? (true, $"HTTP {status}")
                : (false, status is >= 300 and < 400 ? $"HTTP {status}: redirects are not followed" : $"HTTP {status}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (false, $"no answer within {timeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException e) when (e.InnerException is EndpointRefusedException refused)
        {
            return (false, $"refused: {refused.Message}");
        }
        catch (HttpRequestException e)
        {
            return (false, $"could not be sent ({e.HttpRequestError})");
        }
    }

    public void Dispose() => _client.Dispose();
}
