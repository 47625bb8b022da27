using Microsoft.IdentityModel.Tokens;

namespace Coverage.Server.Security;

/// <summary>
/// The signing keys of the API's token issuers (<c>Api:Authentication:Issuers</c>): an issuer's JWK Set given inline
/// (<see cref="ApiTokenIssuer.Jwks"/>), parsed once at start; or the set it publishes at a URL
/// (<see cref="ApiTokenIssuer.JwksUri"/>, an authorization server's <c>jwks_uri</c>), fetched and kept by a
/// <see cref="KeySetCache"/> — fresh for ten minutes, fetched again when a token names a key the set lacks (the issuer
/// rotated its keys), and the last set still used for an hour while its server cannot be reached. An issuer that
/// rotates its keys then needs no change of this server's configuration.
/// </summary>
internal sealed class ApiIssuerKeys
{
    private readonly Dictionary<string, IList<SecurityKey>> _inline;
    private readonly Dictionary<string, string> _published;
    private readonly KeySetCache _fetched;

    public ApiIssuerKeys(IEnumerable<ApiTokenIssuer> issuers, KeySetCache fetched)
    {
        var list = issuers.ToList();
        _inline = list.Where(i => i.Jwks is not null)
            .ToDictionary(i => i.Issuer, i => new JsonWebKeySet(i.Jwks).GetSigningKeys(), StringComparer.Ordinal);
        _published = list.Where(i => i.JwksUri is not null).ToDictionary(i => i.Issuer, i => i.JwksUri!, StringComparer.Ordinal);
        _fetched = fetched;
    }

    /// <summary>The inline keys of the issuer a token names, with the token's key id if it names one (none for any other issuer).</summary>
    public IEnumerable<SecurityKey> Inline(string issuer, string? keyId) =>
        _inline.TryGetValue(issuer, out var keys) ? WithId(keys, keyId) : [];

    /// <summary>Whether any issuer publishes its set at a URL (else a token's issuer need not be read before its checks).</summary>
    public bool AnyPublished => _published.Count > 0;

    /// <summary>Where the issuer publishes its JWK Set; null when its keys are inline, or it is not an issuer of this server.</summary>
    public string? PublishedAt(string issuer) => _published.GetValueOrDefault(issuer);

    /// <summary>
    /// The keys of the set published at <paramref name="url"/>, with the token's key id if it names one; throws when the
    /// set cannot be had (its server failed, or answered something that is not a JWK Set).
    /// </summary>
    public async Task<IList<SecurityKey>> PublishedAsync(string url, string? keyId, CancellationToken cancellationToken) =>
        [.. WithId(await _fetched.KeysAsync(url, keyId, cancellationToken).ConfigureAwait(false), keyId)];

    private static IEnumerable<SecurityKey> WithId(IList<SecurityKey> keys, string? keyId) =>
        keyId is null ? keys : keys.Where(k => string.Equals(k.KeyId, keyId, StringComparison.Ordinal));
}
