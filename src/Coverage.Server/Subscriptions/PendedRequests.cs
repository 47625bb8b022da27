using Coverage.Store;

namespace Coverage.Server.Subscriptions;

/// <summary>
/// Keeps the PAS request Bundle of an update that leaves its case not final (pended): when its response changes, the
/// subscription notification carries the full PAS response Bundle (spec-61), built from the request as sent. (A new
/// case keeps its request in its own transaction: CaseService.SubmitAsync.)
/// </summary>
internal static class PendedRequests
{
    public static async System.Threading.Tasks.Task KeepAsync(HttpContext context, CaseView theCase, Coverage.Engine.Json.Utf8Json requestJson, CancellationToken cancellationToken)
    {
        if (theCase.Status == CaseStatus.Final) return;
        await context.RequestServices.GetRequiredService<PasSubscriptions>().KeepPasRequestAsync(theCase.Id, requestJson, cancellationToken);
    }
}
