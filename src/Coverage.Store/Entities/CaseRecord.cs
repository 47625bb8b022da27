namespace Coverage.Store.Entities;

/// <summary>A case: one coverage request, its latest determination and what reviewers decided.</summary>
public sealed class CaseRecord
{
    public Guid Id { get; set; }
    /// <summary>The submitter's request id; with <see cref="MemberKey"/>, the idempotency key.</summary>
    public string? RequestId { get; set; }
    /// <summary>The member id, or "" when the request names none.</summary>
    public string MemberKey { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Priority { get; set; } = "";
    public string Status { get; set; } = "";
    /// <summary>The engine's request outcome from the latest evaluation.</summary>
    public string Outcome { get; set; } = "";
    /// <summary>The request outcome once every line is final (reviewer decisions applied); null until then.</summary>
    public string? FinalOutcome { get; set; }
    /// <summary>Space-separated policy ids and modalities of the lines, for queue filters.</summary>
    public string Policies { get; set; } = "";
    public string Modalities { get; set; } = "";
    public DateTime ReceivedAt { get; set; }
    public DateTime DueAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? FinalizedAt { get; set; }
    /// <summary>What a reviewer asked for when they set the case to wait for information; null otherwise.</summary>
    public string? InformationRequest { get; set; }
    /// <summary>SHA-256 of the canonical request JSON: tells a true resubmission from a reused request id.</summary>
    public string RequestHash { get; set; } = "";
    public string RequestJson { get; set; } = "";
    public string DeterminationJson { get; set; } = "";
    /// <summary>Optimistic concurrency: two reviewers cannot both change the same revision.</summary>
    public int Revision { get; set; }

    public List<LineDecisionRecord> Decisions { get; set; } = [];
}

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

/// <summary>
/// One entry of the append-only audit trail: who did what, when. Events about a case name the case;
/// events about a service call (a CDS Hooks call) name their subject instead.
/// </summary>
public sealed class AuditEventRecord
{
    public long Id { get; set; }
    public Guid? CaseId { get; set; }
    /// <summary>What the event is about when it is not a case, such as "cds-hooks/order-sign".</summary>
    public string? Subject { get; set; }
    public DateTime At { get; set; }
    public string Action { get; set; } = "";
    public string Actor { get; set; } = "";
    public string? ActorRole { get; set; }
    /// <summary>Plain words about the event; never member data beyond what the case already holds.</summary>
    public string Detail { get; set; } = "";
}

/// <summary>A JWT id already accepted, kept until the token expires so that it is never accepted twice (CDS Hooks 2.0).</summary>
public sealed class UsedTokenRecord
{
    /// <summary>Issuer and jti, joined by a space.</summary>
    public string Key { get; set; } = "";
    public DateTime ExpiresAt { get; set; }
}
