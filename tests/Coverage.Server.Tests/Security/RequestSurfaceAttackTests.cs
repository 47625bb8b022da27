using System.Net;
using System.Text;
using System.Text.Json;

namespace Coverage.Server.Tests.Security;

/// <summary>
/// An attack script's probes of everything around the token: identity claimed in headers and the query, forwarded
/// host headers from the (trusted) proxy, what error answers reveal in Production and Development, and method and
/// content-type confusion (a cross-site form can send only text/plain, form-urlencoded or multipart bodies).
/// </summary>
public sealed class RequestSurfaceAttackTests
{
    private const string CdsPath = "/cds-services/order-sign";
    private static readonly string OrderSign = Ehr.OrderSign(Ehr.Order("0581T")).ToJsonString();

    private static string Request() => Api.WithRequestId(CoverageApp.Sample("cryoablation-prior-auth.json"), "SURF-" + Guid.NewGuid().ToString("N")[..10]);

    private static async Task<string> CaseOf(SecureServer server, string client)
    {
        var (status, body, _) = await server.SendAsync(HttpMethod.Post, "/api/v1/determinations", SecureServer.Token("coverage/cases.write", client), Request());
        Assert.True(status == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("caseId").GetString()!;
    }

    private static readonly Dictionary<string, string> ClaimedIdentity = new()
    {
        ["X-User"] = SecureServer.Physician,
        ["X-Forwarded-User"] = SecureServer.Physician,
        ["X-Remote-User"] = SecureServer.Physician,
        ["X-Organization"] = SecureServer.OrganisationB,
        ["X-Organisation"] = SecureServer.OrganisationB,
        ["X-Role"] = "physician",
        ["X-Client-Id"] = SecureServer.UmSystem,
    };

    [Fact]
    public async Task IdentityInHeadersOrTheQuery_IsIgnored()
    {
        await using var server = await SecureServer.StartAsync();
        var caseOfB = await CaseOf(server, SecureServer.PortalB);

        // Portal A claiming organisation B (and a physician, and the payer's client) still cannot see B's case ...
        var (read, _, _) = await server.SendAsync(HttpMethod.Get, $"/api/v1/cases/{caseOfB}?organisation={SecureServer.OrganisationB}&client_id={SecureServer.UmSystem}",
            SecureServer.Token("coverage/cases.read", SecureServer.PortalA), headers: ClaimedIdentity);
        Assert.Equal(HttpStatusCode.NotFound, read);

        // ... and a machine client with the decide scope claiming to be the physician still does not decide.
        var decision = JsonSerializer.Serialize(new { lines = new[] { new { sequence = 1, action = "uphold", rationale = "Not medically necessary." } } });
        var (decide, _, _) = await server.SendAsync(HttpMethod.Post, $"/api/v1/cases/{caseOfB}/decisions?reviewer={SecureServer.Physician}",
            SecureServer.Token("coverage/cases.decide", SecureServer.IntakeBot), decision, headers: ClaimedIdentity);
        Assert.Equal(HttpStatusCode.Forbidden, decide);

        // Anonymous with every identity header is still anonymous.
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.SendAsync(HttpMethod.Get, "/api/v1/cases", null, headers: ClaimedIdentity)).Status);
    }

    [Fact]
    public async Task ForwardedHostFromTheTrustedProxy_ChangesNeitherTheCdsAudienceNorFhirLinks()
    {
        // SecureServer lists the test (127.0.0.1) as a trusted proxy: even its forwarded host is not believed.
        await using var server = await SecureServer.StartAsync();
        var forged = new Dictionary<string, string>
        {
            ["X-Forwarded-Host"] = "evil.test",
            ["X-Forwarded-Proto"] = "https",
            ["Forwarded"] = "host=evil.test;proto=https",
            ["X-Original-Host"] = "evil.test",
        };

        var (status, _, _) = await server.SendAsync(HttpMethod.Post, CdsPath, SecureServer.CdsToken("order-sign", audience: $"https://evil.test{CdsPath}"), OrderSign, headers: forged);
        Assert.Equal(HttpStatusCode.Unauthorized, status);

        var (ok, body, _) = await server.SendAsync(HttpMethod.Post, CdsPath, SecureServer.CdsToken("order-sign"), OrderSign, headers: forged);
        Assert.True(ok == HttpStatusCode.OK, body);
        Assert.DoesNotContain("evil.test", body, StringComparison.Ordinal);

        var (_, metadata, _) = await server.SendAsync(HttpMethod.Get, "/fhir/metadata", null, headers: forged);
        Assert.DoesNotContain("evil.test", metadata, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Development")]
    public async Task ErrorAnswers_RevealNoInternals_And401sChallengeForBearer(string environment)
    {
        await using var server = await SecureServer.StartAsync(environment: environment);
        var read = SecureServer.Token("coverage/cases.read", SecureServer.UmSystem);
        var write = SecureServer.Token("coverage/cases.write", SecureServer.UmSystem);
        var big = "{\"x\":\"" + new string('a', 1_100_000) + "\"}";
        var probes = new (string Name, HttpMethod Method, string Path, string? Token, string? Body, string ContentType, HttpStatusCode Expected)[]
        {
            ("no token", HttpMethod.Get, "/api/v1/cases", null, null, "application/json", HttpStatusCode.Unauthorized),
            ("bad token", HttpMethod.Get, "/api/v1/cases", "x.y.z", null, "application/json", HttpStatusCode.Unauthorized),
            ("fhir no token", HttpMethod.Post, "/fhir/Claim/$submit", null, "{}", "application/fhir+json", HttpStatusCode.Unauthorized),
            ("no scope", HttpMethod.Post, "/api/v1/determinations", read, Request(), "application/json", HttpStatusCode.Forbidden),
            ("fhir no scope", HttpMethod.Post, "/fhir/Claim/$submit", read, "{}", "application/fhir+json", HttpStatusCode.Forbidden),
            ("no route", HttpMethod.Get, "/api/v1/nothing/../../etc/passwd", read, null, "application/json", HttpStatusCode.NotFound),
            ("no case", HttpMethod.Get, $"/api/v1/cases/{Guid.NewGuid()}", read, null, "application/json", HttpStatusCode.NotFound),
            ("fhir no route", HttpMethod.Get, "/fhir/Patient/1", read, null, "application/json", HttpStatusCode.NotFound),
            ("wrong method", HttpMethod.Get, "/api/v1/determinations", write, null, "application/json", HttpStatusCode.MethodNotAllowed),
            ("wrong method with a body", HttpMethod.Put, "/api/v1/determinations", write, Request(), "application/json", HttpStatusCode.MethodNotAllowed),
            ("too large", HttpMethod.Post, "/api/v1/determinations", write, big, "application/json", HttpStatusCode.RequestEntityTooLarge),
            ("text/plain", HttpMethod.Post, "/api/v1/determinations", write, Request(), "text/plain", HttpStatusCode.UnsupportedMediaType),
            ("bad json", HttpMethod.Post, "/api/v1/determinations", write, "{\"requestId\": [}", "application/json", HttpStatusCode.BadRequest),
        };

        var leaks = new List<string>();
        foreach (var (name, method, path, token, body, contentType, expected) in probes)
        {
            var (status, text, response) = await server.SendAsync(method, path, token, body, contentType);
            if (status != expected) leaks.Add($"{name}: {(int)status}, expected {(int)expected}");
            foreach (var secret in new[] { "   at ", "Exception", ".cs:line", "/work/", "/home/", "/tmp/", "SELECT ", "Sqlite", "Npgsql", "Microsoft.", "System." })
                if (text.Contains(secret, StringComparison.OrdinalIgnoreCase)) leaks.Add($"{name}: the body says '{secret}': {text[..Math.Min(text.Length, 300)]}");
            if (status == HttpStatusCode.Unauthorized && !response.Headers.WwwAuthenticate.ToString().StartsWith("Bearer", StringComparison.Ordinal))
                leaks.Add($"{name}: WWW-Authenticate '{response.Headers.WwwAuthenticate}'");
            if (status == HttpStatusCode.Unauthorized && environment == "Production" && response.Headers.WwwAuthenticate.ToString().Contains("error_description", StringComparison.Ordinal))
                leaks.Add($"{name}: the challenge explains itself in Production");
        }

        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
    }

    [Fact]
    public async Task MethodOverridesAndCrossSiteContentTypes_AreRefused()
    {
        await using var server = await SecureServer.StartAsync();
        var write = SecureServer.Token("coverage/cases.write coverage/cases.read system/Claim.c", SecureServer.UmSystem);
        var problems = new List<string>();

        // A GET carrying a body, and POSTs asking to be something else, are what they are.
        using (var get = new HttpRequestMessage(HttpMethod.Get, "/api/v1/determinations") { Content = new StringContent(Request(), Encoding.UTF8, "application/json") })
        {
            get.Headers.Authorization = new("Bearer", write);
            using var response = await server.Http.SendAsync(get);
            if (response.StatusCode != HttpStatusCode.MethodNotAllowed) problems.Add($"GET with a body on determinations: {(int)response.StatusCode}");
        }
        foreach (var header in new[] { "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override" })
        {
            var (status, _, _) = await server.SendAsync(HttpMethod.Post, "/api/v1/cases", write, "{}", headers: new Dictionary<string, string> { [header] = "GET" });
            if (status != HttpStatusCode.MethodNotAllowed) problems.Add($"POST /api/v1/cases with {header}: GET: {(int)status}");
            var (put, _, _) = await server.SendAsync(HttpMethod.Post, "/fhir/Subscription/x", write, "{}", "application/fhir+json", new Dictionary<string, string> { [header] = "DELETE" });
            if (put != HttpStatusCode.MethodNotAllowed) problems.Add($"POST /fhir/Subscription/x with {header}: DELETE: {(int)put}");
        }
        var (query, _, _) = await server.SendAsync(HttpMethod.Post, "/api/v1/cases?_method=GET&X-HTTP-Method-Override=GET", write, "{}");
        if (query != HttpStatusCode.MethodNotAllowed) problems.Add($"POST /api/v1/cases?_method=GET: {(int)query}");

        // What a cross-site form can send is refused on every JSON endpoint.
        foreach (var contentType in new[] { "text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "text/plain; charset=application/json" })
        {
            foreach (var (path, body) in new[] { ("/api/v1/determinations", Request()), ($"/api/v1/cases/{Guid.NewGuid()}/information", "{}"), ("/fhir/Claim/$submit", "{}") })
            {
                using var content = new StringContent(body, Encoding.UTF8);
                content.Headers.Remove("Content-Type");
                content.Headers.TryAddWithoutValidation("Content-Type", contentType);
                using var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
                message.Headers.Authorization = new("Bearer", write);
                using var response = await server.Http.SendAsync(message);
                if (response.StatusCode != HttpStatusCode.UnsupportedMediaType) problems.Add($"{contentType} on {path}: {(int)response.StatusCode}");
            }
            var (cds, _, _) = await server.SendAsync(HttpMethod.Post, CdsPath, SecureServer.CdsToken("order-sign"), OrderSign, contentType.Split(';')[0]);
            if (cds != HttpStatusCode.UnsupportedMediaType) problems.Add($"{contentType} on {CdsPath}: {(int)cds}");
        }

        // A body in another charset than it says is not read as something else.
        var utf16 = new StringContent(Request(), Encoding.Unicode, "application/json");
        using (var message = new HttpRequestMessage(HttpMethod.Post, "/api/v1/determinations") { Content = utf16 })
        {
            message.Headers.Authorization = new("Bearer", write);
            using var response = await server.Http.SendAsync(message);
            if (response.StatusCode is not (HttpStatusCode.BadRequest or HttpStatusCode.UnsupportedMediaType)) problems.Add($"UTF-16 body: {(int)response.StatusCode}");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
