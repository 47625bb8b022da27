namespace Coverage.Cases;

/// <summary>A physician's decisions on some lines of a case (the physician is the caller, never named here).</summary>
public sealed record DecisionSubmission(IReadOnlyList<LineDecisionInput> Lines);
