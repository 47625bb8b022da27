using System.Net;
using System.Text.Json;

namespace Coverage.Server.Tests.Security;

/// <summary>
/// Rate limits (RateLimits:*): per authenticated client on /api/v1 and /fhir, per source address for
/// unauthenticated traffic (bad tokens included); 429 with Retry-After and a problem, or an OperationOutcome under /fhir.
/// </summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task ApiClient_IsLimitedAsItself_AndOtherClientsGoOn()
    {
        await using var server = await SecureServer.StartAsync(s => s["RateLimits:PerClientPerMinute"] = "5");
        var um = SecureServer.Token("coverage/cases.read", SecureServer.UmSystem);
        var statuses = new List<HttpStatusCode>();
        (HttpStatusCode Status, string Body, HttpResponseMessage Response) last = default;
        for (var i = 0; i < 7; i++)
        {
            last = await server.SendAsync(HttpMethod.Get, "/api/v1/cases", um);
            statuses.Add(last.Status);
        }

        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.TooManyRequests, last.Status);
        Assert.True(last.Response!.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 without Retry-After");
        Assert.Equal("application/problem+json", last.Response!.Content.Headers.ContentType?.MediaType);
        // A fresh token of the same client is the same client; another client is not.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await server.SendAsync(HttpMethod.Get, "/api/v1/cases", SecureServer.Token("coverage/cases.read", SecureServer.UmSystem))).Status);
        Assert.Equal(HttpStatusCode.OK, (await server.SendAsync(HttpMethod.Get, "/api/v1/cases", SecureServer.Token("coverage/cases.read", SecureServer.ReviewApp))).Status);
        // Under /fhir the refusal is an OperationOutcome.
        var (fhir, body, response) = await server.SendAsync(HttpMethod.Get, "/fhir/AuditEvent", SecureServer.Token("coverage/audit.read", SecureServer.UmSystem));
        Assert.Equal(HttpStatusCode.TooManyRequests, fhir);
        Assert.Equal("throttled", JsonDocument.Parse(body).RootElement.GetProperty("issue")[0].GetProperty("code").GetString());
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task AnonymousAndBadTokenTraffic_IsLimitedPerSource()
    {
        await using var server = await SecureServer.StartAsync(s => s["RateLimits:AnonymousPerSourcePerMinute"] = "5");
        // From one address through the trusted proxy (the harness's own start-up checks come from loopback).
        var from = new Dictionary<string, string> { ["X-Forwarded-For"] = "198.18.250.1" };
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++) statuses.Add((await server.SendAsync(HttpMethod.Get, "/health", null, headers: from)).Status);
        for (var i = 0; i < 4; i++) statuses.Add((await server.SendAsync(HttpMethod.Get, "/api/v1/cases", "not-a-token", headers: from)).Status);

        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        // A valid client is not limited by its address's anonymous traffic.
        Assert.Equal(HttpStatusCode.OK, (await server.SendAsync(HttpMethod.Get, "/api/v1/cases", SecureServer.Token("coverage/cases.read", SecureServer.UmSystem), headers: from)).Status);
    }

    /// <summary>
    /// Session 38 (F9): /ping, /health/live and /health/ready are never limited — a liveness probe behind the same NAT as
    /// a noisy client must not see 429 — while /health (a report, not a probe) and everything else still is.
    /// </summary>
    [Fact]
    public async Task Probes_AreNeverLimited_WhenTheirSourceIsOverItsLimit()
    {
        await using var server = await SecureServer.StartAsync(s => s["RateLimits:AnonymousPerSourcePerMinute"] = "3");
        var from = new Dictionary<string, string> { ["X-Forwarded-For"] = "198.18.250.2" };
        for (var i = 0; i < 4; i++) await server.SendAsync(HttpMethod.Get, "/api/v1/cases", "not-a-token", headers: from);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await server.SendAsync(HttpMethod.Get, "/api/v1/cases", "not-a-token", headers: from)).Status);

        for (var i = 0; i < 5; i++)
        {
            foreach (var probe in new[] { "/ping", "/health/live", "/health/ready" })
                Assert.Equal(HttpStatusCode.OK, (await server.SendAsync(HttpMethod.Get, probe, null, headers: from)).Status);
            Assert.Equal(HttpStatusCode.OK, (await server.SendAsync(HttpMethod.Head, "/ping", null, headers: from)).Status);
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, (await server.SendAsync(HttpMethod.Get, "/health", null, headers: from)).Status);
    }
}
