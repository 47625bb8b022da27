using Coverage.Engine.Evaluation;
using Coverage.Engine.Model;
using Coverage.Engine.Validation;

namespace Coverage.Cases;

public static partial class CaseWorkflow
{
    /// <summary>What an appeal's reason, a peer-to-peer summary or an external review's note may hold: at most this long.</summary>
    public const int MaxAppealTextLength = 4000;

    /// <summary>A line's result once the physicians' decisions are applied: an overturned line is covered.</summary>
    public static LineOutcome FinalLineOutcome(CaseState state, CaseLine line) =>
        state.Decisions.FirstOrDefault(d => d.Sequence == line.Sequence)?.Action == DecisionActions.Overturn ? LineOutcome.Covered : line.LineOutcome;

    /// <summary>The lines of a final case whose result is adverse (denied, for whatever reason): what an appeal contests.</summary>
    public static IReadOnlyList<int> AdverseLines(CaseState state) =>
        state.Status != CaseStatus.Final ? []
        : state.Lines.Values.Where(l => IsAdverse(FinalLineOutcome(state, l))).Select(l => l.Sequence).Order().ToList();

    /// <summary>A line's final result is adverse: denied for whatever reason (medical necessity, plan exclusion, coding).</summary>
    public static bool IsAdverse(LineOutcome finalOutcome) =>
        finalOutcome is not (LineOutcome.Covered or LineOutcome.NotAddressed or LineOutcome.InformationRequired);

    /// <summary>An appeal says on whose behalf it is filed (member or provider), why, in at most <see cref="MaxAppealTextLength"/> characters.</summary>
    public static IReadOnlyList<InputError> Validate(AppealSubmission submission)
    {
        var errors = new List<InputError>();
        if (!AppealFilers.Rest.Contains(submission.FiledBy) && submission.FiledBy != AppealFilers.Pas)
            errors.Add(new("filedBy", $"'{InputEcho.Truncate(submission.FiledBy)}' is not one of {string.Join(", ", AppealFilers.Rest)}"));
        if (string.IsNullOrWhiteSpace(submission.Reason)) errors.Add(new("reason", "required: why the determination is contested"));
        else if (submission.Reason.Length > MaxAppealTextLength) errors.Add(new("reason", $"at most {MaxAppealTextLength} characters ({submission.Reason.Length} given)"));
        return errors;
    }

    /// <summary>
    /// Who may file: payer staff record an appeal the member or the provider sent them; a provider's own system files
    /// only as the provider on the member's behalf (it cannot speak as the member).
    /// </summary>
    public static StoreError? MayFileAppeal(Caller caller, AppealSubmission submission) =>
        caller.Access == CallerAccess.PayerStaff || submission.FiledBy is AppealFilers.Provider or AppealFilers.Pas ? null
        : new StoreError(StoreErrorKind.Forbidden, "A provider's system files an appeal on the member's behalf (filedBy: provider); the member's own appeal is recorded by the payer's staff.");

