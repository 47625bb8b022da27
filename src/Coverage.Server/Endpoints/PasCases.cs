using Coverage.Engine.Json;
using Coverage.Fhir.Pas;

namespace Coverage.Server.Endpoints;

/// <summary>A stored case as the PAS mapping takes it: one place for the $submit, $inquire and notification answers.</summary>
internal static class PasCases
{
    /// <summary>
    /// The stored case, its determination read once, as <see cref="PriorAuthorizationCase.Of"/> takes it, with a reviewer's
    /// open request for information and the questionnaires it names.
    /// </summary>
    public static async Task<PriorAuthorizationCase> OfAsync(CaseView view, InformationRequestQuestionnaires requested, CancellationToken cancellationToken)
    {
        var theCase = PriorAuthorizationCase.Of(
            view.Id, view.Status, new DateTimeOffset(view.UpdatedAt, TimeSpan.Zero), DeterminationReader.Read(view.DeterminationJson),
            [.. view.Decisions.Select(d => new ReviewerDecision(d.Sequence, d.Action, d.Rationale, new DateTimeOffset(d.DecidedAt, TimeSpan.Zero)))],
            [.. view.CancelledLines.Select(c => (c.Sequence, c.Code))]);
        return view.InformationRequest is { } needed
            ? theCase with { InformationRequest = new OpenInformationRequest(needed, await requested.OfOpenRequestAsync(view, cancellationToken)) }
            : theCase;
    }
}
