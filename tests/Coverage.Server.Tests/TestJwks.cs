using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Coverage.Server.Tests;

/// <summary>JWK Sets of test keys, as an issuer publishes them (public parts only).</summary>
internal static class TestJwks
{
    /// <summary>The JWK Set holding the public part of each key, under its key id.</summary>
    public static string Of(params (RSA Key, string Id)[] keys) =>
        $$"""{"keys":[{{string.Join(",", keys.Select(k => Jwk(k.Key, k.Id)))}}]}""";

    private static string Jwk(RSA key, string id)
    {
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(key.ExportParameters(false)) { KeyId = id });
        return $$"""{"kty":"RSA","kid":"{{id}}","use":"sig","n":"{{jwk.N}}","e":"{{jwk.E}}"}""";
    }
}
