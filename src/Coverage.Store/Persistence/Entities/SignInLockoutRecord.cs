namespace Coverage.Store.Entities;

/// <summary>Failed workbench sign-ins of one account, for lock-out; shared by every server of the store.</summary>
public sealed class SignInLockoutRecord
{
    /// <summary>The account id (configured accounts only: unknown names are throttled per source, in memory).</summary>
    public string AccountId { get; set; } = "";
    /// <summary>Consecutive failures since the last success or lock-out.</summary>
    public int Failures { get; set; }
    public DateTime? LastFailureAt { get; set; }
    public DateTime? LockedUntil { get; set; }
}
