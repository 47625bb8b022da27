namespace Coverage.Cases;

/// <summary>
/// Which requests a prior-authorization report counts: every one, or those of one line of business and/or one plan.
/// CMS-0057-F has each payer report at its own level (a Medicare Advantage organisation per contract, a Medicaid or
/// CHIP managed care plan per plan, a state per program, a QHP issuer per issuer); the operator runs the report once
/// per reporting unit, named by the plan attributes the catalogue holds.
/// </summary>
public sealed record ReportScope(string? LineOfBusiness = null, string? PlanId = null)
{
    public static readonly ReportScope Everything = new();

    public override string ToString() =>
        LineOfBusiness is null && PlanId is null ? "all requests"
        : string.Join(", ", new[] { LineOfBusiness is null ? null : $"line of business {LineOfBusiness}", PlanId is null ? null : $"plan {PlanId}" }.OfType<string>());
}
