using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Coverage.Server.CdsHooks;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Coverage.Server.Tests;

/// <summary>
/// Issue 16, CRD item 13: the Inferno CRD kit signs one JWT and posts every body of an input with it
/// (davinci-crd-test-kit lib/davinci_crd_test_kit/server_tests/service_call_test.rb). Replay protection stays on by
/// default — the second call is refused — and the per-issuer option an operator running the kit sets,
/// CdsHooks:Authentication:Issuers:N:AllowTokenReuse, lets that issuer's token serve several calls within its lifetime.
/// </summary>
public sealed class CrdKitTokenReuseTests : IClassFixture<SqliteStorage>, IDisposable
{
    private const string Guarded = "https://ehr.test";
    private const string Kit = "https://inferno.test";

    private static readonly RSA Key = RSA.Create(2048);
    private readonly CoverageApp _app;
    private readonly HttpClient _client;

    public CrdKitTokenReuseTests(SqliteStorage storage)
    {
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(Key.ExportParameters(false)) { KeyId = "kit-key" });
        var jwks = $$"""{"keys":[{"kty":"RSA","kid":"{{jwk.Kid}}","use":"sig","alg":"RS384","n":"{{jwk.N}}","e":"{{jwk.E}}"}]}""";
        _app = new CoverageApp(storage, new FakeTimeProvider(DateTimeOffset.UtcNow), builder =>
        {
            builder.UseSetting("CdsHooks:Authentication:Enabled", "true");
            builder.UseSetting("CdsHooks:Authentication:Issuers:0:Issuer", Guarded);
            builder.UseSetting("CdsHooks:Authentication:Issuers:0:Jwks", jwks);
            builder.UseSetting("CdsHooks:Authentication:Issuers:1:Issuer", Kit);
            builder.UseSetting("CdsHooks:Authentication:Issuers:1:Jwks", jwks);
            builder.UseSetting("CdsHooks:Authentication:Issuers:1:AllowTokenReuse", "true");
        });
        _client = _app.CreateClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
    }

    private string Token(string issuer, string audience = "http://localhost/cds-services/order-sign")
    {
        var now = _app.Clock.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now,
            NotBefore = now.AddSeconds(-5),
            Expires = now.AddMinutes(4),
            Subject = new ClaimsIdentity([new Claim("jti", Guid.NewGuid().ToString())]),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(Key) { KeyId = "kit-key" }, SecurityAlgorithms.RsaSha384),
        });
    }

    private async Task<HttpStatusCode> Call(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/cds-services/order-sign")
        {
            Content = new StringContent(Ehr.OrderSign(Ehr.Order("0581T")).ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await _client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>
    /// The kit's crd_discovery_endpoint_test, with its "authentication required" input: GET /cds-services with a token of
    /// audience the discovery URL, answered 200 with JSON (discovery needs no token; one sent is not refused).
    /// </summary>
    [Fact]
    public async Task Discovery_WithTheKitsToken_Is200()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/cds-services");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token(Kit, "http://localhost/cds-services"));
        request.Headers.Accept.ParseAdd("application/json");
        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEmpty(System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("services").EnumerateArray());
    }

    [Fact]
    public void TheOption_IsOffByDefault()
    {
        Assert.False(new CdsClientIssuer().AllowTokenReuse);
    }

    [Fact]
    public async Task OneTokenForTwoBodies_IsRefusedTheSecondTime_ByDefault()
    {
        var token = Token(Guarded);

        Assert.Equal(HttpStatusCode.OK, await Call(token));
        Assert.Equal(HttpStatusCode.Unauthorized, await Call(token));
    }

    [Fact]
    public async Task OneTokenForTwoBodies_IsAcceptedBoth_ForAnIssuerAllowedToReuseTokens()
    {
        var token = Token(Kit);

        Assert.Equal(HttpStatusCode.OK, await Call(token));
        Assert.Equal(HttpStatusCode.OK, await Call(token));
    }
}
