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

    /// <summary>GET /workbench/cases/{id}/appeal-notice.pdf: the decision notice of a decided appeal, as a PDF (a read of the case, audited).</summary>
    public static async Task<IResult> AppealPdf(Guid id, HttpContext context, CaseService cases, AppealNoticeBuilder notices, CancellationToken cancellationToken)
    {
        var result = await cases.GetAsync(id, context.Caller(), cancellationToken);
        if (result.Error is not null || notices.Build(result.Value!) is not { } notice) return TypedResults.NotFound();
        return TypedResults.File(NoticePdf.Render(notice, cancellationToken), "application/pdf", notice.FileName);
    }
}
