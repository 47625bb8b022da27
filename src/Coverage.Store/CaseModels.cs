using Coverage.Engine.Json;

namespace Coverage.Store;

/// <summary>
/// Who is acting, as the audit trail records it: an id and role, and for a token the issuer, client and
/// subject it was issued for, and the network source. Always the authenticated principal, never a body.
/// </summary>
public sealed record Actor(string Id, string? Role = null, string? Issuer = null, string? ClientId = null, string? Subject = null, string? Source = null)
{
    /// <summary>An unauthenticated caller (refused calls, Development without authentication).</summary>
    public static readonly Actor Anonymous = new("anonymous");
}

/// <summary>Where a case stands (issue 3): final, or waiting for a physician or for information.</summary>
public static class CaseStatus
{
    public const string Final = "final";
    public const string PendingPhysicianReview = "pending-physician-review";
    public const string PendingInformation = "pending-information";

    public static readonly IReadOnlyList<string> All = [Final, PendingPhysicianReview, PendingInformation];
}

public static class ReviewerRoles
{
    public const string Physician = "physician";
    public const string Nurse = "nurse";

    public static readonly IReadOnlyList<string> All = [Physician, Nurse];
}

public static class DecisionActions
{
    public const string Uphold = "uphold";
    public const string Overturn = "overturn";
}

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
    /// <summary>Lines held for a physician to confirm after information re-evaluated them (see CaseService.AddInformationAsync).</summary>
    public IReadOnlyList<int> HeldLines { get; init; } = [];
    /// <summary>The organisation the case belongs to, and who submitted it.</summary>
    public string Tenant { get; init; } = "";
    public string SubmittedBy { get; init; } = "";
    public required int Revision { get; init; }
    public required string RequestJson { get; init; }
    public required string DeterminationJson { get; init; }
    public required IReadOnlyList<DecisionView> Decisions { get; init; }
}

public sealed record CaseSummary(
    Guid CaseId, string? RequestId, string? MemberId, string Status, string Priority, string Outcome, string? FinalOutcome,
    DateTime ReceivedAt, DateTime DueAt, IReadOnlyList<string> Policies, IReadOnlyList<string> Modalities, string? InformationRequest = null);

public enum CaseOrder
{
    /// <summary>Oldest first (the REST list).</summary>
    ReceivedAt,
    /// <summary>Soonest due first (the reviewers' queue).</summary>
    DueAt,
}

/// <summary>Which cases to list: any of the statuses (none: all), one modality, one policy.</summary>
public sealed record CaseQuery
{
    public IReadOnlyList<string> Statuses { get; init; } = [];
    public string? Modality { get; init; }
    public string? Policy { get; init; }
    public CaseOrder Order { get; init; } = CaseOrder.ReceivedAt;
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = 20;
}

public sealed record CasePage(IReadOnlyList<CaseSummary> Items, int Page, int PageSize, int Total);

public sealed record DecisionView(
    int Sequence, string Action, string Rationale, string ReviewerId, string ReviewerName, string ReviewerRole, DateTime DecidedAt);

/// <summary>
/// One audit event: what happened, and who did it as they were authenticated — the actor and role, and for a
/// token the issuer, client and subject; the network source; how many occurrences an aggregated event stands for.
/// </summary>
public sealed record AuditEventView(
    long Id, DateTime At, string Action, string Actor, string? ActorRole, string Detail,
    string? ActorIssuer = null, string? ActorClient = null, string? ActorSubject = null, string? Source = null, int Occurrences = 1)
{
    /// <summary>An event as auditors read it; an aggregated one (refusals from one source) says in its detail how many it stands for.</summary>
    public static AuditEventView From(Entities.AuditEventRecord a) => new(
        a.Id, DateTime.SpecifyKind(a.At, DateTimeKind.Utc), a.Action, a.Actor, a.ActorRole,
        a.Occurrences > 1
            ? $"{a.Detail} ({a.Occurrences} occurrences from {a.Source ?? "an unknown source"}, the last at {DateTime.SpecifyKind(a.LastAt ?? a.At, DateTimeKind.Utc):yyyy-MM-ddTHH:mm:ssZ})"
            : a.Detail,
        a.ActorIssuer, a.ActorClient, a.ActorSubject, a.Source, a.Occurrences);
}

/// <summary>A configured person who reviews cases: id, name and role (nurse or physician) come from configuration only.</summary>
public sealed record Reviewer(string Id, string Name, string Role);

/// <summary>One addition of information to a case: when, who sent it, and what (the JSON document as sent).</summary>
public sealed record InformationView(DateTime At, string Actor, string? ActorRole, string? ActorClient, string InformationJson);

public sealed record LineDecisionInput(int Sequence, string Action, string Rationale);

/// <summary>What a reviewer asks for when setting a case to wait for information (the reviewer is the caller).</summary>
public sealed record InformationRequestSubmission(string Needed);

/// <summary>A physician's decisions on some lines of a case (the physician is the caller, never named here).</summary>
public sealed record DecisionSubmission(IReadOnlyList<LineDecisionInput> Lines);

public enum StoreErrorKind
{
    /// <summary>No such case (404).</summary>
    NotFound,
    /// <summary>The case's state forbids it now (409).</summary>
    Conflict,
    /// <summary>Well-formed, but breaks a rule of the workflow (422).</summary>
    Unprocessable,
    /// <summary>The authenticated caller may not do this (403).</summary>
    Forbidden,
    /// <summary>Malformed input, with the fields at fault (400).</summary>
    Invalid,
}

public sealed record StoreError(StoreErrorKind Kind, string Message, IReadOnlyList<InputError>? Fields = null);

/// <summary>A value or the reason there is none. <see cref="Created"/> tells a new case from an existing one.</summary>
#pragma warning disable CA1000 // Factory methods on the result type read best at the call site.
public sealed record StoreResult<T>(T? Value, StoreError? Error, bool Created = false)
{
    public static StoreResult<T> Ok(T value, bool created = false) => new(value, null, created);
    public static StoreResult<T> Fail(StoreErrorKind kind, string message, IReadOnlyList<InputError>? fields = null) =>
        new(default, new StoreError(kind, message, fields));
}
#pragma warning restore CA1000
