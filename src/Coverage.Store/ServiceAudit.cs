using Coverage.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace Coverage.Store;

/// <summary>Audit events for service calls that are not about one case (CDS Hooks calls).</summary>
public sealed class ServiceAudit(CoverageDbContext db, TimeProvider time)
{
    public async Task RecordAsync(string subject, string action, Actor actor, string detail, CancellationToken cancellationToken)
    {
        db.AuditEvents.Add(new AuditEventRecord
        {
            Subject = subject,
            At = time.GetUtcNow().UtcDateTime,
            Action = action,
            Actor = actor.Id,
            ActorRole = actor.Role,
            Detail = detail,
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Audit events for an auditor, newest first: those of one case, of one subject, or all.</summary>
    public async Task<IReadOnlyList<(AuditEventView Event, Guid? CaseId, string? Subject)>> SearchAsync(
        Guid? caseId, string? subject, int take, CancellationToken cancellationToken)
    {
        var query = db.AuditEvents.AsQueryable();
        if (caseId is not null) query = query.Where(a => a.CaseId == caseId);
        if (subject is not null) query = query.Where(a => a.Subject == subject);
        var records = await query.OrderByDescending(a => a.Id).Take(take).ToListAsync(cancellationToken);
        return records.Select(a => (new AuditEventView(a.Id, DateTime.SpecifyKind(a.At, DateTimeKind.Utc), a.Action, a.Actor, a.ActorRole, a.Detail), a.CaseId, a.Subject)).ToList();
    }

    public async Task<IReadOnlyList<AuditEventView>> ReadAsync(string subject, int take, CancellationToken cancellationToken) =>
        (await db.AuditEvents.Where(a => a.Subject == subject).OrderByDescending(a => a.Id).Take(take).ToListAsync(cancellationToken))
            .Select(a => new AuditEventView(a.Id, DateTime.SpecifyKind(a.At, DateTimeKind.Utc), a.Action, a.Actor, a.ActorRole, a.Detail))
            .ToList();
}

/// <summary>
/// Remembers accepted JWT ids until they expire, in the database, so that a token replayed to any
/// server process sharing the store is refused.
/// </summary>
public sealed class TokenReplayGuard(CoverageDbContext db, TimeProvider time)
{
    /// <summary>True the first time a (issuer, jti) is seen; false on any replay.</summary>
    public async Task<bool> TryUseAsync(string issuer, string jti, DateTime expiresAt, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var key = issuer + " " + jti;
        if (await db.UsedTokens.AnyAsync(t => t.Key == key, cancellationToken)) return false;
        db.UsedTokens.Add(new UsedTokenRecord { Key = key, ExpiresAt = expiresAt });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return false; // another request used the same jti at the same moment
        }
        // Forget tokens that can no longer be replayed (expired ones are refused anyway).
        await db.UsedTokens.Where(t => t.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
        return true;
    }
}
