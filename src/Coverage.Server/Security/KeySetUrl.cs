namespace Coverage.Server.Security;

/// <summary>
/// What a configured JWK Set URL must be (an API token issuer's <c>JwksUri</c>, a CDS client's <c>JwksUri</c> or allowed
/// <c>jku</c>): absolute https — keys fetched in the clear could be replaced on the way, and every token would then be
/// the attacker's — or http to this machine only (an issuer beside the server, or a test).
/// </summary>
internal static class KeySetUrl
{
    /// <summary>Why the URL cannot be trusted for keys, or null when it can.</summary>
    public static string? Problem(string url) =>
        !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.UserInfo.Length > 0 || uri.Fragment.Length > 0
            ? $"'{url}' is not an absolute URL without user info or fragment"
            : uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)
                ? null
                : $"'{url}' must be https (http only to localhost, 127.0.0.1 or [::1])";

    /// <summary>Why an inline JWK Set gives no keys, or null: said at start, not as a 401 on every call.</summary>
    public static string? InlineSetProblem(string jwks)
    {
        try
        {
            return new Microsoft.IdentityModel.Tokens.JsonWebKeySet(jwks).GetSigningKeys().Count == 0 ? "holds no signing key this server can use" : null;
        }
        catch (ArgumentException e)
        {
            return $"is not a JWK Set: {e.Message}";
        }
    }
}
