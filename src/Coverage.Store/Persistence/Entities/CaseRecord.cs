using Coverage.Engine.Json;

namespace Coverage.Store.Entities;

/// <summary>A case: one coverage request, its latest determination and what reviewers decided.</summary>
public sealed class CaseRecord
{
    public Guid Id { get; set; }
    /// <summary>The submitter's request id; with <see cref="Tenant"/> and <see cref="MemberKey"/>, the idempotency key.</summary>
    public string? RequestId { get; set; }
    /// <summary>
    /// Which request under <see cref="RequestId"/> this is, for the member and organisation: 0 for the first; 1, 2…
    /// for each later request a PAS submitter sent under the same Claim identifier with other content (a new request,
    /// not a resubmission: docs/decisions.md, "Session 34: a PAS Claim identifier used again"). The REST API's request
    /// ids are idempotency keys and are never used twice. An update by request id changes the latest.
    /// </summary>
    public int RequestIdUse { get; set; }
    /// <summary>
    /// The organisation the case belongs to: the submitting client's configured organisation (from its
    /// token, never from the body). Submitters see only their own organisation's cases; payer staff see all.
    /// </summary>
    public string Tenant { get; set; } = "";
    /// <summary>Who submitted the case: the authenticated principal's actor id.</summary>
    public string SubmittedBy { get; set; } = "";
    /// <summary>
    /// How the submitter's own system names the request beyond its request id, when it does: for PAS the
    /// Claim.identifier system and value and the provider's identifier. $inquire must match it exactly.
    /// </summary>
    public string? ExternalKey { get; set; }
    /// <summary>The member id, or "" when the request names none.</summary>
    public string MemberKey { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Priority { get; set; } = "";
    public string Status { get; set; } = "";
    /// <summary>The engine's request outcome from the latest evaluation.</summary>
    public string Outcome { get; set; } = "";
    /// <summary>The request outcome once every line is final (reviewer decisions applied); null until then.</summary>
    public string? FinalOutcome { get; set; }
    public DateTime ReceivedAt { get; set; }
    public DateTime DueAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? FinalizedAt { get; set; }
    /// <summary>What a reviewer asked for when they set the case to wait for information; null otherwise.</summary>
    public string? InformationRequest { get; set; }
    /// <summary>
    /// Space-separated sequences of lines held for a physician to confirm: descriptions added to a case headed
    /// to review re-evaluated them to a final result without one. Null when none.
    /// </summary>
    public string? HeldLines { get; set; }
    /// <summary>
    /// Lines the provider cancelled (PAS Claim update), space-separated as sequence:code; null when none. They are no
    /// longer in the request or its determination; PAS still answers them, as cancelled (spec-46).
    /// </summary>
    public string? CancelledLines { get; set; }
    /// <summary>
    /// SHA-256 of the canonical request JSON as submitted (and the external key): tells a true resubmission from a
    /// reused request id. It names the submission that made the case, so a later Claim update does not change it.
    /// </summary>
    public string RequestHash { get; set; } = "";
    public string RequestJson { get; set; } = "";
    /// <summary>The determination as the contract's JSON, kept as its UTF-8 bytes (stored as text; <see cref="Utf8Json"/>).</summary>
    public Utf8Json DeterminationJson { get; set; } = Utf8Json.Empty;
    /// <summary>The member's benefit plan as the request named it (the catalogue's default when it named none).</summary>
    public string? PlanId { get; set; }
    /// <summary>The plan's line of business when the case was received (null: the plan named none): it chose the clock.</summary>
    public string? LineOfBusiness { get; set; }
    /// <summary>Since when the decision clock stands still while the case waits for information, where the rules allow it; null while it runs.</summary>
    public DateTime? ClockPausedAt { get; set; }
    /// <summary>When the clock was extended (once at most), and why; the due time moved with it.</summary>
    public DateTime? ExtendedAt { get; set; }
    public string? ExtensionReason { get; set; }
    /// <summary>
    /// When the case first became final, and its final outcome then: set once, never changed afterwards (a later
    /// update or appeal does not move them), so that a report of a past period gives the same numbers.
    /// </summary>
    public DateTime? FirstDecidedAt { get; set; }
    public string? FirstOutcome { get; set; }
    /// <summary>Space-separated social risk factors of the member as the request carried them; never read by a decision.</summary>
    public string? SocialRiskFactors { get; set; }
    /// <summary>For an appeal: the case whose determination it contests; null for an initial request.</summary>
    public Guid? AppealOf { get; set; }
    /// <summary>For an appeal: on whose behalf it was filed (member, provider, pas), why, and its appealed lines (space-separated).</summary>
    public string? AppealFiledBy { get; set; }
    public string? AppealReason { get; set; }
    public string? AppealedLines { get; set; }
    /// <summary>For a decided appeal: upheld, overturned or partially-overturned.</summary>
    public string? AppealResult { get; set; }
    /// <summary>A peer-to-peer discussion recorded on the case: when, by which physician, with whom, and what was said.</summary>
    public DateTime? PeerToPeerAt { get; set; }
    public string? PeerToPeerBy { get; set; }
    public string? PeerToPeerWith { get; set; }
    public string? PeerToPeerSummary { get; set; }
    /// <summary>For an appeal: the external review asked for (when, which organisation) and its result once recorded.</summary>
    public DateTime? ExternalReviewRequestedAt { get; set; }
    public string? ExternalReviewOrganisation { get; set; }
    public string? ExternalReviewResult { get; set; }
    public DateTime? ExternalReviewDecidedAt { get; set; }
    public string? ExternalReviewNote { get; set; }
    /// <summary>The lines the external review overturned (space-separated): the payer covers them whatever the appeal decided.</summary>
    public string? ExternalReviewOverturnedLines { get; set; }
    /// <summary>Optimistic concurrency: two reviewers cannot both change the same revision.</summary>
    public int Revision { get; set; }

    public List<LineDecisionRecord> Decisions { get; set; } = [];
    /// <summary>The policies and modalities of the lines, each a row: what lists of cases filter by.</summary>
    public List<CaseFilterRecord> Filters { get; set; } = [];
}
