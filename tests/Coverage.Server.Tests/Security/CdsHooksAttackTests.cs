using System.Net;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Coverage.Server.Tests.Security;

/// <summary>
/// Attacks on the CDS Hooks services of a Production-configured server (issue 12, findings 5, 10 and the Low
/// item on error detail): an anonymous flood cannot fill the disk, a forged Host header cannot choose the
/// audience, the server does not start without its public URL, and refusals say little.
/// </summary>
public sealed class CdsHooksAttackTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Service = "order-sign";
    private static readonly string Path = $"/cds-services/{Service}";
    private static readonly string OrderSign = Ehr.OrderSign(Ehr.Order("0581T")).ToJsonString();

    private static string Part(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));

    /// <summary>An attacker's bearer value: junk, or a JWT-shaped token with a huge, ever different issuer.</summary>
    private static string Junk(int n) => n % 2 == 0
        ? $"junk-{n}-" + new string('x', 30_000)
        : Part("""{"alg":"RS256","typ":"JWT"}""") + "." + Part($$"""{"iss":"https://{{n}}-{{new string('a', 20_000)}}","aud":"x","exp":4102444800,"jti":"{{n}}"}""") + ".c2ln";

    private static async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> Call(SecureServer server, string authorization, IDictionary<string, string>? headers = null)
    {
        var all = new Dictionary<string, string>(headers ?? new Dictionary<string, string>()) { ["Authorization"] = authorization };
        return await server.SendAsync(HttpMethod.Post, Path, token: null, OrderSign, headers: all);
    }

    [Fact]
    public async Task RefusedCallFlood_FromOneSource_LeavesAFewAggregatedRows_AndIsRateLimited()
    {
        // A window longer than the test: every count is written once, when the server stops.
        await using var server = await SecureServer.StartAsync(s => s["Audit:SecurityEvents:WindowSeconds"] = "3600");
        var before = (await AuditTable.ReadAsync(server)).Count;
        var clock = System.Diagnostics.Stopwatch.StartNew();

        using var parallel = new SemaphoreSlim(16);
        var answers = await Task.WhenAll(Enumerable.Range(0, 2000).Select(async n =>
        {
            await parallel.WaitAsync();
            try
            {
                var (status, body, response) = await Call(server, "Bearer " + Junk(n));
                return (status, body, RetryAfter: response.Headers.RetryAfter?.Delta);
            }
            finally
            {
                parallel.Release();
            }
        }));
        await server.StopGracefullyAsync();

        Assert.All(answers, a => Assert.Contains(a.status, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests }));
        Assert.Contains(answers, a => a.status == HttpStatusCode.Unauthorized);
        var throttled = answers.Where(a => a.status == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(throttled);
        Assert.All(throttled, a => Assert.True(a.RetryAfter >= TimeSpan.FromSeconds(1)));
        Assert.All(answers, a => Assert.Contains("OperationOutcome", a.body, StringComparison.Ordinal));

        var rows = (await AuditTable.ReadAsync(server)).Skip(before).ToList();
        output.WriteLine($"{answers.Length} refused calls in {clock.Elapsed.TotalSeconds:F1} s ({answers.Count(a => a.status == HttpStatusCode.TooManyRequests)} answered 429); " +
            $"{rows.Count} audit rows, {rows.Sum(r => r.TextLength)} characters of text, occurrences {string.Join(" + ", rows.Select(r => r.Occurrences))}; " +
            $"database {DatabaseBytes(server)} bytes after the stop");
        // About 50 MB of attacker text was sent; a handful of rows of fixed size are kept.
        Assert.InRange(rows.Count, 1, 5);
        Assert.InRange(rows.Sum(r => r.TextLength), 1, 4096);
        Assert.All(rows, r => Assert.Equal($"cds-hooks/{Service}", r.Subject));
        Assert.All(rows, r => Assert.Equal("127.0.0.1", r.Source));
        Assert.All(rows, r => Assert.DoesNotContain("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", r.Detail, StringComparison.Ordinal));
        // Every refusal is counted, whichever row holds it.
        Assert.Equal(answers.Length, rows.Sum(r => r.Occurrences));
        Assert.Contains(rows, r => r.Occurrences > 1 && r.LastAt is not null);
        // The issuer the attacker claimed is cut, and says how much was cut.
        Assert.Contains(rows, r => r.Detail.Contains("more characters", StringComparison.Ordinal));
    }

    private static readonly string[] DatabaseFiles = ["", "-wal", "-shm"];

    private static long DatabaseBytes(SecureServer server) =>
        DatabaseFiles.Select(suffix => new FileInfo(server.DatabasePath + suffix)).Where(f => f.Exists).Sum(f => f.Length);

    [Fact]
    public async Task GoodCalls_EachKeepTheirOwnAuditEvent_NamingTheClientAndSource()
    {
        await using var server = await SecureServer.StartAsync();

        for (var i = 0; i < 3; i++)
        {
            var (status, body, _) = await server.SendAsync(HttpMethod.Post, Path, SecureServer.CdsToken(Service), OrderSign);
            Assert.True(status == HttpStatusCode.OK, body);
        }

        var answered = (await AuditTable.ReadAsync(server)).Where(r => r.Action == "hook-answered").ToList();
        Assert.Equal(3, answered.Count);
        Assert.All(answered, r =>
        {
            Assert.Equal(1, r.Occurrences);
            Assert.Null(r.LastAt);
            Assert.Equal(SecureServer.CdsIssuer, r.ActorIssuer);
            Assert.Equal("127.0.0.1", r.Source);
        });
    }

    [Fact]
    public async Task ClientAboveItsRate_Gets429WithRetryAfterAndAnOperationOutcome()
    {
        await using var server = await SecureServer.StartAsync(s =>
        {
            s["RateLimits:CdsHooks:ClientPermitsPerSecond"] = "1";
            s["RateLimits:CdsHooks:ClientBurst"] = "2";
        });

        // Bursts of 12 at once until one is refused: a busy machine that spreads a burst over seconds (each second
        // refills a permit) delays the refusal but cannot prevent it — 120 calls would have to take two minutes.
        var answers = new List<(HttpStatusCode Status, string Body, HttpResponseMessage Response)>();
        for (var burst = 0; burst < 10 && answers.All(a => a.Status != HttpStatusCode.TooManyRequests); burst++)
            answers.AddRange(await Task.WhenAll(Enumerable.Range(0, 12).Select(_ =>
                server.SendAsync(HttpMethod.Post, Path, SecureServer.CdsToken(Service), OrderSign))));

        Assert.Contains(answers, a => a.Status == HttpStatusCode.OK);
        var throttled = answers.Where(a => a.Status == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(throttled);
        Assert.All(throttled, a =>
        {
            Assert.True(a.Response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
            Assert.Contains("throttled", a.Body, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task RefusalOutsideDevelopment_SaysOnlyThatTheTokenFailed()
    {
        await using var server = await SecureServer.StartAsync();

        var (status, body, response) = await Call(server, "Bearer " + Junk(1));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("Bearer error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Contains("Authentication failed.", body, StringComparison.Ordinal);
        Assert.DoesNotContain("allow-list", body, StringComparison.Ordinal);
        Assert.DoesNotContain("aaaa", body, StringComparison.Ordinal);

        var (anonymous, _, noToken) = await server.SendAsync(HttpMethod.Post, Path, token: null, OrderSign);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous);
        Assert.Equal("Bearer", noToken.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task TokenForAnotherServersUrl_WithThatServerAsHost_Is401()
    {
        // The attack works where the audience came from the Host header: a server without a public base URL,
        // which only Development may run as (Production refuses to start, below).
        await using var server = await SecureServer.StartAsync(s =>
        {
            s.Remove("Coverage:PublicBaseUrl");
            s["CdsHooks:Authentication:Enabled"] = "true";
        }, environment: "Development");
        var forged = new Dictionary<string, string> { ["Host"] = "evil.test" };

        var (status, _, _) = await server.SendAsync(HttpMethod.Post, Path, SecureServer.CdsToken(Service, audience: $"http://evil.test{Path}"), OrderSign, headers: forged);
        Assert.Equal(HttpStatusCode.Unauthorized, status);

        // Its own address is what it checks.
        var (own, body, _) = await server.SendAsync(HttpMethod.Post, Path, SecureServer.CdsToken(Service, audience: $"{server.BaseUrl.ToString().TrimEnd('/')}{Path}"), OrderSign, headers: forged);
        Assert.True(own == HttpStatusCode.OK, body);
    }

    [Fact]
    public async Task TokenForAnotherServersUrl_WithThatServerAsHost_Is401_InProduction()
    {
        await using var server = await SecureServer.StartAsync();

        var (status, _, _) = await server.SendAsync(HttpMethod.Post, Path, SecureServer.CdsToken(Service, audience: $"http://evil.test{Path}"), OrderSign,
            headers: new Dictionary<string, string> { ["Host"] = "evil.test" });

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    /// <summary>
    /// An authenticated client's hook call is audited in a row of its own, and what the client wrote went into it whole:
    /// a 400 KB hookInstance (CDS Hooks: a UUID) or hook name, line breaks included, was a 400 KB row per call.
    /// </summary>
    [Theory]
    [InlineData("hookInstance")]
    [InlineData("hook")]
    public async Task WhatAClientWritesInAHookCall_IsAuditedOnlyInPart(string where)
    {
        await using var server = await SecureServer.StartAsync();
        var huge = "x\nforged: " + new string('h', 400_000);
        var call = Ehr.OrderSign(Ehr.Order("0581T"));
        if (where == "hook") call["hook"] = huge;
        // A hookInstance with a control character is refused since session 38 (CdsHookFieldTests); a huge one is still answered.
        else call["hookInstance"] = huge.Replace('\n', ' ');

        var (status, body, _) = await server.SendAsync(HttpMethod.Post, Path, SecureServer.CdsToken(Service), call.ToJsonString());

        Assert.True(status == (where == "hook" ? HttpStatusCode.BadRequest : HttpStatusCode.OK), $"{(int)status}: {body[..Math.Min(body.Length, 300)]}");
        var row = Assert.Single(await AuditTable.ReadAsync(server), r => r.Subject == $"cds-hooks/{Service}" && r.Action is "hook-answered" or "hook-refused");
        Assert.True(row.Detail.Length <= 10_000, $"{row.Action}: {row.Detail.Length} characters");
        Assert.DoesNotContain('\n', row.Detail);
    }

    /// <summary>
    /// A hook call that names an internal FHIR server (a listener on loopback, the cloud metadata address, IPv6
    /// loopback, loopback in decimal) with an EHR access token, and no Coverage prefetched: none is on
    /// Coverage:AllowedFhirServers, so nothing is read (412: the listener hears nothing), and the token is in neither the
    /// answer nor the audit trail.
    /// </summary>
    [Fact]
    public async Task FhirAccessToInternalServers_IsNotUsed_AndItsTokenIsNeverEchoed()
    {
        await using var listener = await Subscriptions.NotificationReceiver.StartAsync();
        await using var server = await SecureServer.StartAsync();
        const string Secret = "ehr-access-token-that-must-not-leak";
        var port = new Uri(listener.BaseUrl).Port;
        var servers = new[] { $"{listener.BaseUrl}/fhir", "http://169.254.169.254/latest/meta-data", $"http://[::1]:{port}/fhir", $"http://2130706433:{port}/fhir" };
        var problems = new List<string>();

        foreach (var fhirServer in servers)
        {
            var call = Ehr.HookRequest("order-sign", new System.Text.Json.Nodes.JsonObject { ["draftOrders"] = Ehr.Node(Ehr.Collection(Ehr.Order("0581T"))) }, prefetch: false);
            call["fhirServer"] = fhirServer;
            call["fhirAuthorization"] = new System.Text.Json.Nodes.JsonObject { ["access_token"] = Secret, ["token_type"] = "Bearer", ["expires_in"] = 300, ["scope"] = "patient/*.read", ["subject"] = "crd" };
            var (status, body, _) = await server.SendAsync(HttpMethod.Post, Path, SecureServer.CdsToken(Service), call.ToJsonString());
            if (status != HttpStatusCode.PreconditionFailed) problems.Add($"{fhirServer}: {(int)status}");
            if (body.Contains(Secret, StringComparison.Ordinal)) problems.Add($"{fhirServer}: the answer holds the token");
        }

        var rows = await AuditTable.ReadAsync(server);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.DoesNotContain(rows, r => r.Detail.Contains(Secret, StringComparison.Ordinal));
        Assert.Empty(listener.Requests);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("http://coverage.payer.test")]
    [InlineData("coverage.payer.test")]
    public async Task ProductionWithoutAUsablePublicBaseUrl_DoesNotStart_AndNamesTheSetting(string? url)
    {
        var (exitCode, output) = await SecureServer.RunToExitAsync(s =>
        {
            if (url is null) s.Remove("Coverage:PublicBaseUrl");
            else s["Coverage:PublicBaseUrl"] = url;
        }, TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, exitCode);
        Assert.NotEqual(-1, exitCode); // it stopped by itself, not at the timeout
        Assert.Contains("Coverage:PublicBaseUrl", output, StringComparison.Ordinal);
    }
}
