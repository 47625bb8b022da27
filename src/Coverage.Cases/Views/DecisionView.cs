namespace Coverage.Cases;

/// <summary>A physician's decision on one line, with the reviewer as configuration named them.</summary>
public sealed record DecisionView(
    int Sequence, string Action, string Rationale, string ReviewerId, string ReviewerName, string ReviewerRole, DateTime DecidedAt);
