using Coverage.Engine.Json;
using Coverage.Engine.Model;
using Coverage.Store.Entities;

namespace Coverage.Store;

/// <summary>
/// Between a stored case and the workflow's <see cref="CaseState"/>: the workflow decides a state, the record
/// keeps it. Held lines are kept as space-separated sequences; the list filters as rows (<see cref="CaseFilterRecord"/>).
/// </summary>
internal static class CaseRecordState
{
    /// <summary>The state of a stored case (its decisions loaded).</summary>
    public static CaseState Of(CaseRecord record) => new(
        record.Id, record.Status, record.FinalOutcome, record.FinalizedAt, record.InformationRequest,
        HeldLines(record), Lines(record.DeterminationJson),
        record.Decisions.Select(d => new DecidedLine(d.Sequence, d.Action)).ToList());

    /// <summary>The determination's lines, by sequence, as the workflow weighs them (read by the contract's one reader).</summary>
    private static Dictionary<int, CaseLine> Lines(Utf8Json determinationJson) =>
        DeterminationReader.ReadLineSummaries(determinationJson).ToDictionary(
            line => line.Sequence,
            line => new CaseLine(line.Sequence, line.Outcome.ToWire(), line.Outcome, line.RequiresPhysicianReview));

    /// <summary>Keeps where the workflow left the case: status, final outcome, information request and held lines.</summary>
    public static void Keep(CaseRecord record, CaseState state)
    {
        record.Status = state.Status;
        record.FinalOutcome = state.FinalOutcome;
        record.FinalizedAt = state.FinalizedAt;
        record.InformationRequest = state.InformationRequest;
        // The first decision is a fact of the case's history: kept once, never moved by a later change.
        if (state.Status == CaseStatus.Final && record.FirstDecidedAt is null)
        {
            record.FirstDecidedAt = state.FinalizedAt;
            record.FirstOutcome = state.FinalOutcome;
        }
        if (!HeldLines(record).SetEquals(state.HeldLines))
            record.HeldLines = state.HeldLines.Count == 0 ? null : string.Join(' ', state.HeldLines.Order());
    }

    /// <summary>
    /// Takes a (re-)evaluation into the case: the determination, its outcome, the standing the workflow gives it,
    /// and the filter rows of its policies and modalities; answers that standing.
    /// </summary>
    public static CaseState TakeDetermination(CaseRecord record, Determination determination, DateTime now)
    {
        record.DeterminationJson = DeterminationWriter.ToUtf8Json(determination);
        record.Outcome = determination.Outcome.ToWire();
        var state = CaseWorkflow.AfterEvaluation(record.Id, determination, record.Decisions.Select(d => new DecidedLine(d.Sequence, d.Action)).ToList(), now);
        Keep(record, state);
        CaseFilterRows.Replace(record, CaseFilterRecord.PolicyKind, CaseWorkflow.PoliciesOf(determination));
        CaseFilterRows.Replace(record, CaseFilterRecord.ModalityKind, CaseWorkflow.ModalitiesOf(determination));
        record.UpdatedAt = now;
        return state;
    }

    /// <summary>The lines the provider cancelled (<see cref="CaseRecord.CancelledLines"/>: sequence:code, space-separated).</summary>
    public static IReadOnlyList<CancelledLine> CancelledLines(CaseRecord record) =>
        [.. (record.CancelledLines ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split(':', 2))
            .Select(pair => new CancelledLine(int.Parse(pair[0], System.Globalization.CultureInfo.InvariantCulture), pair[1]))];

    /// <summary>Keeps the cancelled lines, in sequence order; null when none.</summary>
    public static void KeepCancelled(CaseRecord record, IEnumerable<CancelledLine> lines)
    {
        var ordered = lines.DistinctBy(l => l.Sequence).OrderBy(l => l.Sequence).ToList();
        record.CancelledLines = ordered.Count == 0 ? null : string.Join(' ', ordered.Select(l => $"{l.Sequence}:{l.Code}"));
    }

    public static IReadOnlySet<int> HeldLines(CaseRecord record) =>
        (record.HeldLines ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToHashSet();
}