    /// <summary>
    /// The rule an appeal breaks, if any: only a final initial determination with an adverse line is appealed (an
    /// appeal's own result goes to external review), one open appeal at a time, no more decided appeals than the line
    /// of business gives levels of internal appeal (<see cref="AppealLevels"/>: one, whatever the appeal found),
    /// within the plan's filing window from the decision's notice (29 CFR 2560.503-1(h)(3)(i): at least 180 days).
    /// </summary>
    /// <param name="isAppeal">The case is itself an appeal.</param>
    /// <param name="decidedAppeals">The appeals of the case that were decided (a withdrawn, cancelled appeal is not one).</param>
    /// <param name="lineOfBusiness">The case's line of business: how many levels of internal appeal it gives.</param>
    /// <param name="noticeAt">When the adverse decision (and its notice) was made.</param>
    public static StoreError? CheckAppeal(
        CaseState original, bool isAppeal, bool hasOpenAppeal, IReadOnlyList<DecidedAppeal> decidedAppeals, string? lineOfBusiness,
        DateTime? noticeAt, int windowDays, DateTime now)
    {
        if (isAppeal)
            return new StoreError(StoreErrorKind.Unprocessable, $"Case {original.Id} is an appeal; its decision is contested by asking for an external review.");
        if (original.Status != CaseStatus.Final)
            return new StoreError(StoreErrorKind.Conflict, $"Case {original.Id} is {original.Status}; only a final determination is appealed.");
        if (AdverseLines(original).Count == 0)
            return new StoreError(StoreErrorKind.Unprocessable, $"Case {original.Id} has no adverse line; there is nothing to appeal.");
        if (hasOpenAppeal)
            return new StoreError(StoreErrorKind.Conflict, $"Case {original.Id} has an appeal under review; wait for its decision.");
        var levels = AppealLevels.Of(lineOfBusiness);
        if (decidedAppeals.Count >= levels.Levels && decidedAppeals[^1] is { } decided)
            return new StoreError(StoreErrorKind.Conflict,
                $"Case {original.Id} was appealed and its appeal {decided.Id} is decided ({decided.Result}); a determination has {levels.Levels} level of internal appeal ({levels.Source}). " +
                (decided.Result == AppealResults.Overturned
                    ? "The appeal overturned every appealed line: nothing is left to appeal."
                    : $"The appeal's result goes to external review, not to a second appeal: {levels.NextStep}; record it on the appeal (POST /api/v1/cases/{decided.Id}/external-review)."));
        if (noticeAt is { } notice && now > notice.AddDays(windowDays))
            return new StoreError(StoreErrorKind.Unprocessable,
                $"The filing window of case {original.Id} closed on {notice.AddDays(windowDays):yyyy-MM-dd} ({windowDays} days from the notice of {notice:yyyy-MM-dd}).");
        return null;
    }

    /// <summary>
    /// Who may decide an appeal: a physician, signed in as themself, who neither made a decision of the original case
    /// nor reports (directly or through others) to anyone who did (29 CFR 2560.503-1(h)(3)(ii), (h)(4); 42 CFR
    /// 422.590(h)(2)). The reporting line is the operator's reviewer directory, read from the authenticated identity.
    /// </summary>
    /// <param name="originalDeciders">The reviewers whose decisions the original case holds.</param>
    public static StoreError? MayDecideAppeal(Caller caller, IReadOnlyCollection<string> originalDeciders)
    {
        if (MayDecide(caller) is { } notPhysician) return notPhysician;
        var person = caller.Person!;
        if (originalDeciders.Contains(person.Id, StringComparer.Ordinal))
            return new StoreError(StoreErrorKind.Forbidden, $"{person.Id} decided the determination this appeal contests; another physician decides the appeal.");
        if (originalDeciders.FirstOrDefault(person.ReportsTo) is { } manager)
            return new StoreError(StoreErrorKind.Forbidden, $"{person.Id} reports to {manager}, who decided the determination this appeal contests; a physician outside that reporting line decides the appeal.");
        return null;
    }

    /// <summary>The rule an appeal decision breaks, if any: a decided appeal stands; only appealed lines are decided, each once.</summary>
    public static StoreError? CheckAppealDecisions(CaseState appeal, IReadOnlySet<int> appealedLines, DecisionSubmission submission)
    {
        if (appeal.Status == CaseStatus.Final)
            return new StoreError(StoreErrorKind.Conflict, $"Appeal {appeal.Id} is decided; its decision stands (an external review may be asked for).");
        foreach (var decision in submission.Lines)
        {
            if (!appealedLines.Contains(decision.Sequence))
                return new StoreError(StoreErrorKind.Unprocessable, $"Line {decision.Sequence} is not a line of appeal {appeal.Id} (appealed: {string.Join(", ", appealedLines.Order())}).");
            if (appeal.Decisions.Any(d => d.Sequence == decision.Sequence))
                return new StoreError(StoreErrorKind.Conflict, $"Line {decision.Sequence} of appeal {appeal.Id} is already decided.");
        }
        return null;
    }

