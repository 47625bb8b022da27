using Coverage.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace Coverage.Store.Commands;

/// <summary>
/// A physician decides the lines of an appeal: only one who neither decided the original case nor reports to anyone
/// who did (<see cref="CaseWorkflow.MayDecideAppeal"/>, from the authenticated identity and the operator's reviewer
/// directory). Once every appealed line is decided the appeal is final with its result (upheld, overturned,
/// partially overturned), audited on the appeal and on the original case.
/// </summary>
internal sealed class DecideAppeal(CaseRecords records)
{
    public async Task<StoreResult<CaseView>> HandleAsync(CaseRecord appeal, DecisionSubmission submission, Caller caller, CancellationToken cancellationToken)
    {
        var original = await records.LoadLinkedAsync(appeal.AppealOf!.Value, cancellationToken);
        if (original is null) return StoreResult<CaseView>.Fail(StoreErrorKind.Conflict, $"Appeal {appeal.Id} names a case that is not stored ({appeal.AppealOf}).");
        var deciders = original.Decisions.Select(d => d.ReviewerId).Distinct().ToList();
        if (CaseWorkflow.MayDecideAppeal(caller, deciders) is { } refused)
        {
            records.Audit(appeal, records.Now(), "appeal-decision-refused", caller.Actor, refused.Message);
            await records.SaveChangesAsync(cancellationToken);
            return StoreResult<CaseView>.Fail(refused);
        }
        var state = CaseRecordState.Of(appeal);
        var appealed = AppealedLines(appeal);
        if (CaseWorkflow.CheckAppealDecisions(state, appealed, submission) is { } broken) return StoreResult<CaseView>.Fail(broken);

        var now = records.Now();
        var reviewer = caller.Person!;
        foreach (var decision in submission.Lines)
        {
            appeal.Decisions.Add(new LineDecisionRecord
            {
                CaseId = appeal.Id, Sequence = decision.Sequence, Action = decision.Action, Rationale = decision.Rationale,
                ReviewerId = reviewer.Id, ReviewerName = reviewer.Name, ReviewerRole = reviewer.Role, DecidedAt = now,
            });
            records.Audit(appeal, now, "appeal-line-decided", caller.Actor,
                $"Line {decision.Sequence}: {decision.Action} on appeal by {reviewer.Role} {reviewer.Name}. Rationale: {decision.Rationale}");
        }
        var (decided, result) = CaseWorkflow.AfterAppealDecisions(state, CaseRecordState.Of(original), appealed, submission, now);
        if (result is not null)
        {
            CaseRecordState.Keep(appeal, decided);
            appeal.AppealResult = result;
            records.Audit(appeal, now, "appeal-decided", caller.Actor, $"Appeal {result}; final outcome {appeal.FinalOutcome}.");
            records.Audit(original, now, "appeal-decided", caller.Actor, $"Appeal {appeal.Id} {result}; final outcome on appeal {appeal.FinalOutcome}.");
            await SubscriptionOutbox.EnqueueAsync(records.Db, appeal, now, cancellationToken);
        }
        appeal.UpdatedAt = now;
        appeal.Revision++;
        try
        {
            await records.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (StoreFailures.IsConflict(e))
        {
            return StoreResult<CaseView>.Fail(StoreErrorKind.Conflict, $"Appeal {appeal.Id} was changed by someone else at the same time; reload it and decide again.");
        }
        return StoreResult<CaseView>.Ok(CaseViews.View(appeal));
    }

    public static IReadOnlySet<int> AppealedLines(CaseRecord appeal) =>
        (appeal.AppealedLines ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToHashSet();
}
