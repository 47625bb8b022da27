using System.Text.Json.Nodes;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;
using Coverage.Engine.Model;
using Coverage.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace Coverage.Store.Commands;

/// <summary>
/// A provider's update of a request it submitted (PAS Claim update, issue 16), applied to the existing case: the case
/// keeps its id and history. Lines are added, changed or cancelled; the request as it now stands is evaluated again
/// (a physician's decision on an unchanged line is kept); cancelling the whole request cancels the case. What an
/// update may do is the workflow's rule (<see cref="CaseWorkflow.CheckUpdate"/>); each update is one audit event
/// naming what it changed, in the same transaction.
/// </summary>
internal sealed class UpdateCase(CaseRecords records, Evaluator evaluator)
{
    /// <param name="updatesCase">Whether a case's external key names the request the update updates (the submitter's name of it: provider, identifier).</param>
    /// <param name="answers">Questionnaire answers the update carried (information documents), kept in the case's information history.</param>
    public async Task<StoreResult<CaseView>> HandleAsync(
        CaseUpdate update, string memberKey, Func<string?, bool> updatesCase, Caller caller,
        IReadOnlyList<JsonObject> answers, CancellationToken cancellationToken)
    {
        // The latest request under the id that the update names (provider, identifier system): a PAS Claim identifier
        // may name more than one request of the member, and a provider updates the one it sent last.
        var record = await records.LatestNamedAsync(caller.Tenant, memberKey, update.RequestId, updatesCase, cancellationToken);
        if (record is null)
            return StoreResult<CaseView>.Fail(StoreErrorKind.NotFound,
                $"No case of yours holds request id '{Engine.Validation.InputEcho.Truncate(update.RequestId)}' (under the identifier system the update names) for this member and provider; submit it as a new request.");
        if (CaseWorkflow.Contests(update))
            return await new FileAppeal(records, evaluator).HandleAsync(record.Id,
                new AppealSubmission(AppealFilers.Pas, "Appeal filed through PAS: a Claim update contesting the determination (X12 1322 certification type " +
                    (update.AppealPriority == RequestPriority.Expedited ? "1, appeal – immediate" : "2, appeal – standard") + ").", update.AppealPriority!.Value),
                caller, cancellationToken);

        var state = CaseRecordState.Of(record);
        var cancelledBefore = CaseRecordState.CancelledLines(record);
        if (RequestReader.Read(record.RequestJson, evaluator.Catalogue).Request is not { } stored)
            return StoreResult<CaseView>.Fail(StoreErrorKind.Conflict, $"Case {record.Id} no longer reads as a request under the current catalogue; submit a new request.");
        var cancelling = update.CancelsAll
            ? [.. update.Cancelled, .. stored.ServiceLines.Select(l => new CancelledLine(l.Sequence, l.Code))]
            : update.Cancelled;
        var changes = LineChanges.Of(stored, update.Request, cancelling.Select(c => c.Sequence));
        if (CaseWorkflow.CheckUpdate(state, changes, cancelledBefore.Select(c => c.Sequence).ToHashSet()) is { } broken)
            return StoreResult<CaseView>.Fail(broken);

        var now = records.Now();
        var outcomeBefore = record.Outcome;
        var statusBefore = record.Status;
        CaseRecordState.KeepCancelled(record, [.. cancelledBefore, .. cancelling]);
        var cancelled = CaseRecordState.CancelledLines(record).Select(c => c.Sequence).ToHashSet();
        var live = update.CancelsAll ? null : Merge(stored, update.Request!, cancelled);
        if (live is null)
        {
            // Nothing is left to decide: the request and its last determination stay as they were, for the history.
            CaseRecordState.Keep(record, CaseWorkflow.Cancel(state, now));
            record.UpdatedAt = now;
            records.Audit(record, now, "case-cancelled", caller.Actor,
                $"Cancelled by the provider (PAS claim update): line(s) {string.Join(", ", cancelled.Order())}; status {statusBefore} → {record.Status}.");
        }
        else
        {
            // The request hash still names the submission that made the case: that submission sent again is a
            // resubmission of this case, not a new request under its id.
            record.RequestJson = RequestWriter.ToJson(live);
            var evaluated = CaseRecordState.TakeDetermination(record, evaluator.Evaluate(live), now);
            CaseRecordState.Keep(record, CaseWorkflow.AfterUpdate(evaluated, now));
            records.Audit(record, now, "case-updated", caller.Actor,
                $"Updated by the provider (PAS claim update): {Describe(changes)}. Re-evaluated: {outcomeBefore} → {record.Outcome}; status {statusBefore} → {record.Status}.");
        }
        foreach (var answer in answers) records.Db.CaseInformation.Add(CaseInformationRecord.Of(record.Id, now, caller, answer));
        if (answers.Count > 0)
            records.Audit(record, now, "information-added", caller.Actor, $"The update carried the answers of {answers.Count} questionnaire response(s) (the values are in the case's information history).");
        CaseRecordClock.Follow(records, record, caller.Actor, now);
        record.Revision++;
        try
        {
            await records.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return StoreResult<CaseView>.Fail(StoreErrorKind.Conflict, $"Case {record.Id} was changed by someone else at the same time; send the update again.");
        }
        return StoreResult<CaseView>.Ok(CaseViews.View(record));
    }

    /// <summary>
    /// The request as it now stands: the update's request, with the stored lines it does not list kept, and without
    /// cancelled lines; null when no line is left.
    /// </summary>
    private static CoverageRequest? Merge(CoverageRequest stored, CoverageRequest update, HashSet<int> cancelled)
    {
        var lines = update.ServiceLines
            .Concat(stored.ServiceLines.Where(l => update.ServiceLines.All(u => u.Sequence != l.Sequence)))
            .Where(l => !cancelled.Contains(l.Sequence))
            .OrderBy(l => l.Sequence)
            .ToList();
        return lines.Count == 0 ? null : update with { RequestId = stored.RequestId, ServiceLines = lines };
    }

    private static string Describe(LineChanges changes)
    {
        var parts = new List<string>();
        if (changes.Added.Count > 0) parts.Add($"added line(s) {string.Join(", ", changes.Added.Order())}");
        if (changes.Changed.Count > 0) parts.Add($"changed line(s) {string.Join(", ", changes.Changed.Order())}");
        if (changes.Cancelled.Count > 0) parts.Add($"cancelled line(s) {string.Join(", ", changes.Cancelled.Order())}");
        return parts.Count == 0 ? "nothing changed" : string.Join("; ", parts);
    }
}
