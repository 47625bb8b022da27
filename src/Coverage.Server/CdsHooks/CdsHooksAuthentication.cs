using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Coverage.Engine.Text;
using Coverage.Server.Security;
using Coverage.Store;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Coverage.Server.CdsHooks;

/// <summary>A CDS client allowed to call the hooks: its issuer and where its public keys are.</summary>
public sealed class CdsClientIssuer
{
    public string Issuer { get; set; } = "";
    /// <summary>The client's JWK Set, inline (JSON text of {"keys": [...]}).</summary>
    public string? Jwks { get; set; }
    /// <summary>Where the client's JWK Set is published, when not inline.</summary>
    public string? JwksUri { get; set; }
    /// <summary>JWK Set URLs the client may name in a token's jku header.</summary>
    public List<string> AllowedJku { get; set; } = [];
    /// <summary>
    /// Off by default. On: this issuer's token may be used for more than one call within its lifetime (its jti is not
    /// checked for replay). Only for a test client that signs one token for several calls — the Inferno CRD kit does —
    /// on a server used for testing (docs/crd-pas.md "Running the Inferno CRD kit").
    /// </summary>
    public bool AllowTokenReuse { get; set; }
}

public sealed class CdsHooksAuthenticationOptions
{
    /// <summary>On by default; a development setting may switch it off for local use.</summary>
    public bool Enabled { get; set; } = true;
    public List<CdsClientIssuer> Issuers { get; set; } = [];
    public int ClockSkewSeconds { get; set; } = 60;
    /// <summary>CDS Hooks 2.0: exp "no more than 5 minutes in the future".</summary>
    public int MaxLifetimeSeconds { get; set; } = 300;
}

/// <summary>
/// The outcome of checking a CDS client's JWT: valid (with its issuer, its client — the token's sub — and the
/// token's single use to record) or why not: <see cref="Kind"/>, a fixed word to count refusals by, and
/// <see cref="Error"/>, the precise reason (any text of the token in it is cut short).
/// </summary>
public sealed record TokenCheck(bool Valid, string? Issuer, string? Client, TokenUse? Use, string? Kind, string? Error)
{
    public static TokenCheck Fail(string kind, string error) => new(false, null, null, null, kind, error);
}

