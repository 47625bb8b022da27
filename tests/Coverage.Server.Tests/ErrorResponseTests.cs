using System.Net;
using System.Text.Json;
using Coverage.Server.Tests.Security;
using Microsoft.Extensions.Time.Testing;

namespace Coverage.Server.Tests;

/// <summary>
/// Each error status on each surface, against the real server: /api answers RFC 9457 problem details, /fhir an
/// OperationOutcome (application/fhir+json) whose issue code names the error — whichever part of the server
/// raised it (authentication, authorization, routing, body limits, rate limits, the exception handler).
/// </summary>
public sealed class ErrorResponseTests(SqliteStorage storage) : IClassFixture<SqliteStorage>
{
    private static int _source;

    /// <summary>A request from an address of its own (through the trusted proxy), so that the anonymous limit is met only on purpose.</summary>
    private static Dictionary<string, string> FromNewSource() =>
        new() { ["X-Forwarded-For"] = $"198.18.{Interlocked.Increment(ref _source) / 250}.{_source % 250 + 1}" };

    internal static void AssertOutcome(HttpStatusCode expected, string issue, (HttpStatusCode Status, string Body, HttpResponseMessage Response) answer)
    {
        Assert.Equal(expected, answer.Status);
        Assert.Equal("application/fhir+json", answer.Response.Content.Headers.ContentType?.MediaType);
        var root = JsonDocument.Parse(answer.Body).RootElement;
        Assert.Equal("OperationOutcome", root.GetProperty("resourceType").GetString());
        Assert.Equal(issue, root.GetProperty("issue")[0].GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("issue")[0].GetProperty("diagnostics").GetString()));
    }

    internal static void AssertProblem(HttpStatusCode expected, (HttpStatusCode Status, string Body, HttpResponseMessage Response) answer)
    {
        Assert.Equal(expected, answer.Status);
        Assert.Equal("application/problem+json", answer.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)expected, JsonDocument.Parse(answer.Body).RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task EveryPipelineError_IsAnOperationOutcomeUnderFhir_AndAProblemUnderApi()
    {
        await using var server = await SecureServer.StartAsync(s => s["RateLimits:AnonymousPerSourcePerMinute"] = "2");
        var submitter = SecureServer.Token("system/Claim.c", SecureServer.PortalA);
        var reader = SecureServer.Token("coverage/cases.read", SecureServer.UmSystem);
        var writer = SecureServer.Token("coverage/cases.write", SecureServer.PortalA);
        var tooLarge = "{\"x\":\"" + new string('a', 1_100_000) + "\"}";

        // 401: no token, and a token that is refused.
        AssertOutcome(HttpStatusCode.Unauthorized, "login", await server.SendAsync(HttpMethod.Post, "/fhir/Claim/$submit", null, "{}", "application/fhir+json", FromNewSource()));
        AssertOutcome(HttpStatusCode.Unauthorized, "login", await server.SendAsync(HttpMethod.Post, "/fhir/Claim/$submit", "not-a-token", "{}", "application/fhir+json", FromNewSource()));
        AssertProblem(HttpStatusCode.Unauthorized, await server.SendAsync(HttpMethod.Get, "/api/v1/cases", null, headers: FromNewSource()));
        // 403: a valid token without the scope.
        AssertOutcome(HttpStatusCode.Forbidden, "forbidden", await server.SendAsync(HttpMethod.Post, "/fhir/Claim/$submit", reader, "{}", "application/fhir+json"));
        AssertProblem(HttpStatusCode.Forbidden, await server.SendAsync(HttpMethod.Get, "/api/v1/cases", submitter));
        // 404: nothing served there.
        AssertOutcome(HttpStatusCode.NotFound, "not-found", await server.SendAsync(HttpMethod.Get, "/fhir/Nothing", null, headers: FromNewSource()));
        AssertProblem(HttpStatusCode.NotFound, await server.SendAsync(HttpMethod.Get, "/api/v1/nothing", null, headers: FromNewSource()));
        // 405: a method the path does not take.
        AssertOutcome(HttpStatusCode.MethodNotAllowed, "not-supported", await server.SendAsync(HttpMethod.Delete, "/fhir/metadata", null, headers: FromNewSource()));
        AssertProblem(HttpStatusCode.MethodNotAllowed, await server.SendAsync(HttpMethod.Put, "/api/v1/determinations", null, headers: FromNewSource()));
        // 413: a body beyond the web server's limit.
        AssertOutcome(HttpStatusCode.RequestEntityTooLarge, "too-costly", await server.SendAsync(HttpMethod.Post, "/fhir/Claim/$submit", submitter, tooLarge, "application/fhir+json"));
        AssertProblem(HttpStatusCode.RequestEntityTooLarge, await server.SendAsync(HttpMethod.Post, "/api/v1/determinations", writer, tooLarge));
        // 429: an anonymous source beyond its limit, with Retry-After.
        var flood = FromNewSource();
        for (var i = 0; i < 2; i++) await server.SendAsync(HttpMethod.Get, "/fhir/metadata", null, headers: flood);
        var throttled = await server.SendAsync(HttpMethod.Get, "/fhir/metadata", null, headers: flood);
        AssertOutcome(HttpStatusCode.TooManyRequests, "throttled", throttled);
        Assert.NotNull(throttled.Response.Headers.RetryAfter);
        var apiFlood = FromNewSource();
        for (var i = 0; i < 2; i++) await server.SendAsync(HttpMethod.Get, "/api/v1/cases", null, headers: apiFlood);
        AssertProblem(HttpStatusCode.TooManyRequests, await server.SendAsync(HttpMethod.Get, "/api/v1/cases", null, headers: apiFlood));
    }

    [Fact]
    public async Task AnUnexpectedFailure_Is500_AnOperationOutcomeUnderFhir_AndAProblemUnderApi()
    {
        var clock = new FailingClock();
        using var app = new CoverageApp(storage, clock);
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/fhir/metadata", UriKind.Relative))).StatusCode);

        clock.Fail = true;
        var fhir = await client.GetAsync(new Uri("/fhir/metadata", UriKind.Relative));
        var fhirBody = await fhir.Content.ReadAsStringAsync();
        AssertOutcome(HttpStatusCode.InternalServerError, "exception", (fhir.StatusCode, fhirBody, fhir));
        Assert.DoesNotContain(FailingClock.Secret, fhirBody, StringComparison.Ordinal);
        using var content = new StringContent(Api.WithRequestId(CoverageApp.Sample("cryoablation-prior-auth.json"), Api.NewId()), System.Text.Encoding.UTF8, "application/json");
        var api = await client.PostAsync(new Uri("/api/v1/determinations", UriKind.Relative), content);
        var apiBody = await api.Content.ReadAsStringAsync();
        AssertProblem(HttpStatusCode.InternalServerError, (api.StatusCode, apiBody, api));
        Assert.DoesNotContain(FailingClock.Secret, apiBody, StringComparison.Ordinal);
    }

    /// <summary>A clock that fails on demand: a bug in the server, as far as a request can tell.</summary>
    private sealed class FailingClock() : FakeTimeProvider(CoverageApp.Start)
    {
        public const string Secret = "internal detail of the failure";

        public volatile bool Fail;

        public override DateTimeOffset GetUtcNow() => Fail ? throw new NotSupportedException(Secret) : base.GetUtcNow();
    }
}
