namespace Coverage.Engine.Catalogue;

/// <summary>
/// The lines of business a plan may name (plans/*.yaml "lineOfBusiness"). Each is governed by a regulation that
/// sets its decision and appeal clocks; the clocks themselves are the case workflow's (Coverage.Cases.DecisionClocks).
/// </summary>
public static class LinesOfBusiness
{
    /// <summary>Medicare Advantage: 42 CFR 422 subpart M, as CMS-0057-F amends it.</summary>
    public const string MedicareAdvantage = "medicare-advantage";
    /// <summary>Medicaid managed care: 42 CFR 438.210(d) and 438.408, as CMS-0057-F amends them.</summary>
    public const string Medicaid = "medicaid";
    /// <summary>CHIP managed care: 42 CFR 457.1230(d) and 457.1260, which apply the Medicaid rules.</summary>
    public const string Chip = "chip";
    /// <summary>An employer group health plan under ERISA: 29 CFR 2560.503-1.</summary>
    public const string Erisa = "erisa";

    public static readonly IReadOnlyList<string> All = [MedicareAdvantage, Medicaid, Chip, Erisa];

    /// <summary>The lines CMS regulates (CMS-0057-F's impacted payers whose prior-authorization timeframes it sets).</summary>
    public static bool IsCmsRegulated(string? lineOfBusiness) => lineOfBusiness is MedicareAdvantage or Medicaid or Chip;
}
