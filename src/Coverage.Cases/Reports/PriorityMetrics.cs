namespace Coverage.Cases;

/// <summary>
/// The CMS-0057-F metrics of the requests of one urgency (standard or expedited) in one stratum. Counts first; each
/// percentage is of the requests decided by the period's end, two decimals, null when none was; times are hours from
/// submission to the first decision, two decimals, null when none was decided.
/// </summary>
public sealed record PriorityMetrics(
    int Requests, int Decided, int Pending, int Withdrawn,
    int Approved, int Denied, int Other, int ApprovedAfterAppeal, int ApprovedAfterExtension,
    decimal? PercentApproved, decimal? PercentDenied, decimal? PercentApprovedAfterAppeal, decimal? PercentApprovedAfterExtension,
    double? AverageHoursToDecision, double? MedianHoursToDecision);