/// <summary>
/// Authenticates CDS clients as CDS Hooks 2.0 requires: a JWT signed with the client's private key
/// (asymmetric algorithms only: no "none", no HMAC), from an issuer on the allow-list, verified with
/// its JWK Set (by jku, when the URL is allowed for the issuer, or configured), with aud equal to the
/// service URL, a short exp, and a jti. That the jti was never used before is decided when the call's
/// record is committed (<see cref="ServiceCallJournal"/>), in the database every server shares.
/// </summary>
public sealed partial class CdsHooksAuthenticator(
    CdsHooksAuthenticationOptions options, IHttpClientFactory httpClients, TimeProvider time, ILogger<CdsHooksAuthenticator> logger)
{
    private static readonly string[] AsymmetricAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
    ];

    /// <summary>
    /// The signing keys of each configured inline JWK Set, parsed once: parsing a set and creating its keys on
    /// every call costs a native key object per request (and its finalizer), the first cost under load.
    /// </summary>
    private static readonly ConcurrentDictionary<string, IList<SecurityKey>> InlineKeySets = new(StringComparer.Ordinal);

    /// <summary>The key sets fetched from the clients' URLs (jwks_uri, an allowed jku).</summary>
    private readonly KeySetCache _keySets = new(httpClients, KeySetClients.CdsClients, time, logger);

    private readonly JsonWebTokenHandler _handler = new();

    public const string ReplayedJti = "this jti was already used";

    public async Task<TokenCheck> AuthenticateAsync(HttpRequest request, string audience, CancellationToken cancellationToken)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return TokenCheck.Fail("no-token", "a bearer JWT is required (Authorization: Bearer …)");
        var raw = header["Bearer ".Length..].Trim();

        JsonWebToken token;
        try
        {
            token = _handler.ReadJsonWebToken(raw);
        }
        catch (ArgumentException)
        {
            return TokenCheck.Fail("not-jwt", "the bearer token is not a JWT");
        }
        if (!AsymmetricAlgorithms.Contains(token.Alg, StringComparer.Ordinal))
            return TokenCheck.Fail("algorithm", $"alg '{Bounded.Text(token.Alg, 16)}' is not accepted: the token must be signed with the client's private key (RS/ES/PS)");
        // CDS Hooks 2.0 fixes the header's typ at "JWT". A token that names another type (an OAuth access token,
        // "at+jwt", or a logout or ID token) was made for something else and is not a CDS client's assertion, whatever
        // else it carries. A token without typ is still read: RFC 7519 makes the header optional, and its aud decides.
        if (!string.IsNullOrEmpty(token.Typ) && !string.Equals(token.Typ, "JWT", StringComparison.OrdinalIgnoreCase))
            return TokenCheck.Fail("type", $"typ '{Bounded.Text(token.Typ, 32)}' is not accepted: a CDS client's token is typ JWT");
        var issuer = options.Issuers.FirstOrDefault(i => i.Issuer == token.Issuer);
        if (issuer is null) return TokenCheck.Fail("issuer", $"issuer '{Bounded.Text(token.Issuer, 64)}' is not on the allow-list");

        IList<SecurityKey> keys;
        try
        {
            keys = await KeysFor(issuer, token, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or ArgumentException or InvalidOperationException or TaskCanceledException or KeySetUnavailableException)
        {
            KeySetUnavailable(logger, issuer.Issuer, e.Message);
            return TokenCheck.Fail("keys", "the issuer's keys could not be obtained");
        }
        if (keys.Count == 0) return TokenCheck.Fail("keys", "no key of the issuer can verify this token");

        var parameters = ParametersFor(issuer.Issuer, audience, keys);
        // The token as read above: validating the text would read (decode and parse) it a second time.
        var result = await _handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid)
        {
            var (kind, error) = result.Exception switch
            {
                SecurityTokenInvalidAudienceException => ("audience", $"aud must be this service's URL ({audience})"),
                SecurityTokenInvalidLifetimeException or SecurityTokenExpiredException or SecurityTokenNoExpirationException =>
                    ("lifetime", "the token is expired, not yet valid, lives longer than 5 minutes, or has no exp"),
                SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => ("signature", "the signature does not verify with the issuer's keys"),
                _ => ("invalid", "the token is not valid"),
            };
            return TokenCheck.Fail(kind, error);
        }

        var jti = token.Id;
        if (string.IsNullOrEmpty(jti)) return TokenCheck.Fail("no-jti", "jti is required");
        // The id is remembered for as long as the token would be accepted: its exp plus the clock skew allowed
        // (forgotten at exp, it could be replayed for the length of the skew).
        var keepUntil = token.ValidTo + TimeSpan.FromSeconds(options.ClockSkewSeconds);
        var client = token.TryGetPayloadValue<string>("sub", out var sub) ? Bounded.Column(sub, 256) : null;
        return new TokenCheck(true, issuer.Issuer, client, new TokenUse(issuer.Issuer, jti, keepUntil), null, null);
    }

    /// <summary>
    /// The validation parameters of an issuer, a service URL and a set of keys, made once: they depend on nothing of
    /// the token (the lifetime check reads the clock when it runs). Bounded: issuers and services are configured, and
    /// key sets are those of the issuers (a refetched set replaces its entries as its list is a new object).
    /// </summary>
    private readonly ConditionalWeakTable<IList<SecurityKey>, ConcurrentDictionary<(string Issuer, string Audience), TokenValidationParameters>> _parameters = new();

    private TokenValidationParameters ParametersFor(string issuer, string audience, IList<SecurityKey> keys) =>
        _parameters.GetOrCreateValue(keys).GetOrAdd((issuer, audience), static (key, state) => new TokenValidationParameters
        {
            ValidIssuer = key.Issuer,
            ValidAudience = key.Audience,
            IssuerSigningKeys = state.Keys,
            ValidAlgorithms = AsymmetricAlgorithms,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateLifetime = true,
            ClockSkew = state.Self.ClockSkew,
            LifetimeValidator = (notBefore, expires, token, _) => state.Self.Lifetime(notBefore, expires, (token as JsonWebToken)?.IssuedAt),
        }, (Keys: keys, Self: this));

    private TimeSpan ClockSkew => TimeSpan.FromSeconds(options.ClockSkewSeconds);

    /// <summary>
    /// Not expired, not living beyond the 5 minutes CDS Hooks allows, not before its nbf, and not issued in the future
    /// (an iat after now, beyond the skew, is no honest client's clock: the same rule as the API's TokenLifetime).
    /// </summary>
    private bool Lifetime(DateTime? notBefore, DateTime? expires, DateTime? issuedAt)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var skew = TimeSpan.FromSeconds(options.ClockSkewSeconds);
        if (expires is null) return false;
        if (expires.Value + skew < now) return false;
        if (expires.Value > now + TimeSpan.FromSeconds(options.MaxLifetimeSeconds) + skew) return false;
        if (issuedAt is { } issued && issued > DateTime.MinValue && issued - skew > now) return false;
        return notBefore is null || notBefore.Value - skew <= now;
    }

    private async Task<IList<SecurityKey>> KeysFor(CdsClientIssuer issuer, JsonWebToken token, CancellationToken cancellationToken)
    {
        IList<SecurityKey> keys;
        if (token.TryGetHeaderValue<string>("jku", out var jku) && !string.IsNullOrEmpty(jku))
        {
            // A jku is followed only when the allow-list names that exact URL for this issuer.
            if (!issuer.AllowedJku.Contains(jku, StringComparer.Ordinal)) return [];
            keys = await _keySets.KeysAsync(jku, token.Kid, cancellationToken);
        }
        else if (issuer.Jwks is not null) keys = InlineKeySets.GetOrAdd(issuer.Jwks, static jwks => new JsonWebKeySet(jwks).GetSigningKeys());
        else if (issuer.JwksUri is not null) keys = await _keySets.KeysAsync(issuer.JwksUri, token.Kid, cancellationToken);
        else return [];

        return string.IsNullOrEmpty(token.Kid) ? keys : KeysWithId(keys, token.Kid);
    }

    /// <summary>The keys of a set with one key id, as one list per set and id (so that their validation parameters are made once).</summary>
    private static readonly ConditionalWeakTable<IList<SecurityKey>, ConcurrentDictionary<string, IList<SecurityKey>>> KeysById = new();

    private static IList<SecurityKey> KeysWithId(IList<SecurityKey> keys, string kid)
    {
        var byId = KeysById.GetOrCreateValue(keys);
        if (byId.TryGetValue(kid, out var found)) return found;
        var matching = keys.Where(k => k.KeyId == kid).ToList();
        // Only ids the set has are remembered: a token's kid is the caller's text, and must not grow the cache.
        return matching.Count == 0 ? matching : byId.GetOrAdd(kid, matching);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not obtain the JWK Set of CDS client {Issuer}: {Reason}")]
    private static partial void KeySetUnavailable(ILogger logger, string issuer, string reason);
}
