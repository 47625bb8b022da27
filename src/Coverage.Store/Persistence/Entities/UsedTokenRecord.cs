namespace Coverage.Store.Entities;

/// <summary>A JWT id already accepted, kept until the token expires so that it is never accepted twice (CDS Hooks 2.0).</summary>
public sealed class UsedTokenRecord
{
    /// <summary>Issuer and jti, joined by a space.</summary>
    public string Key { get; set; } = "";
    public DateTime ExpiresAt { get; set; }
}
