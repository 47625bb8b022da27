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

    /// <summary>Every scope of the REST API.</summary>
    public const string AllScopes = "coverage/cases.read coverage/cases.write coverage/cases.decide coverage/audit.read system/Claim.c system/ClaimResponse.r";

    /// <summary>The people and clients <see cref="Configure"/> sets up.</summary>
    public const string Physician = "dr-ada";
    public const string PhysicianName = "Dr. Ada Reviewer";
    public const string Nurse = "nurse-1";
    public const string NurseName = "Nora Nurse, RN";
    public const string PayerClient = "test-client";
    public const string ReviewApp = "review-app";

    /// <summary>
    /// A token valid for ten minutes by the real clock (the server checks token lifetimes against it, whatever a
    /// test's fake clock says). With a <paramref name="subject"/> other than the client, a user-context token.
    /// </summary>
    public static string Create(string scope, string clientId = PayerClient, string? subject = null) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = Audience,
        NotBefore = DateTime.UtcNow.AddMinutes(-1),
        IssuedAt = DateTime.UtcNow.AddMinutes(-1),
        Expires = DateTime.UtcNow.AddMinutes(10),
        Subject = new ClaimsIdentity([new Claim("client_id", clientId), new Claim("scope", scope), new Claim("sub", subject ?? clientId)]),
        SigningCredentials = new SigningCredentials(new RsaSecurityKey(Key) { KeyId = "test-key" }, SecurityAlgorithms.RsaSha256),
    });

    /// <summary>A user-context token of a configured person, with every scope.</summary>
    public static string Person(string subject) => Create(AllScopes, ReviewApp, subject);

    /// <summary>
    /// API authentication on, with this issuer; the payer's test client; two provider portals, each its own
    /// organisation; a physician and a nurse who act through the review app.
    /// </summary>
    public static void Configure(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        var settings = new Dictionary<string, string>
        {
            ["Api:Authentication:Enabled"] = "true",
            ["Api:Authentication:Issuers:0:Issuer"] = Issuer,
            ["Api:Authentication:Issuers:0:Audience"] = Audience,
            ["Api:Authentication:Issuers:0:Jwks"] = Jwks,
            ["Api:Authentication:Clients:0:Issuer"] = Issuer,
            ["Api:Authentication:Clients:0:ClientId"] = PayerClient,
            ["Api:Authentication:Clients:0:Organisation"] = "payer",
            ["Api:Authentication:Clients:0:Access"] = "payer",
            ["Api:Authentication:Clients:1:Issuer"] = Issuer,
            ["Api:Authentication:Clients:1:ClientId"] = "portal-a",
            ["Api:Authentication:Clients:1:Organisation"] = "org-a",
            ["Api:Authentication:Clients:2:Issuer"] = Issuer,
            ["Api:Authentication:Clients:2:ClientId"] = "portal-b",
            ["Api:Authentication:Clients:2:Organisation"] = "org-b",
            ["Api:Authentication:People:0:Issuer"] = Issuer,
            ["Api:Authentication:People:0:Subject"] = Physician,
            ["Api:Authentication:People:0:Id"] = Physician,
            ["Api:Authentication:People:0:Name"] = PhysicianName,
            ["Api:Authentication:People:0:Role"] = "physician",
            ["Api:Authentication:People:1:Issuer"] = Issuer,
            ["Api:Authentication:People:1:Subject"] = Nurse,
            ["Api:Authentication:People:1:Id"] = Nurse,
            ["Api:Authentication:People:1:Name"] = NurseName,
            ["Api:Authentication:People:1:Role"] = "nurse",
        };
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
    }

    /// <summary>A client that sends this bearer token on every request.</summary>
    public static HttpClient With(this HttpClient client, string token)
    {
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static string CreateJwks()
    {
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(Key.ExportParameters(false)) { KeyId = "test-key" });
        return $$"""{"keys":[{"kty":"RSA","kid":"test-key","use":"sig","n":"{{jwk.N}}","e":"{{jwk.E}}"}]}""";
    }
}
