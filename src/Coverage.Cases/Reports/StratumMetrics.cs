namespace Coverage.Cases;

/// <summary>The metrics of one group of members (<see cref="PriorAuthorizationMetrics.Strata"/>), standard and expedited requests apart.</summary>
public sealed record StratumMetrics(string Stratum, PriorityMetrics Standard, PriorityMetrics Expedited);
