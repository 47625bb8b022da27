namespace Coverage.Cases;

/// <summary>
/// What the prior-authorization report reads of one initial request, as its history stood at the end of the period:
/// its urgency, when it was received, its first decision (when and the final outcome then; null when undecided by the
/// period's end), whether it was withdrawn undecided, extended, or approved on appeal, all before the period's end, and
/// the member's social risk factors as the request carried them.
/// </summary>
public sealed record ReportedCase(
    Guid Id, string Priority, DateTime ReceivedAt, DateTime? DecidedAt, string? Outcome,
    bool Withdrawn, bool Extended, bool ApprovedOnAppeal, IReadOnlyList<string> RiskFactors);
