namespace Coverage.Cases;

public static partial class CaseWorkflow
{
    /// <summary>
    /// An adverse determination notice exists only for a line a physician upheld that was a medical-necessity
    /// recommendation: not for an overturned line, an undecided one, or a held line a physician confirmed.
    /// </summary>
    public static bool HasNotice(CaseState state, int sequence) =>
        state.Decisions.FirstOrDefault(d => d.Sequence == sequence) is { Action: DecisionActions.Uphold }
        && state.Lines.TryGetValue(sequence, out var line) && line.RequiresPhysicianReview;
}
