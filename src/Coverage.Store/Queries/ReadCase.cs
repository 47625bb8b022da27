namespace Coverage.Store.Queries;

/// <summary>Reads one case by its id. Every read is audited.</summary>
internal sealed class ReadCase(CaseRecords records)
{
    public async Task<StoreResult<CaseView>> ByIdAsync(Guid id, Caller caller, CancellationToken cancellationToken)
    {
        var record = await records.LoadForAsync(id, caller, cancellationToken);
        if (record is null) return CaseRecords.NotFound<CaseView>(id);
        records.Audit(record, records.Now(), "case-read", caller.Actor, "The case was read.");
        await records.SaveChangesAsync(cancellationToken);
        return StoreResult<CaseView>.Ok(CaseViews.View(record));
    }
}
