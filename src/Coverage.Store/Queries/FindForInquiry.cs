using Microsoft.EntityFrameworkCore;

namespace Coverage.Store.Queries;

/// <summary>
/// The cases a PAS inquiry names (issue 16): within the caller's organisation, for the member, holding one of the
/// request ids or being one of the case numbers (preAuthRef, administration reference number) it quotes, and
/// answering the inquiry's own test (provider, items), followed by the appeals of each (an appeal is a case of its
/// own with the same request: its answer is the request's current result once an appeal or its external review
/// changed it). Each case returned is a read and is audited; a case only looked at is not; a quoted case number of a
/// case the caller may not see is recorded on that case as an access refused.
/// </summary>
internal sealed class FindForInquiry(CaseRecords records)
{
    /// <summary>
    /// Cases one inquiry can name: a provider uses one id for more than one request rarely (CaseRecord.RequestIdUse);
    /// more is a sign of a bad query. Beyond it, the latest are the ones answered.
    /// </summary>
    public const int MaxCandidates = 50;

    public async Task<StoreResult<IReadOnlyList<CaseView>>> HandleAsync(
        string memberKey, IReadOnlyList<string> requestIds, IReadOnlyList<Guid> caseNumbers, Func<CaseView, bool> answers, Caller caller,
        CancellationToken cancellationToken)
    {
        var candidates = await records.Db.Cases.Include(c => c.Decisions).Include(c => c.Filters).AsSingleQuery()
            .Where(c => c.Tenant == caller.Tenant && c.MemberKey == memberKey
                        && ((c.RequestId != null && requestIds.Contains(c.RequestId)) || caseNumbers.Contains(c.Id)))
            .OrderByDescending(c => c.ReceivedAt)
            .Take(MaxCandidates)
            .ToListAsync(cancellationToken);
        candidates.Reverse(); // answered oldest first
        var named = candidates.Select(c => (Guid?)c.Id).ToList();
        if (named.Count > 0)
            candidates.AddRange(await records.Db.Cases.Include(c => c.Decisions).Include(c => c.Filters).AsSingleQuery()
                .Where(c => c.Tenant == caller.Tenant && c.AppealOf != null && named.Contains(c.AppealOf) && !named.Contains(c.Id))
                .OrderBy(c => c.ReceivedAt)
                .Take(MaxCandidates)
                .ToListAsync(cancellationToken));
        var found = new List<CaseView>();
        var now = records.Now();
        foreach (var record in candidates)
        {
            var view = CaseViews.View(record);
            if (!answers(view)) continue;
            found.Add(view);
            records.Audit(record, now, "case-read", caller.Actor, "The case was read by a PAS inquiry naming it.");
        }
        var refused = await RefuseOthersAsync(caseNumbers, candidates, caller, now, cancellationToken);
        if (found.Count > 0 || refused > 0) await records.SaveChangesAsync(cancellationToken);
        return StoreResult<IReadOnlyList<CaseView>>.Ok(found);
    }

    /// <summary>
    /// A case number is issued to the organisation that submitted the case; quoted by a caller who may not see that
    /// case, it is an attempt on it, as a read of it by id is: answered as if the case did not exist, and recorded on
    /// the case's own trail (access refused). Returns how many were recorded.
    /// </summary>
    private async Task<int> RefuseOthersAsync(IReadOnlyList<Guid> caseNumbers, List<Entities.CaseRecord> candidates, Caller caller, DateTime now, CancellationToken cancellationToken)
    {
        var unanswered = caseNumbers.Except(candidates.Select(c => c.Id)).ToList();
        if (unanswered.Count == 0) return 0;
        var others = await records.Db.Cases.AsNoTracking()
            .Where(c => unanswered.Contains(c.Id) && c.Tenant != caller.Tenant)
            .OrderBy(c => c.ReceivedAt)
            .Take(MaxCandidates)
            .ToListAsync(cancellationToken);
        var refused = others.Where(c => !caller.MaySee(c.Tenant)).ToList();
        foreach (var record in refused)
            records.Audit(record, now, "access-refused", caller.Actor,
                "The case's number was quoted in a PAS inquiry by a caller of another organisation; the inquiry was answered as if the case did not exist.");
        return refused.Count;
    }
}
