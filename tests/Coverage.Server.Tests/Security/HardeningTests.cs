using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Coverage.Engine.Validation;

namespace Coverage.Server.Tests.Security;

/// <summary>One Production-configured server shared by the hardening tests that do not change its settings.</summary>
#pragma warning disable CA1001 // xUnit disposes the fixture through IAsyncLifetime.DisposeAsync.
public sealed class HardenedServer : IAsyncLifetime
#pragma warning restore CA1001
{
    public SecureServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await SecureServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// Finding 13 and the low findings: headers on every response, Secure cookies, HSTS, forwarded headers
/// only from configured proxies, no version or commit for anonymous callers, bounded echoes of input in
/// errors, private files, quiet 413s, slow bodies cut, and the workbench pages' own edge cases.
/// </summary>
public sealed class HardeningTests(HardenedServer fixture) : IClassFixture<HardenedServer>
{
    private SecureServer Server => fixture.Server;

    public static TheoryData<string, string, string?> Responses => new()
    {
        { "GET", "/api/v1/cases", null }, // 401
        { "GET", "/api/v1/cases", "coverage/cases.read" }, // 200
        { "POST", "/api/v1/determinations", "coverage/cases.write" }, // 400 (empty body)
        { "GET", "/fhir/metadata", null },
        { "GET", "/fhir/AuditEvent", null },
        { "GET", "/health", null },
        { "GET", "/no-such-thing", null }, // 404
        { "GET", "/workbench/sign-in", null },
        { "GET", "/workbench", null }, // redirect to sign-in
        { "GET", "/policies/0540", null },
    };

    [Theory]
    [MemberData(nameof(Responses))]
    public async Task EveryResponse_CarriesNosniffFrameDenialCspAndReferrerPolicy_AndNoServerHeader(string method, string path, string? scope)
    {
        var (_, _, response) = await Server.SendAsync(new HttpMethod(method), path, scope is null ? null : SecureServer.Token(scope, SecureServer.UmSystem),
            method == "POST" ? "" : null, headers: new Dictionary<string, string> { ["X-Forwarded-Proto"] = "https" });

        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Contains("frame-ancestors 'none'", Header(response, "Content-Security-Policy"), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Server"), "the Server header tells what runs here");
    }

    [Fact]
    public async Task WorkbenchPages_HaveAStrictCsp_AndNoInlineScriptOrStyle()
    {
        var client = new WorkbenchClient(Server);
        var (_, page, response) = await client.GetAsync("/workbench/sign-in");

        var csp = Header(response, "Content-Security-Policy");
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.Contains("style-src 'self';", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("<style", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" style=", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script>", page, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/workbench/assets/workbench.css")).Status);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/workbench/assets/workbench.js")).Status);
        // Signed in: the case page has no inline script or style either (the print button's handler is in workbench.js).
        var caseId = await SecureCases.SubmitPendingReviewAsync(Server);
        Assert.Equal(HttpStatusCode.Redirect, (await client.SignInAsync(SecureServer.Physician, SecureServer.PhysicianPassword)).Status);
        var (_, casePage, _) = await client.GetAsync($"/workbench/cases/{caseId}");
        Assert.DoesNotContain(" style=", casePage, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" onclick=", casePage, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Cookies_AreSecure_InProduction()
    {
        var client = new WorkbenchClient(Server);
        await client.GetAsync("/workbench/sign-in");
        var antiforgery = Assert.Single(client.LastSetCookies, c => c.StartsWith("coverage-workbench-antiforgery=", StringComparison.Ordinal));
        Assert.Contains("; secure", antiforgery, StringComparison.OrdinalIgnoreCase);

        await client.SignInAsync(SecureServer.Nurse, SecureServer.NursePassword);

        var session = Assert.Single(client.LastSetCookies, c => c.StartsWith("coverage-workbench=", StringComparison.Ordinal));
        Assert.Contains("; secure", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; httponly", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; samesite=strict", session, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Workbench_OverPlainHttp_SaysItNeedsHttps_RatherThanFailing()
    {
        var (status, body, _) = await Server.SendAsync(HttpMethod.Get, "/workbench/sign-in", null);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("HTTPS only", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hsts_IsSentOverHttps()
    {
        var (_, _, response) = await Server.SendAsync(HttpMethod.Get, "/health", null,
            headers: new Dictionary<string, string> { ["X-Forwarded-Proto"] = "https", ["Host"] = "coverage.payer.test" });

        Assert.Contains("max-age=", Header(response, "Strict-Transport-Security"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FhirMetadata_DoesNotRevealTheCommit()
    {
        var (status, body, _) = await Server.SendAsync(HttpMethod.Get, "/fhir/metadata", null);

        Assert.Equal(HttpStatusCode.OK, status);
        using var document = JsonDocument.Parse(body);
        var version = document.RootElement.GetProperty("software").GetProperty("version").GetString()!;
        Assert.DoesNotContain("+", version, StringComparison.Ordinal);
        Assert.Matches(@"^\d+\.\d+\.\d+", version);
    }

    [Fact]
    public async Task ErrorBodies_EchoAtMostAShortPartOfTheInput()
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(Api.WithRequestId(CoverageApp.Sample("cryoablation-prior-auth.json"), Api.NewId()))!.AsObject();
        var value = string.Concat(Enumerable.Range(0, 12).Select(i => $"Z{i:00}-ABCDEF"));
        json["clinical"]!["focality"] = value; // "'…' is not one of unifocal, …"
        json["kind"] = value;

        var (status, body, _) = await Server.SendAsync(HttpMethod.Post, "/api/v1/determinations", SecureServer.Token("coverage/cases.write", SecureServer.UmSystem), json.ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var detail = JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString()!;
        Assert.DoesNotContain(value, body, StringComparison.Ordinal);
        Assert.DoesNotContain(value, detail, StringComparison.Ordinal);
        Assert.True(detail.Contains(value[..InputEcho.MaxValue] + "…", StringComparison.Ordinal), detail);
    }

    [Fact]
    public async Task ABodyReadToItsDeclaredLength_KeepsTheConnectionAlive()
    {
        // The endpoints read a body of known length into one array and stop at its last byte; the body deadline must
        // still count it as read, or every call with a body would close its connection (a new TCP connection per call).
        var (status, _, response) = await Server.SendAsync(HttpMethod.Post, "/api/v1/determinations", SecureServer.Token("coverage/cases.write", SecureServer.UmSystem),
            Api.WithRequestId(CoverageApp.Sample("cryoablation-prior-auth.json"), Api.NewId()));

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.NotEqual(true, response.Headers.ConnectionClose);
    }

    [Fact]
    public async Task CasePage_PostWithoutAHandler_Is400_Not500()
    {
        var caseId = await SecureCases.SubmitPendingReviewAsync(Server);
        var nurse = new WorkbenchClient(Server);
        Assert.Equal(HttpStatusCode.Redirect, (await nurse.SignInAsync(SecureServer.Nurse, SecureServer.NursePassword)).Status);
        var page = $"/workbench/cases/{caseId}";

        Assert.Equal(HttpStatusCode.BadRequest, (await nurse.PostFormAsync(page, new Dictionary<string, string> { ["x"] = "1" })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await nurse.PostFormAsync($"{page}?handler=Nonsense", new Dictionary<string, string>(), formPage: page)).Status);
    }

    [Fact]
    public async Task Queue_HugePageNumber_DoesNotWrapToTheFirstPage()
    {
        var caseId = await SecureCases.SubmitPendingReviewAsync(Server);
        var nurse = new WorkbenchClient(Server);
        Assert.Equal(HttpStatusCode.Redirect, (await nurse.SignInAsync(SecureServer.Nurse, SecureServer.NursePassword)).Status);
        var (_, first, _) = await nurse.GetAsync("/workbench");
        Assert.Contains(caseId, first, StringComparison.Ordinal);

        var (status, huge, _) = await nurse.GetAsync("/workbench?page=2147483647");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain(caseId, huge, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DatabaseAndKeys_AreReadableByTheServersUserOnly()
    {
        if (OperatingSystem.IsWindows()) return; // Unix file modes
        await new WorkbenchClient(Server).GetAsync("/workbench/sign-in"); // makes the first key
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Server.DatabasePath));
        // Created beforehand with its private mode, the file must still be in write-ahead-log mode: in SQLite's
        // rollback-journal mode a reader blocks the writer, and racing submissions were answered 503.
        Assert.Equal("wal", SecureCases.Query(Server, "PRAGMA journal_mode").Single()["journal_mode"]);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Server.KeysFolder));
        var keys = Directory.GetFiles(Server.KeysFolder, "*.xml");
        Assert.NotEmpty(keys);
        foreach (var key in keys) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        // No certificate is configured here: the server says so at start.
        Assert.Contains("DataProtection:CertificatePath is not set", Server.Output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TooLargeBody_Is413_AndIsNotLoggedAsAServerError()
    {
        // Expect: 100-continue, as clients sending large bodies do: the server answers 413 on the headers, and the
        // client does not write a megabyte into a connection the server is closing (a broken pipe, not an answer).
        var (status, _, _) = await Server.SendAsync(HttpMethod.Post, "/api/v1/determinations", SecureServer.Token("coverage/cases.write", SecureServer.UmSystem),
            "{\"x\":\"" + new string('a', 1_100_000) + "\"}", headers: new Dictionary<string, string> { ["Expect"] = "100-continue" });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        await Task.Delay(200);
        var output = Server.Output.ToString();
        Assert.DoesNotContain("BadHttpRequestException", output, StringComparison.Ordinal);
        Assert.DoesNotContain("fail:", output, StringComparison.Ordinal);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values) : throw new Xunit.Sdk.XunitException($"no {name} header on {(int)response.StatusCode} {response.RequestMessage?.RequestUri}");
}

/// <summary>The hardening tests that need settings of their own.</summary>
public sealed class HardeningSettingsTests
{
    [Fact]
    public async Task ForwardedHeaders_FromAnUnconfiguredProxy_AreIgnored()
    {
        await using var server = await SecureServer.StartAsync(s =>
        {
            s.Remove("Security:KnownProxies:0");
            s["RateLimits:AnonymousPerSourcePerMinute"] = "5";
        });

        // A client claiming HTTPS gets no HSTS (the request is plain HTTP) ...
        var (_, _, response) = await server.SendAsync(HttpMethod.Get, "/health", null,
            headers: new Dictionary<string, string> { ["X-Forwarded-Proto"] = "https", ["Host"] = "coverage.payer.test" });
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
        // ... and one claiming a new address for each request is still limited as itself.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
            statuses.Add((await server.SendAsync(HttpMethod.Get, "/health", null, headers: new Dictionary<string, string> { ["X-Forwarded-For"] = $"203.0.113.{i + 1}" })).Status);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }

    [Fact]
    public async Task SlowBody_IsCutByTheBodyDeadline()
    {
        await using var server = await SecureServer.StartAsync(s => s["Limits:RequestBodySeconds"] = "5");
        var token = SecureServer.Token("coverage/cases.write", SecureServer.UmSystem);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /api/v1/determinations HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: 500000\r\n\r\n"));
        var clock = Stopwatch.StartNew();

        // 2,000 bytes a second: above Kestrel's minimum rate, so only the deadline stops it.
        var answer = new StringBuilder();
        var buffer = new byte[4096];
        var chunk = Encoding.ASCII.GetBytes(new string(' ', 200));
        var reading = stream.ReadAsync(buffer).AsTask();
        while (clock.Elapsed < TimeSpan.FromSeconds(40) && !reading.IsCompleted)
        {
            try
            {
                await stream.WriteAsync(chunk);
            }
            catch (IOException)
            {
                break; // the server closed the connection
            }
            await Task.WhenAny(reading, Task.Delay(100));
        }
        var read = await reading.WaitAsync(TimeSpan.FromSeconds(10));
        answer.Append(Encoding.ASCII.GetString(buffer, 0, read));

        Assert.StartsWith("HTTP/1.1 408", answer.ToString(), StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the slow body held the connection {clock.Elapsed.TotalSeconds:0} s");
    }
}
