using Coverage.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace Coverage.Store.Queries;

/// <summary>
/// Cases matching a query (any of the statuses, a modality, a policy), oldest first or soonest due first (the
/// reviewers' queue), a page at a time; each case listed is a read and is audited.
/// </summary>
internal sealed class ListCases(CaseRecords records)
{
    public async Task<StoreResult<CasePage>> HandleAsync(CaseQuery query, Caller caller, CancellationToken cancellationToken)
    {
        var errors = CaseQueryRules.Validate(query);
        if (errors.Count > 0) return StoreResult<CasePage>.Fail(StoreErrorKind.Invalid, "Invalid query.", errors);

        var cases = records.Db.Cases.AsQueryable();
        // A submitter lists only its own organisation's cases; payer staff list all.
        if (caller.Access != CallerAccess.PayerStaff) cases = cases.Where(c => c.Tenant == caller.Tenant);
        var statuses = query.Statuses.Distinct().ToList();
        if (statuses.Count > 0) cases = cases.Where(c => statuses.Contains(c.Status));
        // Filters are rows (case_filters), found through the (Kind, Value) index: an EXISTS per filter.
        if (query.Modality is { } modality)
            cases = cases.Where(c => c.Filters.Any(f => f.Kind == CaseFilterRecord.ModalityKind && f.Value == modality));
        if (query.Policy is { } policy)
            cases = cases.Where(c => c.Filters.Any(f => f.Kind == CaseFilterRecord.PolicyKind && f.Value == policy));
        var total = await cases.CountAsync(cancellationToken);
        var ordered = query.Order == CaseOrder.DueAt
            ? cases.OrderBy(c => c.DueAt).ThenBy(c => c.Id)
            : cases.OrderBy(c => c.ReceivedAt).ThenBy(c => c.Id);
        var page = await ordered.Skip((query.Page - 1) * query.PageSize).Take(query.PageSize)
            .Include(c => c.Filters).ToListAsync(cancellationToken);

        var now = records.Now();
        var detail = "The case was listed in a search of cases" + Filters(query, statuses);
        foreach (var record in page) records.Audit(record, now, "case-listed", caller.Actor, detail);
        await records.SaveChangesAsync(cancellationToken);
        return StoreResult<CasePage>.Ok(new CasePage(page.Select(c => CaseViews.Summary(c, now)).ToList(), query.Page, query.PageSize, total));
    }

    /// <summary>The query's filters in the audit's words: " with status final or …, modality …, policy …." or ".".</summary>
    private static string Filters(CaseQuery query, List<string> statuses)
    {
        var filters = new List<string>();
        if (statuses.Count > 0) filters.Add("status " + string.Join(" or ", statuses));
        if (query.Modality is not null) filters.Add("modality " + query.Modality);
        if (query.Policy is not null) filters.Add("policy " + query.Policy);
        return filters.Count == 0 ? "." : $" with {string.Join(", ", filters)}.";
    }
}