    /// <summary>
    /// The appeal once the submission's decisions are recorded: final when every appealed line is decided, its final
    /// outcome the original case's with the appeal's overturns applied; answered with the appeal's result (null while open).
    /// </summary>
    public static (CaseState Appeal, string? Result) AfterAppealDecisions(CaseState appeal, CaseState original, IReadOnlySet<int> appealedLines, DecisionSubmission submission, DateTime now)
    {
        var decided = appeal with { Decisions = [.. appeal.Decisions, .. submission.Lines.Select(d => new DecidedLine(d.Sequence, d.Action))] };
        if (appealedLines.Any(s => decided.Decisions.All(d => d.Sequence != s))) return (decided, null);
        var outcomes = original.Lines.Values.Select(line =>
            decided.Decisions.FirstOrDefault(d => d.Sequence == line.Sequence) is { } onAppeal
                ? (onAppeal.Action == DecisionActions.Overturn ? LineOutcome.Covered : FinalLineOutcome(original, line))
                : FinalLineOutcome(original, line)).ToList();
        var final = decided with { Status = CaseStatus.Final, FinalizedAt = now, FinalOutcome = Evaluator.Aggregate(outcomes).ToWire() };
        return (final, AppealResults.Of(decided.Decisions.Where(d => appealedLines.Contains(d.Sequence)).Select(d => d.Action).ToList()));
    }

    /// <summary>Only a physician (signed in as themself) records a peer-to-peer discussion; it names the other party and what was said.</summary>
    public static IReadOnlyList<InputError> Validate(PeerToPeerSubmission submission)
    {
        var errors = new List<InputError>();
        if (string.IsNullOrWhiteSpace(submission.With)) errors.Add(new("with", "required: the provider the discussion was held with"));
        else if (submission.With.Length > 256) errors.Add(new("with", $"at most 256 characters ({submission.With.Length} given)"));
        if (string.IsNullOrWhiteSpace(submission.Summary)) errors.Add(new("summary", "required: what was discussed"));
        else if (submission.Summary.Length > MaxAppealTextLength) errors.Add(new("summary", $"at most {MaxAppealTextLength} characters ({submission.Summary.Length} given)"));
        return errors;
    }

    /// <summary>
    /// The rule an external review step breaks, if any: only a decided appeal that did not overturn every line goes to
    /// external review; it is requested once, and its result is recorded once, after the request. A partial reversal
    /// names lines the appeal left adverse (<see cref="LinesLeftAdverse"/>), not all of them.
    /// </summary>
    public static StoreError? CheckExternalReview(CaseState appeal, bool isAppeal, string? appealResult, DateTime? requestedAt, string? recordedResult, ExternalReviewSubmission submission)
    {
        if (!isAppeal)
            return new StoreError(StoreErrorKind.Unprocessable, $"Case {appeal.Id} is not an appeal; an external review follows an appeal's decision.");
        if (appeal.Status != CaseStatus.Final || appealResult is null)
            return new StoreError(StoreErrorKind.Conflict, $"Appeal {appeal.Id} is not decided yet.");
        if (submission.Result is null)
        {
            if (appealResult == AppealResults.Overturned)
                return new StoreError(StoreErrorKind.Unprocessable, $"Appeal {appeal.Id} overturned the denial; there is nothing for an external review to decide.");
            if (requestedAt is not null) return new StoreError(StoreErrorKind.Conflict, $"An external review of appeal {appeal.Id} was already requested.");
            return null;
        }
        if (requestedAt is null) return new StoreError(StoreErrorKind.Conflict, $"No external review of appeal {appeal.Id} was requested.");
        if (recordedResult is not null) return new StoreError(StoreErrorKind.Conflict, $"The external review of appeal {appeal.Id} is already recorded ({recordedResult}).");
        if (submission.Result == AppealResults.PartiallyOverturned)
        {
            var adverse = LinesLeftAdverse(appeal);
            var outside = submission.Lines!.Where(l => !adverse.Contains(l)).ToList();
            if (outside.Count > 0)
                return new StoreError(StoreErrorKind.Unprocessable,
                    $"Line {string.Join(", ", outside)} is not a line appeal {appeal.Id} left adverse (adverse: {string.Join(", ", adverse)}).");
            if (adverse.All(submission.Lines!.Contains))
                return new StoreError(StoreErrorKind.Unprocessable,
                    $"A partial reversal names some of the lines appeal {appeal.Id} left adverse, not all of them ({string.Join(", ", adverse)}); record it as overturned.");
        }
        return null;
    }

