using Coverage.Fhir;
using Coverage.Store;
using Hl7.Fhir.Model;

namespace Coverage.Server.Subscriptions;

/// <summary>
/// Keeps the PAS request Bundle of a submission that is not final (pended): when its response changes, the
/// subscription notification carries the full PAS response Bundle (spec-61), built from the request as sent.
/// </summary>
internal static class PendedRequests
{
    public static async System.Threading.Tasks.Task KeepAsync(HttpContext context, CaseView theCase, Bundle request, CancellationToken cancellationToken)
    {
        if (theCase.Status == CaseStatus.Final) return;
        await context.RequestServices.GetRequiredService<PasSubscriptions>().KeepPasRequestAsync(theCase.Id, FhirJson.Serialize(request), cancellationToken);
    }
}
