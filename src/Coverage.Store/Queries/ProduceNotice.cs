namespace Coverage.Store.Queries;

/// <summary>
/// Reads a case to produce the adverse determination notice of one line, and audits it. A notice exists only for
/// a line a physician upheld (<see cref="CaseWorkflow.HasNotice"/>); any other line is Unprocessable.
/// </summary>
internal sealed class ProduceNotice(CaseRecords records)
{
    public async Task<StoreResult<CaseView>> HandleAsync(Guid id, int sequence, string format, Caller caller, CancellationToken cancellationToken)
    {
        var record = await records.LoadForAsync(id, caller, cancellationToken);
        if (record is null) return CaseRecords.NotFound<CaseView>(id);
        if (!CaseWorkflow.HasNotice(CaseRecordState.Of(record), sequence))
            return StoreResult<CaseView>.Fail(StoreErrorKind.Unprocessable, $"Line {sequence} of case {id} is not a denial a physician upheld; it has no notice.");
        records.Audit(record, records.Now(), "notice-produced", caller.Actor, $"The adverse determination notice for line {sequence} was produced ({format}).");
        await records.SaveChangesAsync(cancellationToken);
        return StoreResult<CaseView>.Ok(CaseViews.View(record));
    }
}
