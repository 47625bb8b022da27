namespace Coverage.Cases;

/// <summary>
/// Where a case's decision clock stands: when the decision is due, whether the clock is stopped (since when) while
/// the payer waits for information, and when it was extended (a case is extended at most once).
/// </summary>
public sealed record CaseClock(DateTime DueAt, DateTime? PausedAt, DateTime? ExtendedAt);
