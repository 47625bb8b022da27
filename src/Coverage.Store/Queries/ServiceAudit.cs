using Microsoft.EntityFrameworkCore;

namespace Coverage.Store;

/// <summary>
/// Reads the audit events of service calls that are not about one case (CDS Hooks calls) and of cases, for
/// auditors. The hook calls' events are written by <see cref="ServiceCallJournal"/>.
/// </summary>
public sealed class ServiceAudit(CoverageDbContext db)
{
    /// <summary>Audit events for an auditor, newest first: those of one case, of one subject, or all.</summary>
    public async Task<IReadOnlyList<(AuditEventView Event, Guid? CaseId, string? Subject)>> SearchAsync(
        Guid? caseId, string? subject, int take, CancellationToken cancellationToken)
    {
        var query = db.AuditEvents.AsQueryable();
        if (caseId is not null) query = query.Where(a => a.CaseId == caseId);
        if (subject is not null) query = query.Where(a => a.Subject == subject);
        var records = await query.OrderByDescending(a => a.Id).Take(take).ToListAsync(cancellationToken);
        return records.Select(a => (AuditEventViews.From(a), a.CaseId, a.Subject)).ToList();
    }

    /// <summary>The organisation a case belongs to, or null when there is no such case.</summary>
    public Task<string?> CaseTenantAsync(Guid caseId, CancellationToken cancellationToken) =>
        db.Cases.Where(c => c.Id == caseId).Select(c => c.Tenant).FirstOrDefaultAsync(cancellationToken);

    public Task<bool> CaseExistsAsync(Guid caseId, CancellationToken cancellationToken) => db.Cases.AnyAsync(c => c.Id == caseId, cancellationToken);
}
