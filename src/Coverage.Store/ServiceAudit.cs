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

    public async Task<IReadOnlyList<AuditEventView>> ReadAsync(string subject, int take, CancellationToken cancellationToken) =>
        (await db.AuditEvents.Where(a => a.Subject == subject).OrderByDescending(a => a.Id).Take(take).ToListAsync(cancellationToken))
            .Select(a => new AuditEventView(a.Id, DateTime.SpecifyKind(a.At, DateTimeKind.Utc), a.Action, a.Actor, a.ActorRole, a.Detail))
            .ToList();
}

/// <summary>
/// Remembers accepted JWT ids until they expire, in the database, so that a token replayed to any
/// server process sharing the store is refused.
/// </summary>
public sealed class TokenReplayGuard(CoverageDbContext db, TimeProvider time, SqliteWriteGate? gate = null)
{
    /// <summary>How often a process forgets expired tokens (a delete of every expired row; not once per call).</summary>
    private static readonly TimeSpan CleanupInterval = TimeSpan.FromSeconds(30);
    private static long s_nextCleanupTicks;

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
        // Forget tokens that can no longer be replayed (expired ones are refused anyway, before this check),
        // every CleanupInterval rather than on every call: one write fewer per hook call.
        var due = Interlocked.Read(ref s_nextCleanupTicks);
        if (now.Ticks >= due && Interlocked.CompareExchange(ref s_nextCleanupTicks, (now + CleanupInterval).Ticks, due) == due)
        {
            using var held = gate is null ? null : await gate.HoldAsync(cancellationToken);
            await db.UsedTokens.Where(t => t.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
        }
        return true;
    }
}