    /// <summary>The lines a decided appeal left adverse: what an external review can still overturn.</summary>
    public static IReadOnlyList<int> LinesLeftAdverse(CaseState appeal) =>
        appeal.Lines.Values.Where(l => appeal.Decisions.Any(d => d.Sequence == l.Sequence && d.Action == DecisionActions.Uphold))
            .Select(l => l.Sequence).Order().ToList();

    /// <summary>
    /// The lines an external review's result overturns: every line the appeal left adverse when it overturned the
    /// decision, the lines it names when it overturned part of it, none when it upheld it.
    /// </summary>
    public static IReadOnlyList<int> LinesOverturnedBy(CaseState appeal, ExternalReviewSubmission submission) => submission.Result switch
    {
        AppealResults.Overturned => LinesLeftAdverse(appeal),
        AppealResults.PartiallyOverturned => [.. submission.Lines!.Distinct().Order()],
        _ => [],
    };

    /// <summary>
    /// The appeal once an external review overturned <paramref name="overturned"/>: the payer is bound by the reversal
    /// and covers those lines at once (45 CFR 147.136(d)(2)(iv), 29 CFR 2590.715-2719(d)(2)(iv); for Medicare
    /// Advantage 42 CFR 422.618(b) and 422.619(c)), so the final outcome is recomputed with them covered.
    /// </summary>
    public static CaseState AfterExternalReview(CaseState appeal, IReadOnlyCollection<int> overturned)
    {
        if (overturned.Count == 0) return appeal;
        var outcomes = appeal.Lines.Values.Select(line => overturned.Contains(line.Sequence) ? LineOutcome.Covered : FinalLineOutcome(appeal, line)).ToList();
        return appeal with { FinalOutcome = Evaluator.Aggregate(outcomes).ToWire() };
    }

    /// <summary>
    /// An external review step names the review organisation; a result is one of <see cref="AppealResults"/>; lines
    /// are named with a partial reversal, and only with it.
    /// </summary>
    public static IReadOnlyList<InputError> Validate(ExternalReviewSubmission submission)
    {
        var errors = new List<InputError>();
        if (string.IsNullOrWhiteSpace(submission.Organisation)) errors.Add(new("organisation", "required: the independent review organisation"));
        else if (submission.Organisation.Length > 256) errors.Add(new("organisation", $"at most 256 characters ({submission.Organisation.Length} given)"));
        if (submission.Result is { } result && !AppealResults.All.Contains(result))
            errors.Add(new("result", $"'{InputEcho.Truncate(result)}' is not one of {string.Join(", ", AppealResults.All)}"));
        if (submission.Note is { Length: > MaxAppealTextLength }) errors.Add(new("note", $"at most {MaxAppealTextLength} characters ({submission.Note.Length} given)"));
        if (submission.Result == AppealResults.PartiallyOverturned && submission.Lines is not { Count: > 0 })
            errors.Add(new("lines", "required with a partial reversal: the sequences of the lines the review overturned"));
        else if (submission.Result != AppealResults.PartiallyOverturned && submission.Lines is not null)
            errors.Add(new("lines", "only with result partially-overturned (an overturned decision covers every line the appeal left adverse)"));
        return errors;
    }
}
