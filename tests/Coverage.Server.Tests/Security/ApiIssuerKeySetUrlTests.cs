using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using Coverage.Server.Security;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Coverage.Server.Tests.Security;

/// <summary>
/// An API token issuer that publishes its JWK Set at a URL (<c>Api:Authentication:Issuers:N:JwksUri</c>, an
/// authorization server's <c>jwks_uri</c>): its tokens are checked with the keys fetched from there, the set kept
/// between calls, fetched again when the issuer signs with a key it has just published, and a set that cannot be had
/// makes the token a 401, never the call a 500.
/// </summary>
public sealed class ApiIssuerKeySetUrlTests : IClassFixture<SqliteStorage>, IDisposable
{
    private const string Issuer = "https://login.payer.test";
    private const string Audience = "https://coverage.test";
    private const string KeySetUrl = "https://login.payer.test/oauth2/v1/keys";

    private static readonly RSA FirstKey = RSA.Create(2048);
    private static readonly RSA RotatedKey = RSA.Create(2048);
    private static readonly RSA AttackerKey = RSA.Create(2048);

    private readonly FakeJwksServer _keyServer = new(KeySetUrl, TestJwks.Of((FirstKey, "first")));
    private readonly CoverageApp _app;
    private readonly HttpClient _client;

    public ApiIssuerKeySetUrlTests(SqliteStorage storage)
    {
        _app = new CoverageApp(storage, new FakeTimeProvider(DateTimeOffset.UtcNow), builder =>
        {
            builder.UseSetting("Api:Authentication:Enabled", "true");
            builder.UseSetting("Api:Authentication:Issuers:0:Issuer", Issuer);
            builder.UseSetting("Api:Authentication:Issuers:0:Audience", Audience);
            builder.UseSetting("Api:Authentication:Issuers:0:JwksUri", KeySetUrl);
            builder.UseSetting("Api:Authentication:Clients:0:Issuer", Issuer);
            builder.UseSetting("Api:Authentication:Clients:0:ClientId", "um-system");
            builder.UseSetting("Api:Authentication:Clients:0:Organisation", "payer");
            builder.UseSetting("Api:Authentication:Clients:0:Access", "payer");
            builder.ConfigureTestServices(services =>
                services.AddHttpClient(KeySetClients.ApiIssuers).ConfigurePrimaryHttpMessageHandler(() => _keyServer));
        });
        _client = _app.CreateClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
    }

    private int Fetches => _keyServer.Requested.Count(u => u == KeySetUrl);

    [Fact]
    public async Task TokensSignedWithAPublishedKey_AreAccepted_AndTheSetIsFetchedOnce()
    {
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, await ListCasesAsync(Token(FirstKey, "first")));

