using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace Coverage.Server.Security;

/// <summary>An authorization server whose access tokens the API accepts (SMART Backend Services clients present them).</summary>
public sealed class ApiTokenIssuer
{
    public string Issuer { get; set; } = "";
    /// <summary>The audience this issuer's tokens must name for this server; required, and checked for this issuer only.</summary>
    public string Audience { get; set; } = "";
    /// <summary>The issuer's JWK Set, inline (JSON text of {"keys": [...]}); or else <see cref="JwksUri"/>.</summary>
    public string? Jwks { get; set; }
    /// <summary>
    /// Where the issuer publishes its JWK Set (its <c>jwks_uri</c>): https, or http on this machine only; fetched and kept
    /// (<see cref="ApiIssuerKeys"/>), so that the issuer's key rotations need no change here. One of this and <see cref="Jwks"/>.
    /// </summary>
    public string? JwksUri { get; set; }
}

/// <summary>
/// A client of an issuer (by client_id): the organisation it submits for and sees, and whether it is the
/// payer's own (payer access: every case) or a submitter's (its organisation's cases only). A client that
/// is not configured is a submitter and an organisation of its own.
/// </summary>
public sealed class ApiClient
{
    public string Issuer { get; set; } = "";
    public string ClientId { get; set; } = "";
    public string Organisation { get; set; } = "";
    /// <summary>"submitter" (default) or "payer".</summary>
    public string Access { get; set; } = "submitter";
}

/// <summary>
/// A person who acts through the API with a user-context token: the token's subject at its issuer maps to
/// the person's id, name and role (nurse or physician). Roles come from here, never from a token's or a
/// body's say-so. People are payer staff.
/// </summary>
public sealed class ApiPerson
{
    public string Issuer { get; set; } = "";
    public string Subject { get; set; } = "";
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string Role { get; set; } = "";
}

public sealed class ApiAuthenticationOptions
{
    /// <summary>On by default; only the Development environment may turn it off.</summary>
    public bool Enabled { get; set; } = true;
    public List<ApiTokenIssuer> Issuers { get; set; } = [];
    public List<ApiClient> Clients { get; set; } = [];
    public List<ApiPerson> People { get; set; } = [];
    public int ClockSkewSeconds { get; set; } = 60;
    /// <summary>The longest an access token may live (exp minus iat or nbf): a token minted for ten years is refused.</summary>
    public int MaxTokenLifetimeMinutes { get; set; } = 60;
    /// <summary>
    /// Development only, when authentication is off: the workbench account the API acts as (so that decisions
    /// made with curl have a physician behind them). Ignored whenever authentication is on.
    /// </summary>
    public string? DevelopmentCaller { get; set; }
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
    /// <summary>SMART scopes that allow DTR's questionnaire operations (they read the payer's Questionnaires).</summary>
    public static readonly string[] QuestionnaireRead = ["system/Questionnaire.r", "system/Questionnaire.read", "system/Questionnaire.*", "system/*.read", "system/*.*"];
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
    public const string ReadQuestionnaires = "fhir.questionnaire.read";

