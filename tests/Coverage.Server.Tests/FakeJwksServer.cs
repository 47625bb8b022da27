using System.Net;
using System.Text;

namespace Coverage.Server.Tests;

/// <summary>
/// A key server for tests: serves one JWK Set at its URL (a CDS client's jku or jwks_uri, an API token issuer's
/// JwksUri), 404 at any other, and records which URLs were asked for. Given to the server as the primary handler of a
/// named HTTP client (KeySetClients).
/// </summary>
internal sealed class FakeJwksServer(string url, string jwks) : HttpMessageHandler
{
    private readonly List<string> _requested = [];

    public List<string> Requested
    {
        get { lock (_requested) return [.. _requested]; }
    }

    /// <summary>The set served (an EHR rotating its keys publishes a new one).</summary>
    public string Jwks { get; set; } = jwks;

    /// <summary>When set, every fetch fails as a key server that is down does (503).</summary>
    public bool Failing { get; set; }

    /// <summary>How long each answer takes.</summary>
    public TimeSpan Delay { get; set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var asked = request.RequestUri!.AbsoluteUri;
        lock (_requested) _requested.Add(asked);
        if (Delay > TimeSpan.Zero) await Task.Delay(Delay, cancellationToken);
        if (Failing) return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        return asked == url
            ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(Jwks, Encoding.UTF8, "application/json") }
            : new HttpResponseMessage(HttpStatusCode.NotFound);
    }
}
