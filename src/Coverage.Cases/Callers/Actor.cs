namespace Coverage.Cases;

/// <summary>
/// Who is acting, as the audit trail records it: an id and role, and for a token the issuer, client and
/// subject it was issued for, and the network source. Always the authenticated principal, never a body.
/// </summary>
public sealed record Actor(string Id, string? Role = null, string? Issuer = null, string? ClientId = null, string? Subject = null, string? Source = null)
{
    /// <summary>An unauthenticated caller (refused calls, Development without authentication).</summary>
    public static readonly Actor Anonymous = new("anonymous");
}
