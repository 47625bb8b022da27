using Microsoft.EntityFrameworkCore;

namespace Coverage.Store.Commands;

/// <summary>
/// A reviewer extends an open case's decision clock, where its rules allow one extension (<see cref="CaseWorkflow.CheckExtension"/>):
/// the due time moves, the reason and the rule are kept on the case and in its audit, and the extension notice to the
/// member is written from them (<see cref="ExtensionNotice"/>).
/// </summary>
internal sealed class ExtendClock(CaseRecords records)
{
    public async Task<StoreResult<CaseView>> HandleAsync(Guid id, ExtensionSubmission submission, Caller caller, CancellationToken cancellationToken)
    {
        if (CaseWorkflow.MayExtend(caller) is { } forbidden) return StoreResult<CaseView>.Fail(forbidden);
        var invalid = CaseWorkflow.Validate(submission);
        if (invalid.Count > 0) return StoreResult<CaseView>.Fail(StoreErrorKind.Invalid, "The extension is malformed.", invalid);

        var record = await records.LoadForAsync(id, caller, cancellationToken);
        if (record is null) return CaseRecords.NotFound<CaseView>(id);
        var now = records.Now();
        var rules = CaseRecordClock.Rules(record);
        var clock = CaseRecordClock.Of(record);
        if (CaseWorkflow.CheckExtension(record.Id, record.Status, clock, rules, submission, now) is { } broken) return StoreResult<CaseView>.Fail(broken);

        var extended = CaseWorkflow.Extend(clock, submission, now);
        CaseRecordClock.Keep(record, extended);
        record.ExtensionReason = submission.Reason.Trim();
        record.UpdatedAt = now;
        record.Revision++;
        records.Audit(record, now, "clock-extended", caller.Actor,
            $"Extended by {submission.Days} day(s) by {caller.Person!.Role} {caller.Person.Name}: due {clock.DueAt:yyyy-MM-dd'T'HH:mm'Z'} → {extended.DueAt:yyyy-MM-dd'T'HH:mm'Z'} ({rules.Source}). Reason: {record.ExtensionReason}");
        records.Audit(record, now, "extension-notice", caller.Actor, ExtensionNotice.Text(record, rules));
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
