using Microsoft.EntityFrameworkCore;

namespace Coverage.Store.Commands;

/// <summary>
/// A physician records a peer-to-peer discussion with the requesting provider on a case (an initial request or an
/// appeal): when it was held, with whom and what was said, the physician being the caller. It informs the decision;
/// it decides nothing. A later discussion replaces the one shown on the case; each stays in the audit trail.
/// </summary>
internal sealed class RecordPeerToPeer(CaseRecords records)
{
    public async Task<StoreResult<CaseView>> HandleAsync(Guid id, PeerToPeerSubmission submission, Caller caller, CancellationToken cancellationToken)
    {
        if (CaseWorkflow.MayDecide(caller) is { } forbidden) return StoreResult<CaseView>.Fail(forbidden);
        var invalid = CaseWorkflow.Validate(submission);
        if (invalid.Count > 0) return StoreResult<CaseView>.Fail(StoreErrorKind.Invalid, "The peer-to-peer record is malformed.", invalid);
        var record = await records.LoadForAsync(id, caller, cancellationToken);
        if (record is null) return CaseRecords.NotFound<CaseView>(id);

        var now = records.Now();
        record.PeerToPeerAt = DateTime.SpecifyKind(submission.HeldAt.ToUniversalTime(), DateTimeKind.Utc);
        record.PeerToPeerBy = caller.Person!.Id;
        record.PeerToPeerWith = submission.With.Trim();
        record.PeerToPeerSummary = submission.Summary.Trim();
        record.UpdatedAt = now;
        record.Revision++;
        records.Audit(record, now, "peer-to-peer-recorded", caller.Actor,
            $"Peer-to-peer discussion held {record.PeerToPeerAt:yyyy-MM-dd'T'HH:mm'Z'} by {caller.Person.Name} with {record.PeerToPeerWith}: {record.PeerToPeerSummary}");
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
