using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Coverage.Server.Tests;

/// <summary>CDS Hooks 2.0 client authentication: only a well-formed, signed, fresh, unreplayed JWT from a known issuer passes.</summary>
public sealed class CdsHooksAuthenticationTests : IClassFixture<SqliteStorage>, IDisposable
{
    private const string Issuer = "https://ehr.test";
    private const string Audience = "http://localhost/cds-services/order-sign";
    private const string AllowedJku = "https://ehr.test/.well-known/jwks.json";

    private static readonly RSA ClientKey = RSA.Create(2048);
    private static readonly RSA OtherKey = RSA.Create(2048);
    private readonly RsaSecurityKey _signingKey = new(ClientKey) { KeyId = "client-key-1" };
    private readonly FakeJwksServer _jwks;
    private readonly CoverageApp _app;
    private readonly HttpClient _client;

    public CdsHooksAuthenticationTests(SqliteStorage storage)
    {
        var publicJwks = Jwks(new RsaSecurityKey(ClientKey.ExportParameters(false)) { KeyId = "client-key-1" });
        _jwks = new FakeJwksServer(AllowedJku, publicJwks);
        // The clock of the tokens is the real one: the server checks exp against its own TimeProvider.
        _app = new CoverageApp(storage, new FakeTimeProvider(DateTimeOffset.UtcNow), builder =>
        {
            builder.UseSetting("CdsHooks:Authentication:Enabled", "true");
            builder.UseSetting("CdsHooks:Authentication:Issuers:0:Issuer", Issuer);
            builder.UseSetting("CdsHooks:Authentication:Issuers:0:Jwks", publicJwks);
            builder.UseSetting("CdsHooks:Authentication:Issuers:0:AllowedJku:0", AllowedJku);
            builder.UseSetting("CdsHooks:Authentication:Issuers:1:Issuer", "https://jku-only.test");
            builder.UseSetting("CdsHooks:Authentication:Issuers:1:AllowedJku:0", AllowedJku);
            builder.ConfigureTestServices(services => services.AddHttpClient("cds-jwks").ConfigurePrimaryHttpMessageHandler(() => _jwks));
        });
        _client = _app.CreateClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
    }

