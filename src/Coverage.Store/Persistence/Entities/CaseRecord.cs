namespace Coverage.Store.Entities;

/// <summary>A case: one coverage request, its latest determination and what reviewers decided.</summary>
public sealed class CaseRecord
{
    public Guid Id { get; set; }
    /// <summary>The submitter's request id; with <see cref="Tenant"/> and <see cref="MemberKey"/>, the idempotency key.</summary>
    public string? RequestId { get; set; }
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
    /// <summary>SHA-256 of the canonical request JSON: tells a true resubmission from a reused request id.</summary>
    public string RequestHash { get; set; } = "";
    public string RequestJson { get; set; } = "";
    public string DeterminationJson { get; set; } = "";
    /// <summary>Optimistic concurrency: two reviewers cannot both change the same revision.</summary>
    public int Revision { get; set; }

    public List<LineDecisionRecord> Decisions { get; set; } = [];
    /// <summary>The policies and modalities of the lines, each a row: what lists of cases filter by.</summary>
    public List<CaseFilterRecord> Filters { get; set; } = [];
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
    /// <summary>The token issuer of an authenticated caller (null for workbench users and unauthenticated sources).</summary>
    public string? ActorIssuer { get; set; }
    /// <summary>The OAuth client the caller used (client_id), when a token named one.</summary>
    public string? ActorClient { get; set; }
    /// <summary>The token's subject (a person for user-context tokens; the client for client credentials).</summary>
    public string? ActorSubject { get; set; }
    /// <summary>The network source (client IP address) of the call.</summary>
    public string? Source { get; set; }
    /// <summary>How many occurrences this event stands for: refusals from one source are aggregated into one event per window.</summary>
    public int Occurrences { get; set; } = 1;
    /// <summary>When the last occurrence of an aggregated event happened (null: one occurrence, at <see cref="At"/>).</summary>
    public DateTime? LastAt { get; set; }
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

/// <summary>
/// The files of a catalogue the server decided cases with, kept by digest (a determination's catalogueDigest) so
/// that old cases are shown with the rules they were decided by. Written once per digest, never changed.
/// </summary>
public sealed class CatalogueSnapshotRecord
{
    /// <summary>"sha256:" and 64 hex digits.</summary>
    public string Digest { get; set; } = "";
    /// <summary>The catalogue's root folder inside the archive ("." or "catalogues/with-related-resources").</summary>
    public string Root { get; set; } = "";
    /// <summary>A zip of the catalogue's YAML files (CatalogueSnapshot.ToArchive).</summary>
    public byte[] Archive { get; set; } = [];
    public DateTime SavedAt { get; set; }
}
