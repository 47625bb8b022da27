using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Coverage.Fhir;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Claim = System.Security.Claims.Claim;
using Task = System.Threading.Tasks.Task;

namespace Coverage.Server.Tests;

/// <summary>OAuth 2.0 bearer tokens with scopes on the REST API and the FHIR endpoints: 401 without a token, 403 without the scope.</summary>
public sealed class ApiAuthenticationTests : IClassFixture<SqliteStorage>, IDisposable
{
    private const string Issuer = "https://auth.payer.test";
    private const string Audience = "https://coverage.payer.test";
    private static readonly RSA Key = RSA.Create(2048);
    private readonly CoverageApp _app;
    private readonly HttpClient _client;

    public ApiAuthenticationTests(SqliteStorage storage)
    {
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(Key.ExportParameters(false)) { KeyId = "k1" });
        _app = new CoverageApp(storage, new FakeTimeProvider(DateTimeOffset.UtcNow), builder =>
        {
            builder.UseSetting("Api:Authentication:Enabled", "true");
            builder.UseSetting("Api:Authentication:Issuers:0:Issuer", Issuer);
            builder.UseSetting("Api:Authentication:Issuers:0:Audience", Audience);
            builder.UseSetting("Api:Authentication:Issuers:0:Jwks", $$"""{"keys":[{"kty":"RSA","kid":"k1","use":"sig","n":"{{jwk.N}}","e":"{{jwk.E}}"}]}""");
            builder.UseSetting("Api:Authentication:Clients:0:Issuer", Issuer);
            builder.UseSetting("Api:Authentication:Clients:0:ClientId", "um-system-1");
            builder.UseSetting("Api:Authentication:Clients:0:Organisation", "payer");
            builder.UseSetting("Api:Authentication:Clients:0:Access", "payer");
            builder.UseSetting("Api:Authentication:People:0:Issuer", Issuer);
            builder.UseSetting("Api:Authentication:People:0:Subject", "dr-kim");
            builder.UseSetting("Api:Authentication:People:0:Id", "dr-kim");
            builder.UseSetting("Api:Authentication:People:0:Name", "Dr. Ana Kim");
            builder.UseSetting("Api:Authentication:People:0:Role", "physician");
        });
        _client = _app.CreateClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
    }

    private static string Token(string scope, string issuer = Issuer, string audience = Audience, TimeSpan? lifetime = null, RSA? key = null, string? subject = null) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Expires = DateTime.UtcNow + (lifetime ?? TimeSpan.FromMinutes(5)),
            NotBefore = DateTime.UtcNow.AddMinutes(-10),
            IssuedAt = DateTime.UtcNow.AddMinutes(-10),
            Subject = new ClaimsIdentity([new Claim("client_id", subject is null ? "um-system-1" : "review-app"), new Claim("scope", scope), new Claim("sub", subject ?? "um-system-1")]),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key ?? Key) { KeyId = "k1" }, SecurityAlgorithms.RsaSha256),
        });

    private async Task<(HttpStatusCode Status, string Body)> Send(HttpMethod method, string url, string? token, string? json = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, url);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, contentType);
        using var response = await _client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string Request() => Api.WithRequestId(CoverageApp.Sample("cryoablation-prior-auth.json"), Api.NewId());

    [Fact]
    public async Task Anonymous_Is401OnEveryProtectedEndpoint()
    {
        var caseId = Guid.NewGuid();
        foreach (var (method, url, body) in new (HttpMethod, string, string?)[]
        {
            (HttpMethod.Post, "/api/v1/determinations", Request()),
            (HttpMethod.Get, "/api/v1/cases", null),
            (HttpMethod.Get, $"/api/v1/cases/{caseId}", null),
            (HttpMethod.Post, $"/api/v1/cases/{caseId}/decisions", "{}"),
            (HttpMethod.Post, $"/api/v1/cases/{caseId}/information", "{}"),
            (HttpMethod.Get, $"/api/v1/cases/{caseId}/audit", null),
            (HttpMethod.Post, "/fhir/Claim/$submit", "{}"),
            (HttpMethod.Post, "/fhir/Claim/$inquire", "{}"),
            (HttpMethod.Get, "/fhir/AuditEvent", null),
        })
        {
            var (status, _) = await Send(method, url, null, body);
            Assert.True(status == HttpStatusCode.Unauthorized, $"{method} {url}: {status}");
        }
    }

    [Theory]
    [InlineData("wrong-issuer")]
    [InlineData("wrong-audience")]
    [InlineData("expired")]
    [InlineData("wrong-key")]
    public async Task InvalidToken_Is401(string what)
    {
        var token = what switch
        {
            "wrong-issuer" => Token(ApiScopesRead, issuer: "https://intruder.test"),
            "wrong-audience" => Token(ApiScopesRead, audience: "https://other.test"),
            "expired" => Token(ApiScopesRead, lifetime: TimeSpan.FromMinutes(-5)),
            _ => Token(ApiScopesRead, key: RSA.Create(2048)),
        };

        var (status, _) = await Send(HttpMethod.Get, "/api/v1/cases", token);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    private const string ApiScopesRead = "coverage/cases.read";

    [Fact]
    public async Task TokenWithoutTheScope_Is403()
    {
        var readOnly = Token("coverage/cases.read");

        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Post, "/api/v1/determinations", readOnly, Request())).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Get, $"/api/v1/cases/{Guid.NewGuid()}/audit", readOnly)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Post, $"/api/v1/cases/{Guid.NewGuid()}/decisions", readOnly, "{}")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Post, "/fhir/Claim/$submit", readOnly, "{}", "application/fhir+json")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Get, "/api/v1/cases", Token("system/Claim.c"))).Status);
    }

    [Fact]
    public async Task TokensWithTheScopes_WorkAndTheClientIsTheAuditedActor()
    {
        var (created, body) = await Send(HttpMethod.Post, "/api/v1/determinations", Token("coverage/cases.write"), Request());
        Assert.Equal(HttpStatusCode.Created, created);
        var caseId = System.Text.Json.JsonDocument.Parse(body).RootElement.Str("caseId");

        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, $"/api/v1/cases/{caseId}", Token("coverage/cases.read"))).Status);
        var decision = Api.Decision((1, "uphold", "Not medically necessary under policy 0540."));
        // A client's own token cannot decide; the physician's user-context token can, in the physician's name.
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Post, $"/api/v1/cases/{caseId}/decisions", Token("coverage/cases.decide"), decision)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Post, $"/api/v1/cases/{caseId}/decisions", Token("coverage/cases.decide", subject: "dr-kim"), decision)).Status);

        var (auditStatus, audit) = await Send(HttpMethod.Get, $"/api/v1/cases/{caseId}/audit", Token("coverage/audit.read"));
        Assert.Equal(HttpStatusCode.OK, auditStatus);
        var events = System.Text.Json.JsonDocument.Parse(audit).RootElement.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal("um-system-1", events.First(e => e.Str("action") == "case-created").Str("actor"));
        Assert.Equal("api-client", events.First(e => e.Str("action") == "case-read").Str("actorRole"));
    }

    [Fact]
    public async Task Pas_NeedsClaimScopes()
    {
        var bundle = CoverageApp.Sample("pas-submit-bundle.json").Replace("PA-20260504-0001", Api.NewId(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Post, "/fhir/Claim/$submit", Token("system/Claim.c"), bundle, "application/fhir+json")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Post, "/fhir/Claim/$inquire", Token("system/ClaimResponse.r"), bundle, "application/fhir+json")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Post, "/fhir/Claim/$inquire", Token("system/Claim.c"), bundle, "application/fhir+json")).Status);
    }

    [Fact]
    public async Task AuditEvents_AreFhirAuditEventsForTheAuditorOnly()
    {
        var (_, body) = await Send(HttpMethod.Post, "/api/v1/determinations", Token("coverage/cases.write"), Request());
        var caseId = System.Text.Json.JsonDocument.Parse(body).RootElement.Str("caseId");
        await Send(HttpMethod.Get, $"/api/v1/cases/{caseId}", Token("coverage/cases.read"));

        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Get, $"/fhir/AuditEvent?entity={caseId}", Token("coverage/cases.read"))).Status);
        var (status, json) = await Send(HttpMethod.Get, $"/fhir/AuditEvent?entity={caseId}", Token("coverage/audit.read"));

        Assert.Equal(HttpStatusCode.OK, status);
        var bundle = FhirJson.Parse<Bundle>(json, out _)!;
        FhirValidation.AssertValid(bundle);
        var events = bundle.Entry.Select(e => Assert.IsType<AuditEvent>(e.Resource)).ToList();
        Assert.Equal(2, events.Count);
        foreach (var audit in events) FhirValidation.AssertValid(audit);
        var created = events.Single(e => e.Action == AuditEvent.AuditEventAction.C);
        Assert.Equal("rest", created.Type.Code);
        Assert.Equal("create", created.Subtype[0].Code);
        Assert.Equal("um-system-1", created.Agent.Single().Who!.Identifier!.Value);
        Assert.EndsWith($"/api/v1/cases/{caseId}", created.Entity.Single().What!.Reference, StringComparison.Ordinal);
        Assert.Contains(events, e => e.Action == AuditEvent.AuditEventAction.R);
    }

    [Fact]
    public async Task PublicEndpoints_NeedNoToken()
    {
        foreach (var url in new[] { "/health", "/fhir/metadata", "/policies/0540", "/cds-services", "/openapi/v1.json" })
        {
            using var response = await _client.GetAsync(new Uri(url, UriKind.Relative));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {response.StatusCode}");
        }
    }
}
