using Coverage.Server.Security;
using Coverage.Store;

namespace Coverage.Server.Workbench.Notices;

/// <summary>GET /workbench/cases/{id}/notices/{sequence}.pdf: the notice of an upheld denial as a PDF; rendering stops when the request is aborted.</summary>
internal static class NoticeEndpoints
{
    public static async Task<IResult> Pdf(
        Guid id, int sequence, HttpContext context, CaseService cases, CatalogueVersions catalogues, NoticeBuilder notices, CancellationToken cancellationToken)
    {
        var result = await cases.RecordNoticeAsync(id, sequence, "pdf", context.Caller(), cancellationToken);
        if (result.Error is not null) return TypedResults.NotFound();
        var notice = notices.Build(await CaseDetails.ReadAsync(result.Value!, catalogues, cancellationToken), sequence);
        if (notice is null) return TypedResults.NotFound();
        return TypedResults.File(NoticePdf.Render(notice, cancellationToken), "application/pdf", notice.FileName);
    }
}
