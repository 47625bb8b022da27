using Coverage.Engine.Evaluation;
using Coverage.Engine.Model;
using Coverage.Engine.Validation;

namespace Coverage.Cases;

public static partial class CaseWorkflow
{
    /// <summary>Free text a reviewer writes: a rationale is quoted in the member's notice; at most this long.</summary>
    public const int MaxRationaleLength = 4000;

    /// <summary>
    /// Who may decide: only a configured physician (a person, not a machine client) may uphold or overturn
    /// (spec section 6). The decider is the authenticated caller, never a name in a body.
    /// </summary>
    public static StoreError? MayDecide(Caller caller) =>
        caller.IsPhysician ? null
        : new StoreError(StoreErrorKind.Forbidden, caller.Person is null
            ? "Only a physician, signed in as themself, may decide a medical-necessity recommendation; a client's own token cannot decide."
            : $"Only a physician may decide a medical-necessity recommendation; {caller.Person.Id} is a {caller.Person.Role}.");

    /// <summary>A submission's own faults, before any case is read: no lines, a line twice, an unknown action, no or too long a rationale.</summary>
    public static IReadOnlyList<InputError> Validate(DecisionSubmission submission)
    {
        var errors = new List<InputError>();
        if (submission.Lines.Count == 0) errors.Add(new("lines", "required: at least one line decision"));
        for (var i = 0; i < submission.Lines.Count; i++)
        {
            var line = submission.Lines[i];
            if (submission.Lines.Take(i).Any(l => l.Sequence == line.Sequence)) errors.Add(new($"lines[{i}].sequence", $"line {line.Sequence} is decided twice"));
            if (line.Action is not (DecisionActions.Uphold or DecisionActions.Overturn))
                errors.Add(new($"lines[{i}].action", $"'{InputEcho.Truncate(line.Action)}' is not uphold or overturn"));
            if (string.IsNullOrWhiteSpace(line.Rationale)) errors.Add(new($"lines[{i}].rationale", "required: the reviewer's rationale"));
            else if (line.Rationale.Length > MaxRationaleLength) errors.Add(new($"lines[{i}].rationale", $"at most {MaxRationaleLength} characters ({line.Rationale.Length} given)"));
        }
        return errors;
    }

    /// <summary>Whether a line waits for a physician: an adverse medical-necessity recommendation, or a line held for one to confirm.</summary>
    public static bool NeedsDecision(CaseState state, CaseLine line) =>
        line.RequiresPhysicianReview || state.HeldLines.Contains(line.Sequence);

    /// <summary>
    /// The rule a submission breaks on this case, if any: a final case's decisions never change; a case waiting
    /// for information is decided once it has it; only lines waiting for a physician are decided, each once; a
    /// held line is confirmed (upheld), never overturned — to question it, a reviewer asks for information.
    /// </summary>
    public static StoreError? CheckDecisions(CaseState state, DecisionSubmission submission)
    {
        if (state.Status == CaseStatus.Final)
            return new StoreError(StoreErrorKind.Conflict, $"Case {state.Id} is final; its decisions cannot change.");
        if (state.Status == CaseStatus.PendingInformation)
            return new StoreError(StoreErrorKind.Conflict, $"Case {state.Id} is waiting for information; it can be decided once the information is added.");
        foreach (var decision in submission.Lines)
        {
            if (!state.Lines.TryGetValue(decision.Sequence, out var line))
                return new StoreError(StoreErrorKind.Unprocessable, $"Case {state.Id} has no line {decision.Sequence}.");
            if (!NeedsDecision(state, line))
                return new StoreError(StoreErrorKind.Unprocessable,
                    $"Line {decision.Sequence} ({line.Outcome}) is not a medical-necessity recommendation; there is nothing for a reviewer to decide.");
            if (!line.RequiresPhysicianReview && decision.Action == DecisionActions.Overturn)
                return new StoreError(StoreErrorKind.Unprocessable,
                    $"Line {decision.Sequence} ({line.Outcome}) was held for review after information was added: uphold confirms its re-evaluation; to question it, ask for information.");
            if (state.Decisions.Any(d => d.Sequence == decision.Sequence))
                return new StoreError(StoreErrorKind.Conflict, $"Line {decision.Sequence} of case {state.Id} is already decided.");
        }
        return null;
    }

    /// <summary>
    /// The case once the submission's decisions are recorded (checked by <see cref="CheckDecisions"/>): final at
    /// <paramref name="now"/>, with its final outcome, when no line waits for a physician any more; else as it was.
    /// </summary>
    public static CaseState AfterDecisions(CaseState state, DecisionSubmission submission, DateTime now)
    {
        var decided = state with { Decisions = [.. state.Decisions, .. submission.Lines.Select(d => new DecidedLine(d.Sequence, d.Action))] };
        var waiting = decided.Lines.Values.Any(l => NeedsDecision(decided, l) && decided.Decisions.All(d => d.Sequence != l.Sequence));
        return waiting ? decided : decided with { Status = CaseStatus.Final, FinalizedAt = now, FinalOutcome = FinalOutcome(decided) };
    }

    /// <summary>
    /// The request outcome with the decisions applied: an overturned medical-necessity denial is approved; an
    /// upheld one (or a confirmed held line) stands; the lines are aggregated as the engine aggregates them.
    /// </summary>
    public static string FinalOutcome(CaseState state)
    {
        var outcomes = state.Lines.Values.Select(line =>
        {
            var decision = state.Decisions.FirstOrDefault(d => d.Sequence == line.Sequence);
            return decision?.Action == DecisionActions.Overturn ? LineOutcome.Covered : line.LineOutcome;
        }).ToList();
        return Evaluator.Aggregate(outcomes).ToWire();
    }
}