        Assert.Equal(1, Fetches);
    }

    [Fact]
    public async Task AKeyTheIssuerRotatedIn_IsFetchedWhenATokenNamesIt()
    {
        Assert.Equal(HttpStatusCode.OK, await ListCasesAsync(Token(FirstKey, "first")));
        _keyServer.Jwks = TestJwks.Of((FirstKey, "first"), (RotatedKey, "rotated"));
        // Not asked again within 30 s of the last fetch (a token's key id is the caller's text): then it is.
        _app.Clock.Advance(KeySetCache.RetryInterval);

        Assert.Equal(HttpStatusCode.OK, await ListCasesAsync(Token(RotatedKey, "rotated")));
        Assert.Equal(2, Fetches);
    }

    [Fact]
    public async Task ATokenClaimingTheIssuer_SignedWithAnotherKey_Is401()
    {
        // The attacker's key under the issuer's own key id, and under a key id the set does not have.
        Assert.Equal(HttpStatusCode.Unauthorized, await ListCasesAsync(Token(AttackerKey, "first")));
        Assert.Equal(HttpStatusCode.Unauthorized, await ListCasesAsync(Token(AttackerKey, "attacker")));
        Assert.Equal(HttpStatusCode.OK, await ListCasesAsync(Token(FirstKey, "first")));
    }

    [Theory]
    [InlineData("down")]
    [InlineData("not a key set")]
    public async Task AKeySetThatCannotBeHad_MakesTheToken401_NotTheCallA500(string what)
    {
        if (what == "down") _keyServer.Failing = true;
        else _keyServer.Jwks = "<html>maintenance</html>";

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/cases");
        request.Headers.Authorization = new("Bearer", Token(FirstKey, "first"));
        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJpc3MiOiJodHRwczovL2xvZ2luLnBheWVyLnRlc3QifQ.")] // alg none, the issuer's iss
    [InlineData("eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d")] // a JWE: nothing readable before decryption
    public async Task TextThatIsNoSignedTokenOfTheIssuer_Is401_NotA500(string token) =>
        Assert.Equal(HttpStatusCode.Unauthorized, await ListCasesAsync(token));

    [Fact]
    public async Task AKeyServerDownAfterASetWasFetched_StillServesTheSetItHad()
    {
        Assert.Equal(HttpStatusCode.OK, await ListCasesAsync(Token(FirstKey, "first")));
        _keyServer.Failing = true;
        _app.Clock.Advance(KeySetCache.Lifetime + TimeSpan.FromMinutes(1)); // the set is stale: asked again, and that fails

        Assert.Equal(HttpStatusCode.OK, await ListCasesAsync(Token(FirstKey, "first")));
        Assert.Equal(2, Fetches);
    }

    [Theory]
    [InlineData(null, null, "not neither")]
    [InlineData("inline", KeySetUrl, "not both")]
    [InlineData(null, "http://login.payer.test/keys", "must be https")]
    [InlineData(null, "keys.json", "is not an absolute URL")]
    [InlineData("{\"keys\": 1}", null, "Jwks is not a JWK Set")]
    [InlineData("{\"keys\": []}", null, "Jwks holds no signing key")]
    public void AnIssuerWithoutOneUsableKeySource_IsAConfigurationProblem(string? jwks, string? jwksUri, string expected)
    {
        var options = new ApiAuthenticationOptions
        {
            Issuers = [new ApiTokenIssuer { Issuer = Issuer, Audience = Audience, Jwks = jwks == "inline" ? TestJwks.Of((FirstKey, "first")) : jwks, JwksUri = jwksUri }],
        };

        Assert.Contains(ApiAuthenticationValidation.Problems(options), p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("https://login.payer.test/keys")]
    [InlineData("http://127.0.0.1:8080/keys")]
    [InlineData("http://localhost/keys")]
    public void AnHttpsKeySetUrl_OrHttpToThisMachine_IsAccepted(string url)
    {
        var options = new ApiAuthenticationOptions { Issuers = [new ApiTokenIssuer { Issuer = Issuer, Audience = Audience, JwksUri = url }] };

        Assert.Empty(ApiAuthenticationValidation.Problems(options));
    }

    private async Task<HttpStatusCode> ListCasesAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/cases");
        request.Headers.Authorization = new("Bearer", token);
        using var response = await _client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>An access token of the issuer for this server, by the real clock (the server checks lifetimes against it).</summary>
    private static string Token(RSA key, string keyId) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = Audience,
        IssuedAt = DateTime.UtcNow.AddMinutes(-1),
        NotBefore = DateTime.UtcNow.AddMinutes(-1),
        Expires = DateTime.UtcNow.AddMinutes(10),
        Subject = new ClaimsIdentity([new Claim("client_id", "um-system"), new Claim("scope", "coverage/cases.read"), new Claim("sub", "um-system"),
            new Claim("jti", Guid.NewGuid().ToString())]), // each token its own text: none is answered from the remembered valid tokens
        SigningCredentials = new SigningCredentials(new RsaSecurityKey(key) { KeyId = keyId }, SecurityAlgorithms.RsaSha256),
    });
}
