namespace Coverage.Fhir.Crd;

/// <summary>
/// The EHR FHIR servers the CRD service may read from (Coverage:AllowedFhirServers): a hook call's <c>fhirServer</c> is
/// the caller's to name, so it is read from only when it is one of these bases or a path below one — same scheme, same
/// host, same port, and the path below the allowed one at a segment boundary. A comparison of text prefixes would let
/// <c>https://ehr.example.org@169.254.169.254/</c> or <c>https://ehr.example.org.attacker.test/</c> through for an allowed
/// <c>https://ehr.example.org</c>: the payer's server would fetch, with an EHR's token, whatever a caller named.
/// </summary>
public sealed class FhirServerAllowList
{
    private readonly Uri[] _bases;

    /// <param name="allowed">Absolute http(s) base URLs; an entry that is not one allows nothing (<see cref="Problem"/> says why at start).</param>
    public FhirServerAllowList(IEnumerable<string> allowed) =>
        _bases = [.. allowed.Select(Base).OfType<Uri>()];

    /// <summary>None allowed.</summary>
    public static FhirServerAllowList None { get; } = new([]);

    /// <summary>Whether <paramref name="server"/> is an allowed base or a path below one.</summary>
    public bool Allows(Uri server) =>
        server.IsAbsoluteUri && server.UserInfo.Length == 0 && server.Query.Length == 0 && server.Fragment.Length == 0
        && _bases.Any(allowed => IsUnder(server, allowed));

    /// <summary>
    /// Whether <paramref name="url"/> lies at or below <paramref name="root"/>: same scheme, host and port, no user info,
    /// and its path the root's or below it at a segment boundary (after the dot segments are resolved).
    /// </summary>
    public static bool IsUnder(Uri url, Uri root)
    {
        if (!url.IsAbsoluteUri || url.UserInfo.Length > 0) return false;
        if (!string.Equals(url.Scheme, root.Scheme, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(url.IdnHost, root.IdnHost, StringComparison.OrdinalIgnoreCase)
            || url.Port != root.Port)
            return false;
        var rootPath = root.AbsolutePath.TrimEnd('/');
        return url.AbsolutePath == rootPath || url.AbsolutePath.StartsWith(rootPath + "/", StringComparison.Ordinal);
    }

    /// <summary>Why a configured entry cannot be used; null when it can.</summary>
    public static string? Problem(string entry) => Base(entry) is null
        ? $"Coverage:AllowedFhirServers: '{entry}' is not an absolute http(s) URL without user info, query or fragment (e.g. https://ehr.example.org/fhir)."
        : null;

    private static Uri? Base(string entry) =>
        Uri.TryCreate(entry, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            && uri.UserInfo.Length == 0 && uri.Query.Length == 0 && uri.Fragment.Length == 0
            ? uri
            : null;
}
