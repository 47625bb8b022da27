namespace Coverage.Cases;

/// <summary>A case as a caller reads it: its request, latest determination, status and decisions.</summary>
public sealed record CaseView
{
    public required Guid Id { get; init; }
    public string? RequestId { get; init; }
    public string? MemberId { get; init; }
    public required string Kind { get; init; }
    public required string Priority { get; init; }
    public required string Status { get; init; }
    public required string Outcome { get; init; }
    public string? FinalOutcome { get; init; }
    public required DateTime ReceivedAt { get; init; }
    public required DateTime DueAt { get; init; }
    public required DateTime UpdatedAt { get; init; }
    public DateTime? FinalizedAt { get; init; }
    /// <summary>What a reviewer asked the provider for, while the case waits for it.</summary>
    public string? InformationRequest { get; init; }
    /// <summary>Lines held for a physician to confirm after information re-evaluated them (see <see cref="CaseWorkflow.LinesToHold"/>).</summary>
    public IReadOnlyList<int> HeldLines { get; init; } = [];
    /// <summary>Lines the provider cancelled by a PAS update, with their codes (no longer in the request or its determination).</summary>
    public IReadOnlyList<CancelledLine> CancelledLines { get; init; } = [];
    /// <summary>The organisation the case belongs to, and who submitted it.</summary>
    public string Tenant { get; init; } = "";
    public string SubmittedBy { get; init; } = "";
    /// <summary>How the submitter's system names the request beyond its id (PAS: Claim.identifier and provider); null when it does not.</summary>
    public string? ExternalKey { get; init; }
    public required int Revision { get; init; }
    public required string RequestJson { get; init; }
    /// <summary>The determination as the case keeps it: the contract's JSON, as UTF-8 bytes (read it with the determination reader).</summary>
    public required Coverage.Engine.Json.Utf8Json DeterminationJson { get; init; }
    /// <summary>
    /// The determination <see cref="DeterminationJson"/> was written from, when this view was made right after the
    /// evaluation (a new case): an adapter answering at once uses it instead of reading the JSON back. Null otherwise.
    /// </summary>
    public Coverage.Engine.Model.Determination? Evaluated { get; init; }
    public required IReadOnlyList<DecisionView> Decisions { get; init; }
    /// <summary>The decision clock: the plan and its line of business, since when the clock stands still (null: it runs), the extension.</summary>
    public string? PlanId { get; init; }
    public string? LineOfBusiness { get; init; }
    public DateTime? ClockPausedAt { get; init; }
    public DateTime? ExtendedAt { get; init; }
    public string? ExtensionReason { get; init; }
    /// <summary>When the case was first decided (null: not yet), and whether that met its due time.</summary>
    public DateTime? FirstDecidedAt { get; init; }
    public bool? DecidedOnTime { get; init; }
    /// <summary>For an appeal: what it contests and how it stands (<see cref="AppealView"/>); null for an initial request.</summary>
    public AppealView? Appeal { get; init; }
    /// <summary>A peer-to-peer discussion recorded on the case; null when none was.</summary>
    public PeerToPeerView? PeerToPeer { get; init; }
}
