using Coverage.Engine.Json;
using Coverage.Fhir.Pas;

namespace Coverage.Server.Endpoints;

/// <summary>A stored case as the PAS mapping takes it: one place for the $submit, $inquire and notification answers.</summary>
internal static class PasCases
{
    /// <summary>
    /// The stored case, its determination read once (or, for a case just evaluated, taken as evaluated), as
    /// <see cref="PriorAuthorizationCase.Of"/> takes it, with a reviewer's open request for information and the
    /// questionnaires it names.
    /// </summary>
    public static async Task<PriorAuthorizationCase> OfAsync(CaseView view, InformationRequestQuestionnaires requested, CancellationToken cancellationToken)
    {
        var theCase = PriorAuthorizationCase.Of(
            view.Id, view.Status, new DateTimeOffset(view.UpdatedAt, TimeSpan.Zero), view.Evaluated ?? DeterminationReader.Read(view.DeterminationJson),
            Decisions(view), [.. view.CancelledLines.Select(c => (c.Sequence, c.Code))]);
        return view.InformationRequest is { } needed
            ? theCase with { InformationRequest = new OpenInformationRequest(needed, await requested.OfOpenRequestAsync(view, cancellationToken)) }
            : theCase;
    }

    /// <summary>
    /// The decisions the provider is answered with: the physicians', and for an appeal whose external review overturned
    /// lines, that reversal in place of the appeal's own decision on them (the payer is bound by it).
    /// </summary>
    private static List<ReviewerDecision> Decisions(CaseView view)
    {
        var overturned = view.Appeal?.ExternalReviewOverturnedLines ?? [];
        var decisions = view.Decisions
            .Where(d => !overturned.Contains(d.Sequence))
            .Select(d => new ReviewerDecision(d.Sequence, d.Action, d.Rationale, new DateTimeOffset(d.DecidedAt, TimeSpan.Zero)))
            .ToList();
        if (overturned.Count > 0)
        {
            var reversal = $"Overturned by the external review of {view.Appeal!.ExternalReviewOrganisation}. {view.Appeal.ExternalReviewNote}".TrimEnd();
            var at = new DateTimeOffset(view.Appeal.ExternalReviewDecidedAt ?? view.UpdatedAt, TimeSpan.Zero);
            decisions.AddRange(overturned.Select(sequence => new ReviewerDecision(sequence, DecisionActions.Overturn, reversal, at)));
        }
        return [.. decisions.OrderBy(d => d.Sequence)];
    }
}
