using Coverage.Engine.Model;

namespace Coverage.Cases;

/// <summary>
/// Computes the CMS-0057-F prior-authorization metrics (45 CFR 156.223(b)(1) by reference, 42 CFR 422.122(c),
/// 440.230(e)(3), 438.210(f)) from the requests of a period, stratified as the MA health-equity analysis asks
/// (42 CFR 422.137(d)(6)): all members, members with and without a social risk factor, and each factor. A pure
/// function of the cases it is given: the store gives each case as its history stood at the period's end.
/// </summary>
public static class PriorAuthorizationMetrics
{
    public const string All = "all";
    public const string WithSocialRiskFactor = "with-social-risk-factor";
    public const string WithoutSocialRiskFactor = "without-social-risk-factor";

    /// <summary>The strata, in the report's order.</summary>
    public static readonly IReadOnlyList<string> Strata = [All, WithSocialRiskFactor, WithoutSocialRiskFactor, .. SocialRiskFactors.All];

    /// <summary>Approved: the request's services were authorized, all or some (a partial approval approves what it approves).</summary>
    public static bool IsApproved(string outcome) => outcome == RequestOutcome.Covered.ToWire() || outcome == RequestOutcome.PartiallyCovered.ToWire();

    /// <summary>Denied: no service of the request was authorized.</summary>
    public static bool IsDenied(string outcome) => outcome == RequestOutcome.NotCovered.ToWire();

    public static PriorAuthorizationReport Compute(DateTime from, DateTime to, IReadOnlyList<RequiredItem> items, IReadOnlyList<ReportedCase> cases) =>
        new(from, to, items, [.. Strata.Select(stratum =>
        {
            var members = cases.Where(c => InStratum(c, stratum)).ToList();
            var expedited = RequestPriority.Expedited.ToWire();
            return new StratumMetrics(stratum,
                Metrics(members.Where(c => c.Priority != expedited).ToList()),
                Metrics(members.Where(c => c.Priority == expedited).ToList()));
        })]);

    private static bool InStratum(ReportedCase c, string stratum) => stratum switch
    {
        All => true,
        WithSocialRiskFactor => c.RiskFactors.Count > 0,
        WithoutSocialRiskFactor => c.RiskFactors.Count == 0,
        _ => c.RiskFactors.Contains(stratum),
    };

    public static PriorityMetrics Metrics(IReadOnlyList<ReportedCase> requests)
    {
        var decided = requests.Where(c => c.DecidedAt is not null).ToList();
        var approved = decided.Count(c => IsApproved(c.Outcome!));
        var denied = decided.Count(c => IsDenied(c.Outcome!));
        var afterAppeal = decided.Count(c => !IsApproved(c.Outcome!) && c.ApprovedOnAppeal);
        var afterExtension = decided.Count(c => IsApproved(c.Outcome!) && c.Extended);
        var withdrawn = requests.Count(c => c.DecidedAt is null && c.Withdrawn);
        var hours = decided.Select(c => (c.DecidedAt!.Value - c.ReceivedAt).TotalHours).Order().ToList();
        return new PriorityMetrics(
            requests.Count, decided.Count, requests.Count - decided.Count - withdrawn, withdrawn,
            approved, denied, decided.Count - approved - denied, afterAppeal, afterExtension,
            Percent(approved, decided.Count), Percent(denied, decided.Count), Percent(afterAppeal, decided.Count), Percent(afterExtension, decided.Count),
            hours.Count == 0 ? null : Math.Round(hours.Average(), 2), Median(hours));
    }

    private static decimal? Percent(int count, int of) => of == 0 ? null : Math.Round(100m * count / of, 2);

    /// <summary>The middle value of the sorted times; with an even count, the mean of the two middle ones.</summary>
    private static double? Median(List<double> sorted) =>
        sorted.Count == 0 ? null
        : Math.Round(sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2, 2);
}
