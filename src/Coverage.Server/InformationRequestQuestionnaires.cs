using Coverage.Engine.Json;
using Coverage.Fhir.Dtr;
using Coverage.Server.CdsHooks;

namespace Coverage.Server;

/// <summary>
/// The questionnaires a reviewer's request for more information names: for each line of the case, the DTR
/// questionnaire its missing facts generate (<see cref="DtrCanonicals.QuestionnairesToComplete"/>), read from the case's
/// determination with the catalogue it was assessed with — so the canonical|version is the one CRD named and
/// <c>$questionnaire-package</c> serves. The request keeps the reviewer's words; the questionnaires follow from the
/// determination, which does not change while the request is open (the answers re-evaluate the case and close it).
/// </summary>
public sealed class InformationRequestQuestionnaires(CatalogueVersions catalogues, CrdSettings settings)
{
    /// <summary>What a request made now would name (the workbench's form shows it before the reviewer asks).</summary>
    public async Task<IReadOnlyList<RequestedQuestionnaire>> ToCompleteAsync(CaseView view, CancellationToken cancellationToken)
    {
        var determination = DeterminationReader.Read(view.DeterminationJson);
        var catalogue = await catalogues.FindAsync(determination.CatalogueDigest, cancellationToken) ?? catalogues.Current;
        return settings.Dtr().QuestionnairesToComplete(catalogue, determination);
    }

    /// <summary>What the case's open request names; none when no reviewer's request is open.</summary>
    public async Task<IReadOnlyList<RequestedQuestionnaire>> OfOpenRequestAsync(CaseView view, CancellationToken cancellationToken) =>
        view.InformationRequest is null ? [] : await ToCompleteAsync(view, cancellationToken);
}
