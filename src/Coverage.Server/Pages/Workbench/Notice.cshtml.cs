using Coverage.Server.Security;
using Coverage.Server.Workbench;
using Coverage.Server.Workbench.Notices;
using Coverage.Store;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Coverage.Server.Pages.Workbench;

/// <summary>The printable adverse determination notice of one upheld line; the PDF renders the same notice.</summary>
public sealed class NoticeModel(CaseService cases, CatalogueVersions catalogues, NoticeBuilder notices) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    [BindProperty(SupportsGet = true)]
    public int Sequence { get; set; }

    public AdverseNotice? Notice { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var result = await cases.RecordNoticeAsync(Id, Sequence, "page", HttpContext.Caller(), cancellationToken);
        if (result.Error is not null) return NotFound();
        Notice = notices.Build(await CaseDetails.ReadAsync(result.Value!, catalogues, cancellationToken), Sequence);
        return Notice is null ? NotFound() : Page();
    }
}
