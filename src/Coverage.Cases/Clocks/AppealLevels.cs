using Coverage.Engine.Catalogue;

namespace Coverage.Cases;

/// <summary>
/// How many levels of internal appeal (decided by the payer) a line of business gives a determination, the rule that
/// says so, and where a decided appeal goes next. Every line of business the catalogue knows gives one
/// (docs/appeals-and-metrics.md, docs/decisions.md "One appeal per decision").
/// </summary>
public sealed record AppealLevels(int Levels, string Source, string NextStep)
{
    /// <summary>The levels of the line of business (a plan that names none is held to one, as every regime here is).</summary>
    public static AppealLevels Of(string? lineOfBusiness) => lineOfBusiness switch
    {
        LinesOfBusiness.MedicareAdvantage => new(1,
            "42 CFR 422.578(b), 422.590: the plan's reconsideration is the one appeal the plan decides",
            "an adverse reconsideration goes to the Independent Review Entity (42 CFR 422.592(a))"),
        LinesOfBusiness.Medicaid => new(1,
            "42 CFR 438.402(b): a managed care plan may have only one level of appeal",
            "the appeal's result is contested by a State fair hearing (42 CFR 438.408(f))"),
        LinesOfBusiness.Chip => new(1,
            "42 CFR 457.1260, applying 438.402(b): a managed care plan may have only one level of appeal",
            "the appeal's result is contested by a State review (42 CFR 457.1260, 438.408(f))"),
        LinesOfBusiness.Erisa => new(1,
            "29 CFR 2560.503-1(i)(2)(ii): the plan gives one level of appeal, decided within 30 days",
            "the appeal's result goes to external review (45 CFR 147.136(d), 29 CFR 2590.715-2719(d)) or to a civil action under ERISA 502(a)"),
        _ => new(1,
            "the plan names no line of business; every regime here gives one level of internal appeal",
            "the appeal's result goes to external review"),
    };
}
