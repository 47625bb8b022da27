using Coverage.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace Coverage.Store.Commands;

/// <summary>
/// Payer staff record an appeal's external review: that it was requested (of which independent review organisation),
/// then its result. The rules of each step are the workflow's (<see cref="CaseWorkflow.CheckExternalReview"/>); each is
/// audited on the appeal and the original case.
/// </summary>
internal sealed class RecordExternalReview(CaseRecords records)
{
    public async Task<StoreResult<CaseView>> HandleAsync(Guid id, ExternalReviewSubmission submission, Caller caller, CancellationToken cancellationToken)
    {
        if (caller.Access != CallerAccess.PayerStaff || caller.Person is null)
            return StoreResult<CaseView>.Fail(StoreErrorKind.Forbidden, "Only the payer's staff, signed in as themselves, record an external review.");
        var invalid = CaseWorkflow.Validate(submission);
        if (invalid.Count > 0) return StoreResult<CaseView>.Fail(StoreErrorKind.Invalid, "The external review is malformed.", invalid);
        var record = await records.LoadForAsync(id, caller, cancellationToken);
        if (record is null) return CaseRecords.NotFound<CaseView>(id);
        if (CaseWorkflow.CheckExternalReview(CaseRecordState.Of(record), record.AppealOf is not null, record.AppealResult,
                record.ExternalReviewRequestedAt, record.ExternalReviewResult, submission) is { } broken)
            return StoreResult<CaseView>.Fail(broken);

        var now = records.Now();
        var original = await records.LoadLinkedAsync(record.AppealOf!.Value, cancellationToken);
        string detail;
        if (submission.Result is null)
        {
            record.ExternalReviewRequestedAt = now;
            record.ExternalReviewOrganisation = submission.Organisation.Trim();
            detail = $"External review of appeal {record.Id} requested of {record.ExternalReviewOrganisation}.";
            records.Audit(record, now, "external-review-requested", caller.Actor, detail);
        }
        else
        {
            var state = CaseRecordState.Of(record);
            var overturned = CaseWorkflow.LinesOverturnedBy(state, submission);
            record.ExternalReviewResult = submission.Result;
            record.ExternalReviewDecidedAt = now;
            record.ExternalReviewNote = submission.Note?.Trim();
            record.ExternalReviewOverturnedLines = string.Join(' ', overturned);
            detail = $"External review of appeal {record.Id} by {submission.Organisation.Trim()}: {submission.Result}. {record.ExternalReviewNote}".TrimEnd();
            records.Audit(record, now, "external-review-decided", caller.Actor, detail);
            if (overturned.Count > 0)
            {
                CaseRecordState.Keep(record, CaseWorkflow.AfterExternalReview(state, overturned));
                detail = $"Line {string.Join(", ", overturned)} covered as the external review decided; final outcome {record.FinalOutcome}.";
                records.Audit(record, now, "external-review-effectuated", caller.Actor, detail);
                if (original is not null) records.Audit(original, now, "external-review-effectuated", caller.Actor, $"Appeal {record.Id}: {detail}");
                await SubscriptionOutbox.EnqueueAsync(records.Db, record, now, cancellationToken);
            }
        }
        if (original is not null) records.Audit(original, now, submission.Result is null ? "external-review-requested" : "external-review-decided", caller.Actor, detail);
        record.UpdatedAt = now;
        record.Revision++;
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

    /// <summary>The lines an appeal's external review overturned.</summary>
    public static IReadOnlyList<int> OverturnedLines(CaseRecord appeal) =>
        (appeal.ExternalReviewOverturnedLines ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).Order().ToList();
}
