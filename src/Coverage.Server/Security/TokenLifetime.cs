namespace Coverage.Server.Security;

/// <summary>
/// When an API access token may be used: not before nbf, not after exp (each with the clock skew), and never a
/// token that lives longer than the configured maximum. A token minted for ten years is as good as a password
/// that never changes; refusing long lifetimes bounds what a leaked token is worth. A token issued in the future
/// (iat after now, beyond the skew) is refused too: no honest issuer's clock writes one, and judged from its iat
/// its lifetime would look short whatever it is.
/// </summary>
public static class TokenLifetime
{
    public static bool IsAcceptable(DateTime? notBefore, DateTime? expires, DateTime? issuedAt, DateTime now, TimeSpan skew, TimeSpan maxLifetime)
    {
        if (expires is null) return false;
        if (expires.Value + skew < now) return false;
        if (notBefore is { } nbf && nbf - skew > now) return false;
        if (issuedAt is { } issued && issued > DateTime.MinValue && issued - skew > now) return false;
        // Lifetime from when it was issued (or first valid); a token with neither is judged from now.
        var from = issuedAt is { } iat && iat > DateTime.MinValue ? iat : notBefore ?? now;
        if (expires.Value - from > maxLifetime) return false;
        return expires.Value <= now + maxLifetime + skew;
    }
}
