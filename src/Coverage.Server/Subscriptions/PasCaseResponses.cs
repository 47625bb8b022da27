using Coverage.Engine.Catalogue;
using Coverage.Fhir;
using Coverage.Fhir.Pas;
using Coverage.Server.CdsHooks;
using Coverage.Store;
using Hl7.Fhir.Model;

namespace Coverage.Server.Subscriptions;

/// <summary>
/// The PAS response Bundle of a case as it stands now, built from the PAS request it was submitted with: what an event
/// notification carries, and what $events returns for an event again. Reading (the store) and building are apart, so that
/// a store that is away is told from a kept case that can no longer be built.
/// </summary>
public sealed class PasCaseResponses(PolicyCatalogue catalogue, CrdSettings settings, InformationRequestQuestionnaires requested, ReviewReasonCodes reasons)
{
    /// <summary>The case and its kept PAS request, or null when either is no longer kept.</summary>
    public async Task<KeptPasCase?> ReadAsync(SubscriptionDeliveries deliveries, Guid caseId, CancellationToken cancellationToken)
    {
        var requestJson = await deliveries.PasRequestAsync(caseId, cancellationToken);
        var view = await deliveries.CaseAsync(caseId, cancellationToken);
        if (requestJson is null || view is null) return null;
        return new KeptPasCase(view.Tenant, requestJson, await Endpoints.PasCases.OfAsync(view, requested, cancellationToken));
    }

    /// <summary>The response Bundle (PasResponse.Build); throws when the kept request can no longer be read.</summary>
    public Bundle Build(KeptPasCase kept, DateTimeOffset now)
    {
        var request = (FhirJson.Parse<Bundle>(kept.RequestJson, out _) is { } bundle ? PasRequest.Read(bundle, catalogue.Facts, out _) : null)
            ?? throw new InvalidOperationException("The kept PAS request can no longer be read.");
        return PasResponse.Build(request.Parties, kept.Case, $"{settings.BaseUrl}/api/v1/cases", now, reasons);
    }
}

/// <summary>A case as a PAS response is built from it: its organisation, the PAS request it came with, and its state now.</summary>
public sealed record KeptPasCase(string Tenant, string RequestJson, PriorAuthorizationCase Case);
