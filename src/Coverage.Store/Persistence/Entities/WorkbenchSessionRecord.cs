namespace Coverage.Store.Entities;

/// <summary>
/// A workbench sign-in session, kept server-side so that it can be revoked: the cookie carries only a random
/// key whose SHA-256 is <see cref="Id"/>. A session ends at sign-out (revoked), after its idle time, at its
/// absolute lifetime, or when its account is removed or changed (the account stamp no longer matches).
/// </summary>
public sealed class WorkbenchSessionRecord
{
    /// <summary>SHA-256 (hex) of the session key the cookie carries; the key itself is never stored.</summary>
    public string Id { get; set; } = "";
    public string AccountId { get; set; } = "";
    /// <summary>A stamp of the account's configuration (id, name, role, password hash) when the session began.</summary>
    public string AccountStamp { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime LastSeenAt { get; set; }
    /// <summary>The absolute end of the session, however active it is.</summary>
    public DateTime ExpiresAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    public string? Source { get; set; }
}
