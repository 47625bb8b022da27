using Coverage.Server.CdsHooks;

namespace Coverage.Server.Tests.Security;

/// <summary>
/// CdsHooks:Authentication is checked at start: a CDS client's JWK Set URL (configured or an allowed jku) must be https,
/// or http to this machine only, and an inline set must give keys — else the server does not start.
/// </summary>
public sealed class CdsHooksAuthenticationValidationTests
{
    private static readonly string InlineSet = TestJwks.Of((System.Security.Cryptography.RSA.Create(2048), "k"));

    [Theory]
    [InlineData(null, "http://ehr.example.org/jwks.json", "JwksUri 'http://ehr.example.org/jwks.json' must be https")]
    [InlineData("http://ehr.example.org/jwks.json", null, "AllowedJku[0] 'http://ehr.example.org/jwks.json' must be https")]
    [InlineData(null, "jwks.json", "JwksUri 'jwks.json' is not an absolute URL")]
    [InlineData(null, "https://user:secret@ehr.example.org/jwks.json", "is not an absolute URL without user info")]
    public void AKeySetUrlInTheClear_OrNoUrl_StopsTheServer(string? allowedJku, string? jwksUri, string expected)
    {
        var options = new CdsHooksAuthenticationOptions
        {
            Issuers = [new CdsClientIssuer { Issuer = "https://ehr.example.org", JwksUri = jwksUri, AllowedJku = allowedJku is null ? [] : [allowedJku] }],
        };

        Assert.Contains(CdsHooksAuthenticationValidation.Problems(options), p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{\"keys\": 1}", "Jwks is not a JWK Set")]
    [InlineData("{\"keys\": []}", "Jwks holds no signing key")]
    public void AnInlineSetWithoutKeys_StopsTheServer(string jwks, string expected)
    {
        var options = new CdsHooksAuthenticationOptions { Issuers = [new CdsClientIssuer { Issuer = "https://ehr.example.org", Jwks = jwks }] };

        Assert.Contains(CdsHooksAuthenticationValidation.Problems(options), p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void HttpsUrls_HttpToThisMachine_AndAnInlineSet_AreAccepted()
    {
        var options = new CdsHooksAuthenticationOptions
        {
            Issuers =
            [
                new CdsClientIssuer { Issuer = "https://ehr.example.org", JwksUri = "https://ehr.example.org/.well-known/jwks.json" },
                new CdsClientIssuer { Issuer = "https://inferno.test", AllowedJku = ["https://inferno.healthit.gov/suites/custom/crd_server/jwks.json", "http://127.0.0.1:4567/jwks.json"] },
                new CdsClientIssuer { Issuer = "https://ehr.test", Jwks = InlineSet },
            ],
        };

        Assert.Empty(CdsHooksAuthenticationValidation.Problems(options));
    }

    [Fact]
    public async Task AServerConfiguredWithAKeySetUrlInTheClear_DoesNotStart()
    {
        var (exitCode, output) = await SecureServer.RunToExitAsync(
            s => s["CdsHooks:Authentication:Issuers:0:JwksUri"] = "http://ehr.example.org/jwks.json", TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("CdsHooks:Authentication is invalid", output, StringComparison.Ordinal);
    }
}
