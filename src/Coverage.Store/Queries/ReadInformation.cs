using Microsoft.EntityFrameworkCore;

namespace Coverage.Store.Queries;

/// <summary>Every addition of information to a case, oldest first, with its values and sender; a read, audited.</summary>
internal sealed class ReadInformation(CaseRecords records)
{
    public async Task<StoreResult<IReadOnlyList<InformationView>>> HandleAsync(Guid id, Caller caller, CancellationToken cancellationToken)
    {
        var record = await records.LoadForAsync(id, caller, cancellationToken);
        if (record is null) return CaseRecords.NotFound<IReadOnlyList<InformationView>>(id);
        var additions = await records.Db.CaseInformation.Where(i => i.CaseId == id).OrderBy(i => i.Id).ToListAsync(cancellationToken);
        records.Audit(record, records.Now(), "information-read", caller.Actor, "The case's information history was read.");
        await records.SaveChangesAsync(cancellationToken);
        return StoreResult<IReadOnlyList<InformationView>>.Ok(additions
            .Select(i => new InformationView(CaseViews.Utc(i.At), i.Actor, i.ActorRole, i.ActorClient, i.InformationJson)).ToList());
    }
}
