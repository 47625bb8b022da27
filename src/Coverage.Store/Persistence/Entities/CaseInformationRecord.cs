namespace Coverage.Store.Entities;

/// <summary>
/// Information added to a case waiting for it, exactly as sent, with who sent it: information is appended,
/// never overwrites what the case held, and reviewers see every addition's values (not only its keys).
/// </summary>
public sealed class CaseInformationRecord
{
    public long Id { get; set; }
    public Guid CaseId { get; set; }
    public DateTime At { get; set; }
    public string Actor { get; set; } = "";
    public string? ActorRole { get; set; }
    public string? ActorClient { get; set; }
    /// <summary>The organisation of the sender.</summary>
    public string Tenant { get; set; } = "";
    /// <summary>The information document (JSON), as validated and merged.</summary>
    public string InformationJson { get; set; } = "";
}
