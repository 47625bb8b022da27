using System.Security.Claims;
using System.Security.Cryptography;
using Coverage.Server.Security;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Coverage.Server.Tests.Security;

/// <summary>
/// The API's access-token validation remembers a token it found valid (its signature is not checked again while it
/// lives), and nothing else: not a token that failed, not a token differing by one byte, not a token past its expiry
/// or past the longest it may be remembered. Each check here is made observable by taking the signing key away from
/// the validation parameters: a token answered from memory stays valid, a token validated again fails.
/// </summary>
public sealed class ValidatedAccessTokensTests
{
    private const string Issuer = "https://auth.test";
    private const string Audience = "https://coverage.test";
    private static readonly RsaSecurityKey Key = new(RSA.Create(2048)) { KeyId = "k1" };

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    private static string Token(TimeSpan lifetime, string client = "client-a") => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = Audience,
        NotBefore = DateTime.UtcNow.AddMinutes(-1),
        IssuedAt = DateTime.UtcNow.AddMinutes(-1),
        Expires = DateTime.UtcNow + lifetime,
        Subject = new ClaimsIdentity([new Claim("client_id", client), new Claim("scope", "system/Claim.c")]),
        SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.RsaSha256),
    });

    private static TokenValidationParameters Parameters(bool withKey) => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        IssuerSigningKeys = withKey ? [Key] : [],
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        NameClaimType = "client_id",
    };

    [Fact]
    public async Task ATokenFoundValid_IsAnsweredFromMemory_EachTimeWithAnIdentityOfItsOwn()
    {
        var tokens = new ValidatedAccessTokens(_time) { MapInboundClaims = false };
        var token = Token(TimeSpan.FromMinutes(10));

        var first = await tokens.ValidateTokenAsync(token, Parameters(withKey: true));
        var again = await tokens.ValidateTokenAsync(token, Parameters(withKey: false));
        var third = await tokens.ValidateTokenAsync(token, Parameters(withKey: false));

        Assert.True(first.IsValid);
        Assert.True(again.IsValid);
        Assert.Equal("client-a", again.ClaimsIdentity.Name);
        Assert.Equal(first.ClaimsIdentity.Claims.Select(c => (c.Type, c.Value)), again.ClaimsIdentity.Claims.Select(c => (c.Type, c.Value)));
        again.ClaimsIdentity.AddClaim(new Claim("added-by-one-request", "x"));
        Assert.DoesNotContain(third.ClaimsIdentity.Claims, c => c.Type == "added-by-one-request");
        Assert.NotSame(again.ClaimsIdentity, third.ClaimsIdentity);
    }

    [Fact]
    public async Task ATokenThatFailed_IsNeverRemembered()
    {
        var tokens = new ValidatedAccessTokens(_time) { MapInboundClaims = false };
        var token = Token(TimeSpan.FromMinutes(10));

        var refused = await tokens.ValidateTokenAsync(token, Parameters(withKey: false));
        var checkedAgain = await tokens.ValidateTokenAsync(token, Parameters(withKey: true));
        var refusedAgain = await new ValidatedAccessTokens(_time).ValidateTokenAsync(Token(TimeSpan.FromMinutes(10), "client-b"), Parameters(withKey: false));

        Assert.False(refused.IsValid);
        Assert.True(checkedAgain.IsValid);
        Assert.False(refusedAgain.IsValid);
    }

    [Fact]
    public async Task ATokenDifferingByOneByte_IsValidatedInFull()
    {
        var tokens = new ValidatedAccessTokens(_time) { MapInboundClaims = false };
        var token = Token(TimeSpan.FromMinutes(10));
        Assert.True((await tokens.ValidateTokenAsync(token, Parameters(withKey: true))).IsValid);

        // The same header and payload with one character of the signature changed: another key in memory, and a bad signature.
        var last = token[^2];
        var tampered = token[..^2] + (last == 'A' ? 'B' : 'A') + token[^1];

        Assert.False((await tokens.ValidateTokenAsync(tampered, Parameters(withKey: true))).IsValid);
        Assert.True((await tokens.ValidateTokenAsync(token, Parameters(withKey: false))).IsValid);
    }

    [Fact]
    public async Task ARememberedToken_IsValidatedAgain_OnceItHasExpired()
    {
        var tokens = new ValidatedAccessTokens(_time) { MapInboundClaims = false };
        var token = Token(TimeSpan.FromMinutes(2));
        Assert.True((await tokens.ValidateTokenAsync(token, Parameters(withKey: true))).IsValid);

        _time.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));

        Assert.False((await tokens.ValidateTokenAsync(token, Parameters(withKey: false))).IsValid);
    }

    [Fact]
    public async Task ALongLivedToken_IsRememberedNoLongerThanTheLimit()
    {
        var tokens = new ValidatedAccessTokens(_time) { MapInboundClaims = false };
        var token = Token(TimeSpan.FromHours(1));
        Assert.True((await tokens.ValidateTokenAsync(token, Parameters(withKey: true))).IsValid);

        _time.Advance(ValidatedAccessTokens.MaxRemembered - TimeSpan.FromSeconds(1));
        Assert.True((await tokens.ValidateTokenAsync(token, Parameters(withKey: false))).IsValid);

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.False((await tokens.ValidateTokenAsync(token, Parameters(withKey: false))).IsValid);
    }
}
