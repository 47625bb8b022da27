namespace Coverage.Store.Entities;

/// <summary>A reviewer's decision on one line of a case.</summary>
public sealed class LineDecisionRecord
{
    public long Id { get; set; }
    public Guid CaseId { get; set; }
    public int Sequence { get; set; }
    /// <summary>uphold or overturn.</summary>
    public string Action { get; set; } = "";
    public string Rationale { get; set; } = "";
    public string ReviewerId { get; set; } = "";
    public string ReviewerName { get; set; } = "";
    public string ReviewerRole { get; set; } = "";
    public DateTime DecidedAt { get; set; }
}