    public static void AddApiAuthentication(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var options = configuration.GetSection("Api:Authentication").Get<ApiAuthenticationOptions>() ?? new ApiAuthenticationOptions();
        if (!environment.IsDevelopment()) options.Enabled = true;
        var problems = ApiAuthenticationValidation.Problems(options);
        if (problems.Count > 0) throw new InvalidOperationException("Api:Authentication is invalid: " + string.Join("; ", problems));
        services.AddSingleton(options);
        services.AddSingleton(sp => ReportingLines.From(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton<CallerDirectory>();

        var audienceByIssuer = options.Issuers.ToDictionary(i => i.Issuer, i => i.Audience, StringComparer.Ordinal);
        services.AddAuthentication().AddJwtBearer(Scheme);
        // Configured with the services the issuers' published key sets are fetched and kept with (KeySetClients; the
        // server's clock says when a kept set is stale).
        services.AddOptions<JwtBearerOptions>(Scheme).Configure<IHttpClientFactory, ILoggerFactory, TimeProvider>((bearer, httpClients, loggers, clock) =>
        {
            var issuerKeys = new ApiIssuerKeys(options.Issuers,
                new KeySetCache(httpClients, KeySetClients.ApiIssuers, clock, loggers.CreateLogger<ApiIssuerKeys>()));
            bearer.MapInboundClaims = false;
            // Why a token failed is said to the caller only in Development; elsewhere the challenge says only
            // error="invalid_token" (OnChallenge below), as the CDS Hooks endpoints' does.
            bearer.IncludeErrorDetails = environment.IsDevelopment();
            // The same checks as the default handler, each valid token checked once while it lives (ValidatedAccessTokens).
            bearer.TokenHandlers.Clear();
            bearer.TokenHandlers.Add(new ValidatedAccessTokens(TimeProvider.System, issuerKeys) { MapInboundClaims = false });
            // A token must name its client exactly once, as one string (AccessTokenClient): without one it was an
            // organisation shared by every such token, and with a list the first entry silently became it.
            bearer.Events = new JwtBearerEvents
            {
                OnTokenValidated = context =>
                {
                    if (AccessTokenClient.Problem(context.SecurityToken) is { } problem) context.Fail($"invalid_token: {problem}");
                    return Task.CompletedTask;
                },
                // RFC 6750 §3.1: a request that presented a token which failed gets error="invalid_token" (the handler
                // sets it only with the error details); one that presented none gets the bare challenge.
                OnChallenge = context =>
                {
                    if (context.AuthenticateFailure is not null) context.Error ??= "invalid_token";
                    return Task.CompletedTask;
                },
            };
            bearer.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuers = options.Issuers.Select(i => i.Issuer).ToList(),
                // Each issuer's tokens must name that issuer's audience: audiences are never pooled across issuers.
                AudienceValidator = (audiences, token, _) =>
                    token?.Issuer is { } issuer && audienceByIssuer.TryGetValue(issuer, out var audience) && audience.Length > 0
                    && audiences.Contains(audience, StringComparer.Ordinal),
                LifetimeValidator = (notBefore, expires, token, parameters) => TokenLifetime.IsAcceptable(
                    notBefore, expires, (token as Microsoft.IdentityModel.JsonWebTokens.JsonWebToken)?.IssuedAt, DateTime.UtcNow,
                    parameters.ClockSkew, TimeSpan.FromMinutes(options.MaxTokenLifetimeMinutes)),
                // RFC 9068 access tokens say typ "at+jwt"; many issuers still say "JWT". An ID token or anything else is refused.
                ValidTypes = ["at+jwt", "application/at+jwt", "JWT"],
                // Inline keys; a published set's keys are given per token by ValidatedAccessTokens.
                IssuerSigningKeyResolver = (_, token, kid, _) => issuerKeys.Inline(token.Issuer, kid),
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
        foreach (var (policy, scopes) in ScopesByPolicy) Policy(policy, [.. scopes]);
    }

    /// <summary>Each policy of the REST API and the PAS and DTR operations, and the scopes that satisfy it (any one of them).</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> ScopesByPolicy = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        [ReadCases] = [ApiScopes.CasesRead],
        [WriteCases] = [ApiScopes.CasesWrite],
        [DecideCases] = [ApiScopes.CasesDecide],
        [ReadAudit] = [ApiScopes.AuditRead],
        [SubmitClaims] = ApiScopes.ClaimSubmit,
        [InquireClaims] = ApiScopes.ClaimInquire,
        [ReadQuestionnaires] = ApiScopes.QuestionnaireRead,
    };

    /// <summary>The token's scopes: the space-separated "scope" claim (RFC 8693) or "scp" entries.</summary>
    public static HashSet<string> Scopes(ClaimsPrincipal user) =>
        user.FindAll("scope").Concat(user.FindAll("scp"))
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToHashSet(StringComparer.Ordinal);
}
