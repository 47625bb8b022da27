using Coverage.Engine.Catalogue;
using Coverage.Engine.Model;

namespace Coverage.Cases;

/// <summary>
/// The decision clocks, chosen by the plan's line of business (a plan attribute in the catalogue), the request's
/// urgency and whether the case is an appeal. The timeframes are the regulations' (docs/appeals-and-metrics.md
/// cites each); a plan that names no line of business gets the clocks of issue 3 — 72 hours / 7 calendar days,
/// appeals 72 hours / 30 days, the shortest any of the regulations sets — with no extension and no pause
/// (docs/decisions.md, "Decision clocks").
/// </summary>
public static class DecisionClocks
{
    public const string Cms = "cms";
    public const string Erisa = "erisa";
    public const string Unspecified = "unspecified";

    private static readonly TimeSpan Hours72 = TimeSpan.FromHours(72);

    /// <summary>The regime a line of business falls under.</summary>
    public static string RegimeOf(string? lineOfBusiness) =>
        LinesOfBusiness.IsCmsRegulated(lineOfBusiness) ? Cms
        : lineOfBusiness == LinesOfBusiness.Erisa ? Erisa
        : Unspecified;

    /// <summary>The clock of a case of this line of business, urgency and kind (initial request or appeal).</summary>
    public static DecisionClock For(string? lineOfBusiness, RequestPriority priority, bool appeal)
    {
        var expedited = priority == RequestPriority.Expedited;
        return (RegimeOf(lineOfBusiness), appeal, expedited) switch
        {
            (Cms, false, false) => new(Cms, TimeSpan.FromDays(7), TimeSpan.FromDays(14), false,
                "42 CFR 422.568(b)(1), 438.210(d)(1), 457.1230(d) as amended by CMS-0057-F: 7 calendar days; extension up to 14 days, 422.568(b)(1)(i), 438.210(d)(1)(ii)"),
            (Cms, false, true) => new(Cms, Hours72, TimeSpan.FromDays(14), false,
                "42 CFR 422.572(a), 438.210(d)(2)(i): 72 hours; extension up to 14 days, 422.572(b)(1), 438.210(d)(2)(ii)"),
            (Cms, true, false) => new(Cms, TimeSpan.FromDays(30), TimeSpan.FromDays(14), false,
                "42 CFR 422.590(a)(1), 438.408(b)(2): 30 calendar days; extension up to 14 days, 422.590(f), 438.408(c)"),
            (Cms, true, true) => new(Cms, Hours72, TimeSpan.FromDays(14), false,
                "42 CFR 422.590(e)(1), 438.408(b)(3): 72 hours; extension up to 14 days, 422.590(f), 438.408(c)"),
            (Erisa, false, false) => new(Erisa, TimeSpan.FromDays(15), TimeSpan.FromDays(15), true,
                "29 CFR 2560.503-1(f)(2)(iii)(A): 15 days, one extension of up to 15 days; the period is tolled while the claimant is asked for information, 2560.503-1(f)(4)"),
            (Erisa, false, true) => new(Erisa, Hours72, null, false,
                "29 CFR 2560.503-1(f)(2)(i): urgent care, 72 hours, no extension"),
            (Erisa, true, false) => new(Erisa, TimeSpan.FromDays(30), null, false,
                "29 CFR 2560.503-1(i)(2)(ii): pre-service appeal, 30 days, no extension"),
            (Erisa, true, true) => new(Erisa, Hours72, null, false,
                "29 CFR 2560.503-1(i)(2)(i): urgent care appeal, 72 hours, no extension"),
            (_, false, false) => new(Unspecified, TimeSpan.FromDays(7), null, false, "The plan names no line of business: 7 calendar days (the shortest standard timeframe)"),
            (_, false, true) => new(Unspecified, Hours72, null, false, "The plan names no line of business: 72 hours"),
            (_, true, false) => new(Unspecified, TimeSpan.FromDays(30), null, false, "The plan names no line of business: appeals, 30 days"),
            (_, true, true) => new(Unspecified, Hours72, null, false, "The plan names no line of business: expedited appeals, 72 hours"),
        };
    }
}
