using Coverage.Engine.Validation;

namespace Coverage.Store.Queries;

/// <summary>Reads one case: by its id, or by the submitter's request id (PAS $inquire). Every read is audited.</summary>
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

    /// <summary>
    /// The case of a request id for a member, within the caller's organisation and only when the submitter's own
    /// name of the request (<paramref name="externalKey"/>) is the same.
    /// </summary>
    public async Task<StoreResult<CaseView>> ByRequestAsync(string? memberId, string requestId, string? externalKey, Caller caller, CancellationToken cancellationToken)
    {
        var record = await records.FindByRequestIdAsync(caller.Tenant, memberId ?? "", requestId, cancellationToken);
        if (record is null || record.ExternalKey != externalKey)
            return StoreResult<CaseView>.Fail(StoreErrorKind.NotFound, $"No case of yours holds request id '{InputEcho.Truncate(requestId)}' for this member and provider.");
        records.Audit(record, records.Now(), "case-read", caller.Actor, "The case was read by an inquiry on its request id.");
        await records.SaveChangesAsync(cancellationToken);
        return StoreResult<CaseView>.Ok(CaseViews.View(record));
    }
}
