namespace Coverage.Cases;

/// <summary>
/// The prior-authorization metrics of a period [From, To): the items and services that require prior authorization,
/// and the metrics of every stratum, "all" first (docs/appeals-and-metrics.md says what each counts), of the requests
/// of one line of business and/or plan when the report was scoped to them (null: every one).
/// </summary>
public sealed record PriorAuthorizationReport(
    DateTime From, DateTime To, IReadOnlyList<RequiredItem> ItemsRequiringPriorAuthorization, IReadOnlyList<StratumMetrics> Strata,
    string? LineOfBusiness = null, string? PlanId = null);
