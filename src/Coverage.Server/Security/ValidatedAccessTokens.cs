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
/// authentication scheme, whose validation parameters are fixed at start-up (its issuers' keys come from configuration).
/// </summary>
internal sealed class ValidatedAccessTokens(TimeProvider time) : JsonWebTokenHandler
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
