namespace Coverage.Cases;

public static partial class CaseWorkflow
{
    /// <summary>
    /// The rule an update breaks on this case, if any (docs/decisions.md, "PAS claim updates"): a cancelled case takes
    /// no update; a line a physician decided is never changed by one (the decision stands; the provider asks for the
    /// changed service as a new line or a new request), but it may be cancelled; a cancelled line does not come back;
    /// only lines of the case are cancelled.
    /// </summary>
    /// <param name="cancelledBefore">Lines cancelled by earlier updates.</param>
    /// <remarks>An update that contests the determination (<see cref="Contests"/>) is not applied to the case: it files an appeal of it.</remarks>
    public static StoreError? CheckUpdate(CaseState state, LineChanges changes, IReadOnlySet<int> cancelledBefore)
    {
        if (state.Status == CaseStatus.Cancelled)
            return new StoreError(StoreErrorKind.Conflict, $"Case {state.Id} was cancelled; submit a new request.");
        foreach (var sequence in changes.Changed.Order())
            if (state.Decisions.Any(d => d.Sequence == sequence))
                return new StoreError(StoreErrorKind.Conflict,
                    $"Line {sequence} of case {state.Id} was decided by a physician; its decision stands. Send the changed service as a new line or a new request.");
        foreach (var sequence in changes.Added.Order())
            if (cancelledBefore.Contains(sequence))
                return new StoreError(StoreErrorKind.Unprocessable, $"Line {sequence} of case {state.Id} was cancelled; send the service again under a new sequence.");
        foreach (var sequence in changes.Cancelled.Order())
            if (!state.Lines.ContainsKey(sequence) && !cancelledBefore.Contains(sequence))
                return new StoreError(StoreErrorKind.Unprocessable, $"Case {state.Id} has no line {sequence} to cancel.");
        return null;
    }

    /// <summary>
    /// Whether a provider's update contests the case's denial rather than changing the request (PAS certificationType 1
    /// or 2, issue 18): it becomes an appeal, a case of its own (<see cref="CheckAppeal"/>), and the case is left as it is.
    /// </summary>
    public static bool Contests(CaseUpdate update) => update.AppealPriority is not null;

    /// <summary>
    /// The case after an update's re-evaluation (<see cref="AfterEvaluation"/> with the decisions kept): a line a
    /// physician decided stays decided, so when no line waits for one any more the case is final, with the final
    /// outcome of the decisions applied.
    /// </summary>
    public static CaseState AfterUpdate(CaseState evaluated, DateTime now)
    {
        if (evaluated.Status != CaseStatus.PendingPhysicianReview) return evaluated;
        var waiting = evaluated.Lines.Values.Any(l => NeedsDecision(evaluated, l) && evaluated.Decisions.All(d => d.Sequence != l.Sequence));
        return waiting ? evaluated : evaluated with { Status = CaseStatus.Final, FinalizedAt = now, FinalOutcome = FinalOutcome(evaluated) };
    }

    /// <summary>
    /// The provider withdraws the whole request: the case is cancelled and waits for no one (held lines and any
    /// information request let go). What was decided is kept as it was: a final outcome and the physicians' decisions
    /// stay in the case's history; a case that was not final gets no final outcome.
    /// </summary>
    public static CaseState Cancel(CaseState state, DateTime now) =>
        state with { Status = CaseStatus.Cancelled, InformationRequest = null, HeldLines = new HashSet<int>(), FinalizedAt = state.FinalizedAt ?? now };
}
