namespace Coverage.Cases;

/// <summary>What a caller may see: only its own organisation's cases, or every case (payer staff).</summary>
public enum CallerAccess
{
    /// <summary>A submitter (provider, portal, clearinghouse): its own organisation's cases only.</summary>
    Submitter,
    /// <summary>The payer's own staff and systems (UM, reviewers, auditors): every case.</summary>
    PayerStaff,
}
