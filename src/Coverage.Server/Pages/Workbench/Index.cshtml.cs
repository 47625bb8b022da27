using Coverage.Server.Security;
using Coverage.Engine.Catalogue;
using Coverage.Server.Workbench;
using Coverage.Store;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Coverage.Server.Pages.Workbench;

/// <summary>The queue: open cases, soonest due first, filtered by status, modality and policy.</summary>
public sealed class IndexModel(CaseService cases, PolicyCatalogue catalogue, TimeProvider time) : PageModel
{
    public const int PageSize = 50;
    /// <summary>Cases due within this time are flagged as due soon.</summary>
    public static readonly TimeSpan SoonWindow = TimeSpan.FromHours(24);

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Modality { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Policy { get; set; }

    [BindProperty(SupportsGet = true, Name = "page")]
    public int PageNumber { get; set; } = 1;

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
        var statuses = string.IsNullOrEmpty(Status) ? OpenStatuses : [Status];
        var result = await cases.ListAsync(new CaseQuery
        {
            Statuses = statuses,
            Modality = string.IsNullOrEmpty(Modality) ? null : Modality,
            Policy = string.IsNullOrEmpty(Policy) ? null : Policy,
            Order = CaseOrder.DueAt,
            Page = Math.Max(1, PageNumber),
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
        item.Status == CaseStatus.Final ? "" : item.DueAt < Now ? "overdue" : item.DueAt - Now < SoonWindow ? "soon" : "";

    public string ModalityName(string id) => Modalities.FirstOrDefault(m => m.Id == id)?.Name ?? id;

    public string PageLink(int page) =>
        Url.Page("/Workbench/Index", new { status = Status, modality = Modality, policy = Policy, page })!;
}
