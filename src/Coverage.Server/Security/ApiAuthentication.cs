using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace Coverage.Server.Security;

/// <summary>An authorization server whose access tokens the API accepts (SMART Backend Services clients present them).</summary>
public sealed class ApiTokenIssuer
{
    public string Issuer { get; set; } = "";
    /// <summary>The audience its tokens name for this server; default: the issuer's tokens for any audience are refused.</summary>
    public string Audience { get; set; } = "";
    /// <summary>The issuer's JWK Set, inline (JSON text of {"keys": [...]}).</summary>
    public string? Jwks { get; set; }
}

public sealed class ApiAuthenticationOptions
{
    /// <summary>On by default; only the Development environment may turn it off.</summary>
    public bool Enabled { get; set; } = true;
    public List<ApiTokenIssuer> Issuers { get; set; } = [];
    public int ClockSkewSeconds { get; set; } = 60;
}

/// <summary>The scopes the REST API and the FHIR endpoints require, by what the caller may do.</summary>
public static class ApiScopes
{
    public const string CasesRead = "coverage/cases.read";
    public const string CasesWrite = "coverage/cases.write";
    public const string CasesDecide = "coverage/cases.decide";
    public const string AuditRead = "coverage/audit.read";

    /// <summary>SMART scopes that allow a PAS submission ($submit creates a Claim).</summary>
    public static readonly string[] ClaimSubmit = ["system/Claim.c", "system/Claim.write", "system/Claim.*", "system/*.write", "system/*.*"];
    /// <summary>SMART scopes that allow a PAS inquiry (reads the ClaimResponse).</summary>
    public static readonly string[] ClaimInquire = ["system/ClaimResponse.r", "system/ClaimResponse.read", "system/ClaimResponse.*", "system/*.read", "system/*.*"];
}

/// <summary>
/// OAuth 2.0 bearer tokens for /api/v1 and /fhir: JWTs from the configured issuers, signed with their
/// keys, for this server's audience, unexpired; each endpoint requires a scope. Anonymous calls get
/// 401, a token without the scope 403.
/// </summary>
public static class ApiAuthentication
{
    public const string Scheme = "ApiBearer";
    public const string ReadCases = "api.cases.read";
    public const string WriteCases = "api.cases.write";
    public const string DecideCases = "api.cases.decide";
    public const string ReadAudit = "api.audit.read";
    public const string SubmitClaims = "fhir.claim.submit";
    public const string InquireClaims = "fhir.claim.inquire";

    public static void AddApiAuthentication(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var options = configuration.GetSection("Api:Authentication").Get<ApiAuthenticationOptions>() ?? new ApiAuthenticationOptions();
        if (!environment.IsDevelopment()) options.Enabled = true;
        services.AddSingleton(options);

        var keysByIssuer = options.Issuers.ToDictionary(i => i.Issuer, i => i.Jwks is null ? [] : new JsonWebKeySet(i.Jwks).GetSigningKeys(), StringComparer.Ordinal);
        services.AddAuthentication().AddJwtBearer(Scheme, bearer =>
        {
            bearer.MapInboundClaims = false;
            bearer.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuers = options.Issuers.Select(i => i.Issuer).ToList(),
                ValidAudiences = options.Issuers.Select(i => i.Audience).Where(a => a.Length > 0).ToList(),
                IssuerSigningKeyResolver = (_, token, kid, _) =>
                    keysByIssuer.TryGetValue(token.Issuer, out var keys) ? keys.Where(k => kid is null || k.KeyId == kid) : [],
                ValidAlgorithms =
                [
                    SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
                    SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
                    SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
                ],
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                ClockSkew = TimeSpan.FromSeconds(options.ClockSkewSeconds),
                NameClaimType = "client_id",
            };
        });

        var builder = services.AddAuthorizationBuilder();
        void Policy(string name, params string[] scopes) => builder.AddPolicy(name, policy =>
        {
            if (!options.Enabled)
            {
                // Development only: the API answers without a token.
                policy.RequireAssertion(_ => true);
                return;
            }
            policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser()
                .RequireAssertion(context => Scopes(context.User).Overlaps(scopes));
        });
        Policy(ReadCases, ApiScopes.CasesRead);
        Policy(WriteCases, ApiScopes.CasesWrite);
        Policy(DecideCases, ApiScopes.CasesDecide);
        Policy(ReadAudit, ApiScopes.AuditRead);
        Policy(SubmitClaims, ApiScopes.ClaimSubmit);
        Policy(InquireClaims, ApiScopes.ClaimInquire);
    }

    /// <summary>The token's scopes: the space-separated "scope" claim (RFC 8693) or "scp" entries.</summary>
    public static HashSet<string> Scopes(ClaimsPrincipal user) =>
        user.FindAll("scope").Concat(user.FindAll("scp"))
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToHashSet(StringComparer.Ordinal);
}
