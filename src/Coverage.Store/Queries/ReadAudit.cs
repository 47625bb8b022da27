using Microsoft.EntityFrameworkCore;

namespace Coverage.Store.Queries;

/// <summary>A case's audit history, oldest first; reading it is itself audited (and the read is in the answer).</summary>
internal sealed class ReadAudit(CaseRecords records)
{
    public async Task<StoreResult<IReadOnlyList<AuditEventView>>> HandleAsync(Guid id, Caller caller, CancellationToken cancellationToken)
    {
        var record = await records.LoadForAsync(id, caller, cancellationToken);
        if (record is null) return CaseRecords.NotFound<IReadOnlyList<AuditEventView>>(id);
        records.Audit(record, records.Now(), "audit-read", caller.Actor, "The case's audit history was read.");
        await records.SaveChangesAsync(cancellationToken);
        var events = await records.Db.AuditEvents.Where(a => a.CaseId == id).OrderBy(a => a.Id).ToListAsync(cancellationToken);
        return StoreResult<IReadOnlyList<AuditEventView>>.Ok(events.Select(AuditEventViews.From).ToList());
    }
}
