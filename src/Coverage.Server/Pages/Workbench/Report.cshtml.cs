using Coverage.Server.Endpoints;
using Coverage.Server.Security;
using Coverage.Store;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Coverage.Server.Pages.Workbench;

/// <summary>
/// The prior-authorization report (CMS-0057-F) of a period, with charts drawn on the server as SVG (no script, nothing
/// from a CDN) and a CSV download: the same query as GET /api/v1/reports/prior-authorization, audited the same way.
/// </summary>
public sealed class ReportModel(CaseService cases, CatalogueVersions catalogues, TimeProvider time) : PageModel
{
    /// <summary>The reporting unit (ReportScope): a line of business and/or a plan; empty means every one.</summary>
    [BindProperty(SupportsGet = true)]
    public string? LineOfBusiness { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Plan { get; set; }

    /// <summary>The plans of the catalogue in force, for the plan choice.</summary>
    public IReadOnlyList<Coverage.Engine.Catalogue.BenefitPlan> Plans => [.. catalogues.Current.Plans.OrderBy(p => p.Name, StringComparer.Ordinal)];

    /// <summary>The CSV download of what the page shows (the period and the reporting unit).</summary>
    public string CsvLink => QueryHelpers.AddQueryString("/workbench/reports/prior-authorization.csv",
        new Dictionary<string, string?> { ["from"] = From, ["to"] = To, ["lineOfBusiness"] = LineOfBusiness, ["plan"] = Plan }.Where(p => !string.IsNullOrEmpty(p.Value)));

    [BindProperty(SupportsGet = true)]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? To { get; set; }

    public PriorAuthorizationReport? Report { get; private set; }
    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        // Default: the calendar year so far, to the end of today.
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        From ??= new DateOnly(today.Year, 1, 1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        To ??= today.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var errors = new List<Engine.Validation.InputError>();
        var from = ReportEndpoints.Instant(From, "from", errors);
        var to = ReportEndpoints.Instant(To, "to", errors);
        if (errors.Count > 0)
        {
            Error = string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}"));
            return;
        }
        var result = await cases.ReportAsync(from, to, ReportEndpoints.Scope(LineOfBusiness, Plan), HttpContext.Caller(), cancellationToken);
        if (result.Error is not null) Error = result.Error.Fields is { Count: > 0 } f ? string.Join("; ", f.Select(e => $"{e.Field}: {e.Message}")) : result.Error.Message;
        else Report = result.Value;
    }

    /// <summary>The CSV download of the same period: /workbench/reports/prior-authorization.csv?from=&amp;to=.</summary>
    public static async Task<IResult> Csv(string? from, string? to, string? lineOfBusiness, string? plan, HttpContext context, CaseService cases, CancellationToken cancellationToken)
    {
        var errors = new List<Engine.Validation.InputError>();
        var start = ReportEndpoints.Instant(from, "from", errors);
        var end = ReportEndpoints.Instant(to, "to", errors);
        if (errors.Count > 0) return TypedResults.BadRequest(string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")));
        var scope = ReportEndpoints.Scope(lineOfBusiness, plan);
        var result = await cases.ReportAsync(start, end, scope, context.Caller(), cancellationToken);
        if (result.Error is not null) return TypedResults.BadRequest(result.Error.Message);
        return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(PriorAuthorizationCsv.Write(result.Value!)), "text/csv",
            $"prior-authorization-{start:yyyy-MM-dd}-{end:yyyy-MM-dd}{(scope.LineOfBusiness is { } l ? "-" + l : "")}{(scope.PlanId is { } p ? "-" + p : "")}.csv");
    }

    /// <summary>A bar's length in the chart (0–300 px wide for 0–100 %).</summary>
    public static int BarWidth(decimal? percent) => (int)Math.Round((percent ?? 0) * 3);

    /// <summary>
    /// The chart: for each stratum a bar of the standard and one of the expedited requests approved, as SVG written
    /// here (labels encoded), styled by the workbench's stylesheet — no script, nothing fetched from elsewhere.
    /// </summary>
    public static Microsoft.AspNetCore.Html.HtmlString Chart(PriorAuthorizationReport report)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var height = (report.Strata.Count * 44) + 24;
        var svg = new System.Text.StringBuilder();
        svg.Append(inv, $"<svg id=\"approval-chart\" role=\"img\" aria-labelledby=\"chart-title\" width=\"640\" height=\"{height}\" viewBox=\"0 0 640 {height}\">")
           .Append("<title id=\"chart-title\">Percentage of standard and expedited requests approved, by group of members</title>");
        for (var i = 0; i < report.Strata.Count; i++)
        {
            var s = report.Strata[i];
            var y = i * 44;
            svg.Append(inv, $"<text x=\"0\" y=\"{y + 14}\" class=\"chart-label\">{System.Net.WebUtility.HtmlEncode(StratumName(s.Stratum))}</text>");
            foreach (var (row, name, m) in new[] { (0, "standard", s.Standard), (1, "expedited", s.Expedited) })
            {
                var width = BarWidth(m.PercentApproved);
                svg.Append(inv, $"<rect x=\"220\" y=\"{y + 2 + (row * 18)}\" height=\"16\" width=\"{width}\" class=\"bar-{name}\"></rect>")
                   .Append(inv, $"<text x=\"{226 + width}\" y=\"{y + 14 + (row * 18)}\" class=\"chart-value\">{name} {Percent(m.PercentApproved)}</text>");
            }
        }
        return new Microsoft.AspNetCore.Html.HtmlString(svg.Append("</svg>").ToString());
    }

    public static string Percent(decimal? percent) => percent is { } p ? p.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + " %" : "—";

    public static string Hours(double? hours) => hours is { } h ? h.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + " h" : "—";

    /// <summary>A stratum's name as the page shows it.</summary>
    public static string StratumName(string stratum) => stratum switch
    {
        PriorAuthorizationMetrics.All => "All members",
        PriorAuthorizationMetrics.WithSocialRiskFactor => "With a social risk factor",
        PriorAuthorizationMetrics.WithoutSocialRiskFactor => "Without a social risk factor",
        "dual-eligible" => "Dual eligible",
        "low-income-subsidy" => "Low-income subsidy",
        "disability" => "Disability",
        _ => stratum,
    };
}
