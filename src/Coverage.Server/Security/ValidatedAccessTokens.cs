using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Coverage.Server.Security;

/// <summary>
/// The API's access-token validation, remembering the tokens it has found valid: a client sends the same bearer
/// token with every call until it expires, and checking its signature again each time (an RSA or ECDSA verification)
/// was a tenth of the CPU of a PAS <c>$submit</c> (docs/benchmarks.md). A token is remembered only once every check
/// has passed, by its exact text — a token differing in any byte, its signature included, is a different key and is
/// validated in full — and only until it expires (or <see cref="MaxRemembered"/> later, whichever comes first); a
/// token that fails is never remembered, so it fails the same way every time. Access tokens are not single-use (unlike
/// CDS Hooks JWTs, whose <c>jti</c> is spent), so answering a repeated one from memory changes no decision. Each hit
/// gets its own copy of the identity, so nothing one request adds to it reaches another. One instance serves one
/// authentication scheme, whose validation parameters are fixed at start-up. The keys of an issuer that publishes its
/// JWK Set at a URL (<see cref="ApiIssuerKeys"/>) are had here, before the token's checks, because the parameters'
/// key resolver cannot wait for a fetch: the token's claimed issuer names the set, the checks then hold it to that
/// issuer, and a set that cannot be had fails the token (401), never the call.
/// </summary>
internal sealed class ValidatedAccessTokens(TimeProvider time, ApiIssuerKeys? issuerKeys = null) : JsonWebTokenHandler
{
    /// <summary>The longest a validated token is remembered, however long it lives.</summary>
    public static readonly TimeSpan MaxRemembered = TimeSpan.FromMinutes(5);

    /// <summary>The most tokens remembered at once (above it, the expired ones are dropped, then all if need be).</summary>
    public const int Capacity = 10_000;

    private readonly ConcurrentDictionary<string, Remembered> _valid = new(StringComparer.Ordinal);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (_valid.TryGetValue(token, out var known))
        {
            if (known.Until > now)
                return new TokenValidationResult { IsValid = true, ClaimsIdentity = known.Identity.Clone(), SecurityToken = known.Token, Issuer = known.Token.Issuer };
            _valid.TryRemove(token, out _);
        }
        if (issuerKeys is { AnyPublished: true } && await WithPublishedKeysAsync(token, validationParameters) is { } published)
        {
            if (published.Failure is { } failure) return failure;
            validationParameters = published.Parameters!;
        }
        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is { } validated && result.ClaimsIdentity is { } identity)
        {
            var until = validated.ValidTo == DateTime.MinValue ? now : Min(validated.ValidTo, now + MaxRemembered);
            if (until > now)
            {
                if (_valid.Count >= Capacity) Prune(now);
                _valid[token] = new Remembered(identity.Clone(), validated, until);
            }
        }
        return result;
    }

    /// <summary>
    /// For a token whose claimed issuer publishes its JWK Set at a URL: the parameters with that set's keys (the token's
    /// key id's, if it names one), or the failure when the set cannot be had. Null for any other token (inline keys, an
    /// unknown issuer, text that is no JWT: the checks refuse those as they stand).
    /// </summary>
    private async Task<(TokenValidationParameters? Parameters, TokenValidationResult? Failure)?> WithPublishedKeysAsync(
        string token, TokenValidationParameters validationParameters)
    {
        JsonWebToken claimed;
        try
        {
            claimed = new JsonWebToken(token);
        }
        catch (ArgumentException)
        {
            return null;
        }
        if (issuerKeys!.PublishedAt(claimed.Issuer) is not { } url) return null;
        try
        {
            var parameters = validationParameters.Clone();
            parameters.IssuerSigningKeyResolver = null;
            parameters.IssuerSigningKeys = await issuerKeys.PublishedAsync(url, claimed.Kid, CancellationToken.None);
            return (parameters, null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException
            or ArgumentException or InvalidOperationException or KeySetUnavailableException)
        {
            return (null, new TokenValidationResult
            {
                IsValid = false,
                Exception = new SecurityTokenSignatureKeyNotFoundException($"the signing keys of issuer '{claimed.Issuer}' could not be had from {url}: {e.Message}", e),
            });
        }
    }

    private void Prune(DateTime now)
    {
        foreach (var (token, remembered) in _valid)
            if (remembered.Until <= now) _valid.TryRemove(token, out _);
        if (_valid.Count >= Capacity) _valid.Clear();
    }

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    /// <summary>A token found valid: the identity it gave, the token, and until when it may be trusted.</summary>
    private sealed record Remembered(ClaimsIdentity Identity, SecurityToken Token, DateTime Until);
}
