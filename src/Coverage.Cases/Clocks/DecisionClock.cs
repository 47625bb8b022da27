namespace Coverage.Cases;

/// <summary>
/// The clock of one kind of case under one regulation: how long the payer has to decide, how long one extension may
/// add (null: the rules allow none), whether the clock stops while the payer waits for information it asked for, and
/// the rule every part of it comes from (quoted in the extension notice and the audit trail).
/// </summary>
public sealed record DecisionClock(string Regime, TimeSpan Timeframe, TimeSpan? MaxExtension, bool PausesForInformation, string Source)
{
    public bool AllowsExtension => MaxExtension is not null;
}
