namespace Coverage.Cases;

/// <summary>A physician's decision on one line: uphold or overturn, and why.</summary>
public sealed record LineDecisionInput(int Sequence, string Action, string Rationale);
