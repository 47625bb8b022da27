using Coverage.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace Coverage.Store.Commands;

/// <summary>
/// Records a physician's decisions on lines of a case, and finalises the case once no line waits for one. Who may
/// decide, which lines and how, and when the case is final are the workflow's rules (<see cref="CaseWorkflow"/>).
/// </summary>
internal sealed class DecideLines(CaseRecords records)
{
    public async Task<StoreResult<CaseView>> HandleAsync(Guid id, DecisionSubmission submission, Caller caller, CancellationToken cancellationToken)
    {
        if (CaseWorkflow.MayDecide(caller) is { } forbidden) return StoreResult<CaseView>.Fail(forbidden);
        var invalid = CaseWorkflow.Validate(submission);
        if (invalid.Count > 0) return StoreResult<CaseView>.Fail(StoreErrorKind.Invalid, "The decision is malformed.", invalid);

        var record = await records.LoadForAsync(id, caller, cancellationToken);
        if (record is null) return CaseRecords.NotFound<CaseView>(id);
        if (record.AppealOf is not null) return await new DecideAppeal(records).HandleAsync(record, submission, caller, cancellationToken);
        var state = CaseRecordState.Of(record);
        if (CaseWorkflow.CheckDecisions(state, submission) is { } broken) return StoreResult<CaseView>.Fail(broken);

        var now = records.Now();
        var reviewer = caller.Person!;
        foreach (var decision in submission.Lines)
        {
            record.Decisions.Add(new LineDecisionRecord
            {
                CaseId = record.Id,
                Sequence = decision.Sequence,
                Action = decision.Action,
                Rationale = decision.Rationale,
                ReviewerId = reviewer.Id,
                ReviewerName = reviewer.Name,
                ReviewerRole = reviewer.Role,
                DecidedAt = now,
            });
            records.Audit(record, now, "line-decided", caller.Actor,
                $"Line {decision.Sequence}: {decision.Action} by {reviewer.Role} {reviewer.Name}. Rationale: {decision.Rationale}");
        }

        var decided = CaseWorkflow.AfterDecisions(state, submission, now);
        if (decided.Status == CaseStatus.Final)
        {
            CaseRecordState.Keep(record, decided);
            records.Audit(record, now, "case-finalized", caller.Actor, $"Every line is decided; final outcome {record.FinalOutcome}.");
        }
        record.UpdatedAt = now;
        record.Revision++;
        // The PAS response changed: its subscriptions' notifications are kept with the change (transactional outbox).
        await SubscriptionOutbox.EnqueueAsync(records.Db, record, now, cancellationToken);
        try
        {
            await records.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (StoreFailures.IsConflict(e))
        {
            // Only a lost race: a value the database refused (a data exception) is no conflict, and goes on to the error responders.
            return StoreResult<CaseView>.Fail(StoreErrorKind.Conflict, $"Case {id} was changed by someone else at the same time; reload it and decide again.");
        }
        return StoreResult<CaseView>.Ok(CaseViews.View(record));
    }
}
