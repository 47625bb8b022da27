using Microsoft.EntityFrameworkCore;

namespace Coverage.Store.Queries;

/// <summary>
/// Every initial case's request as it was stored (appeals re-use their original's request and are left out), oldest
/// first, for `coverage impact` and the workbench's impact page: they re-decide each request under two catalogues.
/// Payer staff's only, like the prior-authorization report; streamed (one request at a time, whatever the store's
/// size), and audited once with the caller and the number of requests read, as the report is (a service event, not
/// a read of each case: no case's state is shown, only counts and sample lines of the re-decision).
/// </summary>
internal sealed class ReadCaseRequests(CaseRecords records)
{
    public const string AuditSubject = "reports/impact";

    public async Task<StoreResult<long>> HandleAsync(
        Caller caller, string purpose, Func<StoredRequest, CancellationToken, ValueTask> each, CancellationToken cancellationToken)
    {
        if (caller.Access != CallerAccess.PayerStaff)
            return StoreResult<long>.Fail(StoreErrorKind.Forbidden, "An impact report re-decides every case: only payer staff may run it.");
        long count = 0;
        var requests = records.Db.Cases.AsNoTracking()
            .Where(c => c.AppealOf == null)
            .OrderBy(c => c.ReceivedAt).ThenBy(c => c.Id)
            .Select(c => new StoredRequest(c.Id, c.RequestJson))
            .AsAsyncEnumerable();
        await foreach (var request in requests.WithCancellation(cancellationToken))
        {
            count++;
            await each(request, cancellationToken);
        }
        records.AuditService(AuditSubject, "impact-run", caller.Actor, $"{purpose}: {count} request(s) read.");
        await records.SaveChangesAsync(cancellationToken);
        return StoreResult<long>.Ok(count);
    }
}
