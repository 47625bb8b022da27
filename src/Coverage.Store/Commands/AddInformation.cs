using System.Text.Json.Nodes;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;
using Coverage.Engine.Validation;
using Coverage.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace Coverage.Store.Commands;

/// <summary>
/// Completes a case waiting for information. Information is appended, never overwrites what the case holds
/// (<see cref="InformationMerge"/>); each addition is kept with its values and sender for reviewers. The case is
/// re-evaluated; lines that descriptions would send past the physician are held for one
/// (<see cref="CaseWorkflow.LinesToHold"/>).
/// </summary>
internal sealed class AddInformation(CaseRecords records, Evaluator evaluator)
{
    public async Task<StoreResult<CaseView>> HandleAsync(Guid id, JsonObject information, Caller caller, CancellationToken cancellationToken)
    {
        var record = await records.LoadForAsync(id, caller, cancellationToken);
        if (record is null) return CaseRecords.NotFound<CaseView>(id);
        var before = CaseRecordState.Of(record);
        if (CaseWorkflow.MayAddInformation(before) is { } conflict) return StoreResult<CaseView>.Fail(conflict);

        var errors = new List<InputError>();
        var merged = InformationMerge.Merge(JsonNode.Parse(record.RequestJson)!.AsObject(), information, errors, out var describedLines);
        if (errors.Count > 0) return StoreResult<CaseView>.Fail(StoreErrorKind.Invalid, "The information is malformed.", errors);
        var read = RequestReader.Read(merged.ToJsonString(), evaluator.Catalogue);
        if (!read.IsValid) return StoreResult<CaseView>.Fail(StoreErrorKind.Invalid, "The information makes the request invalid.", read.Errors);

        var now = records.Now();
        var outcomeBefore = record.Outcome;
        var headedToReview = CaseWorkflow.HeadedToReview(before);
        record.RequestJson = RequestWriter.ToJson(read.Request!);
        var determination = evaluator.Evaluate(read.Request!);
        var reevaluated = CaseRecordState.TakeDetermination(record, determination, now);
        record.Revision++;
        records.Db.CaseInformation.Add(CaseInformationRecord.Of(record.Id, now, caller, information));
        records.Audit(record, now, "information-added", caller.Actor, $"Information added: {string.Join(", ", information.Select(p => p.Key))} (the values are in the case's information history).");

        var held = CaseWorkflow.LinesToHold(headedToReview, determination, describedLines);
        if (held.Count > 0)
        {
            CaseRecordState.Keep(record, CaseWorkflow.HoldForReview(reevaluated, held));
            records.Audit(record, now, "case-held-for-review", caller.Actor,
                $"Descriptions were added to a case headed to physician review; line(s) {string.Join(", ", held)} would have become final without one, so a physician confirms them.");
        }
        records.Audit(record, now, "case-reevaluated", caller.Actor, $"Re-evaluated: {outcomeBefore} → {record.Outcome}; status {record.Status}.");
        CaseRecordClock.Follow(records, record, caller.Actor, now);
        // The PAS response changed: its subscriptions' notifications are kept with the change (transactional outbox).
        await SubscriptionOutbox.EnqueueAsync(records.Db, record, now, cancellationToken);
        try
        {
            await records.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return StoreResult<CaseView>.Fail(StoreErrorKind.Conflict, $"Case {id} was changed by someone else at the same time; try again.");
        }
        return StoreResult<CaseView>.Ok(CaseViews.View(record));
    }
}
