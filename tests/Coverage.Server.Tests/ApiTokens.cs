using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Coverage.Server.Tests;

/// <summary>A test authorization server: its JWK Set for the server's configuration, and access tokens with scopes.</summary>
public static class ApiTokens
{
    public const string Issuer = "https://auth.test";
    public const string Audience = "https://coverage.test";

    private static readonly RSA Key = RSA.Create(2048);

    public static string Jwks { get; } = CreateJwks();

    /// <summary>A token valid for a month either side of now, whatever a test's fake clock says.</summary>
    public static string Create(string scope, string clientId = "test-client") => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = Audience,
        NotBefore = DateTime.UtcNow.AddDays(-30),
        IssuedAt = DateTime.UtcNow.AddDays(-30),
        Expires = DateTime.UtcNow.AddDays(30),
        Subject = new ClaimsIdentity([new Claim("client_id", clientId), new Claim("scope", scope)]),
        SigningCredentials = new SigningCredentials(new RsaSecurityKey(Key) { KeyId = "test-key" }, SecurityAlgorithms.RsaSha256),
    });

    private static string CreateJwks()
    {
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(Key.ExportParameters(false)) { KeyId = "test-key" });
        return $$"""{"keys":[{"kty":"RSA","kid":"test-key","use":"sig","n":"{{jwk.N}}","e":"{{jwk.E}}"}]}""";
    }
}