    private string Token(
        string? issuer = Issuer, string audience = Audience, TimeSpan? lifetime = null, string? jti = null,
        SigningCredentials? credentials = null, IDictionary<string, object>? header = null, DateTime? expires = null, DateTime? notBefore = null)
    {
        var now = _app.Clock.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = notBefore ?? now,
            NotBefore = notBefore ?? now.AddSeconds(-5),
            Expires = expires ?? now + (lifetime ?? TimeSpan.FromMinutes(4)),
            Subject = new ClaimsIdentity([new Claim("jti", jti ?? Guid.NewGuid().ToString())]),
            SigningCredentials = credentials ?? new SigningCredentials(_signingKey, SecurityAlgorithms.RsaSha384),
            AdditionalHeaderClaims = header,
        });
    }

    private async Task<HttpStatusCode> Call(string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/cds-services/order-sign")
        {
            Content = new StringContent(Ehr.OrderSign(Ehr.Order("0581T")).ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (token is not null) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await _client.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            Assert.Contains("OperationOutcome", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }
        return response.StatusCode;
    }

    private async Task<HttpStatusCode> Feedback(string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/cds-services/order-sign/feedback")
        {
            Content = new StringContent(
                $"{{\"feedback\":[{{\"card\":\"{Guid.NewGuid()}\",\"outcome\":\"accepted\",\"outcomeTimestamp\":\"2026-11-25T09:30:00Z\"}}]}}",
                Encoding.UTF8, "application/json"),
        };
        if (token is not null) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await _client.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task Feedback_IsAuthenticatedAsTheServiceIs_ItsTokenSingleUse()
    {
        // The feedback endpoint is part of the service: its JWT's aud is the service's URL, and its jti is spent.
        var token = Token();

        Assert.Equal(HttpStatusCode.Unauthorized, await Feedback(null));
        Assert.Equal(HttpStatusCode.Unauthorized, await Feedback(Token(audience: "http://localhost/cds-services/order-select")));
        Assert.Equal(HttpStatusCode.OK, await Feedback(token));
        Assert.Equal(HttpStatusCode.Unauthorized, await Feedback(token));
    }

    [Fact]
    public async Task GoodToken_Passes() => Assert.Equal(HttpStatusCode.OK, await Call(Token()));

    [Fact]
    public async Task NoToken_Is401() => Assert.Equal(HttpStatusCode.Unauthorized, await Call(null));

    [Fact]
    public async Task WrongAudience_Is401() =>
        Assert.Equal(HttpStatusCode.Unauthorized, await Call(Token(audience: "http://localhost/cds-services/order-select")));

    [Fact]
    public async Task ExpiredToken_Is401() =>
        Assert.Equal(HttpStatusCode.Unauthorized, await Call(Token(expires: _app.Clock.GetUtcNow().UtcDateTime.AddMinutes(-5))));

    [Fact]
    public async Task TokenLivingLongerThanFiveMinutes_Is401() =>
        Assert.Equal(HttpStatusCode.Unauthorized, await Call(Token(lifetime: TimeSpan.FromHours(1))));

    [Fact]
    public async Task UnknownIssuer_Is401() => Assert.Equal(HttpStatusCode.Unauthorized, await Call(Token(issuer: "https://intruder.test")));

    [Fact]
    public async Task AlgNone_Is401()
    {
        static string Part(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));
        var exp = _app.Clock.GetUtcNow().AddMinutes(4).ToUnixTimeSeconds();
        var unsigned = Part("""{"alg":"none","typ":"JWT"}""") + "." +
            Part($$"""{"iss":"{{Issuer}}","aud":"{{Audience}}","exp":{{exp}},"jti":"{{Guid.NewGuid()}}"}""") + ".";

        Assert.Equal(HttpStatusCode.Unauthorized, await Call(unsigned));
    }

    [Fact]
    public async Task HmacToken_Is401()
    {
        var shared = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32));

        Assert.Equal(HttpStatusCode.Unauthorized, await Call(Token(credentials: new SigningCredentials(shared, SecurityAlgorithms.HmacSha256))));
    }

    [Fact]
    public async Task TokenSignedWithAnotherKey_Is401()
    {
        var other = new RsaSecurityKey(OtherKey) { KeyId = "client-key-1" };

        Assert.Equal(HttpStatusCode.Unauthorized, await Call(Token(credentials: new SigningCredentials(other, SecurityAlgorithms.RsaSha384))));
    }

    [Fact]
    public async Task ReusedJti_Is401()
    {
        var jti = Guid.NewGuid().ToString();

        Assert.Equal(HttpStatusCode.OK, await Call(Token(jti: jti)));
        Assert.Equal(HttpStatusCode.Unauthorized, await Call(Token(jti: jti)));
    }

    [Fact]
    public async Task TokenPastItsExpWithinTheSkew_IsAcceptedOnce_AndStillNotReplayableAfterTheExpiredIdsAreForgotten()
    {
        // exp 10 s ago: accepted for the 60 s of clock skew, so its id must be remembered that long too.
        var now = _app.Clock.GetUtcNow().UtcDateTime;
        var token = Token(expires: now.AddSeconds(-10), notBefore: now.AddMinutes(-2));
        Assert.Equal(HttpStatusCode.OK, await Call(token));

        // 35 s later the token is still within exp + skew. The journal's periodic cleanup of used ids (due every
        // 30 s, run by the writer after a transaction) is made to run by another call, before the replay.
        _app.Clock.Advance(TimeSpan.FromSeconds(35));
        Assert.Equal(HttpStatusCode.OK, await Call(Token()));

        Assert.Equal(HttpStatusCode.Unauthorized, await Call(token));
    }

    [Fact]
    public async Task Refusal_InDevelopment_SaysWhy()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/cds-services/order-sign")
        {
            Content = new StringContent(Ehr.OrderSign(Ehr.Order("0581T")).ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token(issuer: "https://intruder.test"));

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("issuer 'https://intruder.test' is not on the allow-list", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SameJti_ConcurrentCalls_ExactlyOneAccepted()
    {
        // The token's use is committed with the call's audit event: of calls racing with one token, one wins.
        var token = Token();

        var statuses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Call(token)));

        Assert.Single(statuses, s => s == HttpStatusCode.OK);
        Assert.All(statuses.Where(s => s != HttpStatusCode.OK), s => Assert.Equal(HttpStatusCode.Unauthorized, s));
    }

    [Fact]
    public async Task AllowedJku_KeysAreFetchedFromIt()
    {
        var token = Token(issuer: "https://jku-only.test", header: new Dictionary<string, object> { ["jku"] = AllowedJku });

        Assert.Equal(HttpStatusCode.OK, await Call(token));
        Assert.Contains(AllowedJku, _jwks.Requested);
    }

    private string JkuToken(RsaSecurityKey? key = null) => Token(
        issuer: "https://jku-only.test", header: new Dictionary<string, object> { ["jku"] = AllowedJku },
        credentials: key is null ? null : new SigningCredentials(key, SecurityAlgorithms.RsaSha384));

    private int Fetches => _jwks.Requested.Count(u => u == AllowedJku);

    [Fact]
    public async Task CallsArrivingTogether_FetchTheKeySetOnce()
    {
        _jwks.Delay = TimeSpan.FromMilliseconds(300);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Call(JkuToken())));

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(1, Fetches);
    }

    [Fact]
    public async Task AKeyTheSetDidNotHave_IsFetchedAtOnce_SoAnEhrCanRotateItsKeys_ButNotAgainWithinThirtySeconds()
    {
        Assert.Equal(HttpStatusCode.OK, await Call(JkuToken()));
        // The EHR publishes its next key beside the old one and signs with it, minutes before the set would expire.
        _app.Clock.Advance(TimeSpan.FromMinutes(2));
        var next = new RsaSecurityKey(OtherKey) { KeyId = "client-key-2" };
        _jwks.Jwks = $$"""{"keys":[{{Key(ClientKey, "client-key-1")}},{{Key(OtherKey, "client-key-2")}}]}""";

        Assert.Equal(HttpStatusCode.OK, await Call(JkuToken(next)));
        Assert.Equal(2, Fetches);

        // A key id no set has (the caller's text) makes no fetch within thirty seconds of the last.
        var unknown = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "client-key-3" };
        Assert.Equal(HttpStatusCode.Unauthorized, await Call(JkuToken(unknown)));
        Assert.Equal(2, Fetches);
        _app.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(HttpStatusCode.Unauthorized, await Call(JkuToken(unknown)));
        Assert.Equal(3, Fetches);
    }

    [Fact]
    public async Task AKeyServerThatIsDown_TheSetLastFetchedServesForAnHour_ThenCallsAre401()
    {
        Assert.Equal(HttpStatusCode.OK, await Call(JkuToken()));
        _jwks.Failing = true;
        _app.Clock.Advance(TimeSpan.FromMinutes(11)); // the set has expired; its server fails

        Assert.Equal(HttpStatusCode.OK, await Call(JkuToken()));
        Assert.Equal(2, Fetches);
        Assert.Equal(HttpStatusCode.OK, await Call(JkuToken())); // right after a failure: not asked again
        Assert.Equal(2, Fetches);

        _app.Clock.Advance(TimeSpan.FromMinutes(50)); // 61 minutes after the last fetch that worked
        Assert.Equal(HttpStatusCode.Unauthorized, await Call(JkuToken()));
        Assert.Equal(3, Fetches);

        _jwks.Failing = false;
        _app.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(HttpStatusCode.OK, await Call(JkuToken()));
    }

    private static string Key(RSA rsa, string kid)
    {
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(false)));
        return $$"""{"kty":"RSA","kid":"{{kid}}","use":"sig","alg":"RS384","n":"{{jwk.N}}","e":"{{jwk.E}}"}""";
    }

    [Fact]
    public async Task JkuNotOnTheAllowList_Is401AndIsNotFetched()
    {
        var token = Token(header: new Dictionary<string, object> { ["jku"] = "https://attacker.test/jwks.json" });

        Assert.Equal(HttpStatusCode.Unauthorized, await Call(token));
        Assert.DoesNotContain("https://attacker.test/jwks.json", _jwks.Requested);
    }

    [Fact]
    public async Task Discovery_NeedsNoToken()
    {
        var (status, _, _) = await Api.Get(_client, "/cds-services");

        Assert.Equal(HttpStatusCode.OK, status);
    }

    private static string Jwks(RsaSecurityKey key)
    {
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(key);
        return $$"""{"keys":[{"kty":"RSA","kid":"{{jwk.Kid}}","use":"sig","alg":"RS384","n":"{{jwk.N}}","e":"{{jwk.E}}"}]}""";
    }
}
