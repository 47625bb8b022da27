using Microsoft.EntityFrameworkCore;

namespace Coverage.Store.Commands;

/// <summary>
/// A reviewer (nurse or physician, a configured person) sets a case waiting for a physician aside until the
/// provider sends what is needed (<see cref="CaseWorkflow.WaitForInformation"/>); the request is kept on the case
/// and in its audit, with the questionnaires the provider is asked to complete. The information, once added, re-evaluates
/// the case and so closes the request (<see cref="AddInformation"/>, or a PAS claim update).
/// </summary>
internal sealed class RequestInformation(CaseRecords records)
{
    public async Task<StoreResult<CaseView>> HandleAsync(Guid id, InformationRequestSubmission submission, Caller caller, CancellationToken cancellationToken)
    {
        if (CaseWorkflow.MayRequestInformation(caller) is { } forbidden) return StoreResult<CaseView>.Fail(forbidden);
        var errors = CaseWorkflow.Validate(submission);
        if (errors.Count > 0) return StoreResult<CaseView>.Fail(StoreErrorKind.Invalid, "The information request is malformed.", errors);

        var record = await records.LoadForAsync(id, caller, cancellationToken);
        if (record is null) return CaseRecords.NotFound<CaseView>(id);
        if (record.AppealOf is not null)
            return StoreResult<CaseView>.Fail(StoreErrorKind.Unprocessable, $"Case {id} is an appeal: it is decided on the original request, its determination and the appeal's reason; it does not wait for information.");
        var waiting = CaseWorkflow.WaitForInformation(CaseRecordState.Of(record), submission);
        if (waiting.Error is { } conflict) return StoreResult<CaseView>.Fail(conflict);

        var now = records.Now();
        var reviewer = caller.Person!;
        CaseRecordState.Keep(record, waiting.Value!);
        record.UpdatedAt = now;
        record.Revision++;
        var questionnaires = submission.Questionnaires is { Count: > 0 } named ? $" Questionnaire(s) to complete: {string.Join(", ", named)}." : "";
        records.Audit(record, now, "information-requested", caller.Actor, $"Set to wait for information by {reviewer.Role} {reviewer.Name}. Needed: {record.InformationRequest}{questionnaires}");
        CaseRecordClock.Follow(records, record, caller.Actor, now);
        // The PAS response now carries the request (what is needed, the questionnaire): its subscriptions hear of it.
        await SubscriptionOutbox.EnqueueAsync(records.Db, record, now, cancellationToken);
        try
        {
            await records.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return StoreResult<CaseView>.Fail(StoreErrorKind.Conflict, $"Case {id} was changed by someone else at the same time; reload it and try again.");
        }
        return StoreResult<CaseView>.Ok(CaseViews.View(record));
    }
}
