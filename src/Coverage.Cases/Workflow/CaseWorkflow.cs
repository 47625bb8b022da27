using Coverage.Engine.Model;

namespace Coverage.Cases;

/// <summary>
/// The rules of a case, as pure functions of what they read (no database, no clock: the time is passed in).
/// A determination sets where a case stands (<see cref="AfterEvaluation"/>); a physician decides the lines
/// that need one, the case being final once every such line is (CaseWorkflow.Decisions.cs); a reviewer may set
/// a case to wait for information, and the information re-evaluates it (CaseWorkflow.Information.cs); a notice
/// exists only for a line a physician upheld (CaseWorkflow.Notices.cs).
/// </summary>
public static partial class CaseWorkflow
{
    /// <summary>When a decision is due on a request received at <paramref name="receivedAt"/> under a plan of this line of business (<see cref="DecisionClocks"/>).</summary>
    public static DateTime DueAt(DateTime receivedAt, RequestPriority priority, string? lineOfBusiness = null, bool appeal = false) =>
        receivedAt + DecisionClocks.For(lineOfBusiness, priority, appeal).Timeframe;

    /// <summary>
    /// Where a determination leaves a case: waiting for information when any line needs it, else waiting for a
    /// physician when any line is an adverse medical-necessity recommendation, else final.
    /// </summary>
    public static string StatusOf(Determination determination) =>
        determination.Lines.Any(l => l.Outcome == LineOutcome.InformationRequired) ? CaseStatus.PendingInformation
        : determination.RequiresPhysicianReview ? CaseStatus.PendingPhysicianReview
        : CaseStatus.Final;

    /// <summary>
    /// The case's standing after a (re-)evaluation: the status of <see cref="StatusOf"/>; favourable and
    /// administrative results are final at once (spec section 6), with the request outcome as the final one.
    /// Any information request is answered and any held line let go: the evaluation decides afresh.
    /// </summary>
    /// <param name="decisions">What physicians decided before (kept: a decision is never taken back).</param>
    public static CaseState AfterEvaluation(Guid id, Determination determination, IReadOnlyList<DecidedLine> decisions, DateTime now)
    {
        var status = StatusOf(determination);
        var final = status == CaseStatus.Final;
        return new CaseState(
            id, status,
            FinalOutcome: final ? determination.Outcome.ToWire() : null,
            FinalizedAt: final ? now : null,
            InformationRequest: null,
            HeldLines: new HashSet<int>(),
            Lines: determination.Lines.ToDictionary(l => l.Sequence, CaseLine.Of),
            Decisions: decisions);
    }

    /// <summary>The policies that governed the lines, each once, in line order: what the case is listed by.</summary>
    public static IReadOnlyList<string> PoliciesOf(Determination determination) =>
        determination.Lines.Where(l => l.Policy is not null).Select(l => l.Policy!.Id).Distinct().ToList();

    /// <summary>The modalities of the lines, each once, in line order: what the case is listed by.</summary>
    public static IReadOnlyList<string> ModalitiesOf(Determination determination) =>
        determination.Lines.Where(l => l.Modality is not null).Select(l => l.Modality!).Distinct().ToList();
}
