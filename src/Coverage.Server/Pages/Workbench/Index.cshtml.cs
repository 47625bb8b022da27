using Coverage.Engine.Catalogue;
using Coverage.Server.Security;
using Coverage.Store;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Coverage.Server.Pages.Workbench;

/// <summary>The queue: open cases, soonest due first, filtered by status, modality and policy.</summary>
public sealed class IndexModel(CaseService cases, PolicyCatalogue catalogue, TimeProvider time) : PageModel
{
    public const int PageSize = 50;
    /// <summary>The last page number whose first row the store can still count to ((page - 1) × 50 must fit an int).</summary>
    public const int MaxPage = int.MaxValue / PageSize;
    /// <summary>Cases due within this time are flagged as due soon.</summary>
    public static readonly TimeSpan SoonWindow = TimeSpan.FromHours(24);

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Modality { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Policy { get; set; }

    /// <summary>
    /// The page asked for (?page=), read from the query by hand: Razor Pages' own "page" route value (the page's
    /// name) would win over it in model binding. Clamped, so that no number wraps around to the first page.
    /// </summary>
    public int PageNumber { get; private set; } = 1;

    public CasePage? Cases { get; private set; }
    public string? Error { get; private set; }
    public DateTime Now { get; private set; }

    public IReadOnlyList<CoveragePolicy> Policies => catalogue.Policies;

    /// <summary>Every modality of the catalogue's policies, for the filter.</summary>
    public IEnumerable<Modality> Modalities => catalogue.Policies.SelectMany(p => p.Modalities.Values).DistinctBy(m => m.Id).OrderBy(m => m.Name, StringComparer.Ordinal);

    public static readonly IReadOnlyList<string> OpenStatuses = [CaseStatus.PendingPhysicianReview, CaseStatus.PendingInformation];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Now = time.GetUtcNow().UtcDateTime;
        PageNumber = RequestedPage(Request.Query["page"]);
        var statuses = string.IsNullOrEmpty(Status) ? OpenStatuses : [Status];
        var result = await cases.ListAsync(new CaseQuery
        {
            Statuses = statuses,
            Modality = string.IsNullOrEmpty(Modality) ? null : Modality,
            Policy = string.IsNullOrEmpty(Policy) ? null : Policy,
            Order = CaseOrder.DueAt,
            Page = PageNumber,
            PageSize = PageSize,
        }, HttpContext.Caller(), cancellationToken);
        if (result.Error is not null)
        {
            Error = string.Join("; ", result.Error.Fields?.Select(f => $"{f.Field}: {f.Message}") ?? [result.Error.Message]);
            return;
        }
        Cases = result.Value;
    }

    public string RowClass(CaseSummary item) =>
        item.Overdue ? "overdue" : item.Status is CaseStatus.Final or CaseStatus.Cancelled || item.ClockPaused ? "" : item.DueAt - Now < SoonWindow ? "soon" : "";

    public string ModalityName(string id) => Modalities.FirstOrDefault(m => m.Id == id)?.Name ?? id;

    public string PageLink(int page) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(
            Url.Page("/Workbench/Index", new { status = Status, modality = Modality, policy = Policy })!, "page", page.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>1 when absent or not a number; a number beyond the last page the store can reach is that page.</summary>
    public static int RequestedPage(string? text)
    {
        if (string.IsNullOrEmpty(text) || !text.All(char.IsAsciiDigit)) return 1;
        return long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var page)
            ? (int)Math.Clamp(page, 1, MaxPage)
            : MaxPage;
    }
}
