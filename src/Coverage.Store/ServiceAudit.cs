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
/// <remarks>
/// A hook call writes its token id in the same transaction as its audit event (<see cref="UseAsync"/>, then the
/// call's one SaveChanges): one commit per call instead of two. The id is unique in the table, so when two
/// calls race with the same token, the second commit fails and that call is refused (<see cref="LostRaceAsync"/>).
/// </remarks>
public sealed class TokenReplayGuard(CoverageDbContext db, TimeProvider time, SqliteWriteGate? gate = null)
{
    /// <summary>How often a process forgets expired tokens (a delete of every expired row; not once per call).</summary>
    private static readonly TimeSpan CleanupInterval = TimeSpan.FromSeconds(30);
    private static long s_nextCleanupTicks;

    private UsedTokenRecord? _pending;

    /// <summary>
    /// False when the (issuer, jti) was already used; else records its use, to be committed by the next
    /// SaveChanges of this request's context (its audit event).
    /// </summary>
    public async Task<bool> UseAsync(string issuer, string jti, DateTime expiresAt, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var key = Key(issuer, jti);
        if (await db.UsedTokens.AnyAsync(t => t.Key == key, cancellationToken)) return false;
        await ForgetExpiredAsync(now, cancellationToken);
        db.UsedTokens.Add(_pending = new UsedTokenRecord { Key = key, ExpiresAt = expiresAt });
        return true;
    }

    /// <summary>Commits a pending use on its own (a call that ends without an audit event).</summary>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        if (_pending is null) return;
        await db.SaveChangesAsync(cancellationToken);
        _pending = null;
    }

    /// <summary>
    /// After a failed commit: whether it failed because another call used the pending token first. Either
    /// way the context is cleared (nothing of the failed commit is kept).
    /// </summary>
    public async Task<bool> LostRaceAsync(CancellationToken cancellationToken)
    {
        var key = _pending?.Key;
        db.ChangeTracker.Clear();
        _pending = null;
        return key is not null && await db.UsedTokens.AnyAsync(t => t.Key == key, cancellationToken);
    }

    private static string Key(string issuer, string jti) => issuer + " " + jti;

    /// <summary>
    /// Forgets tokens that can no longer be replayed (expired ones are refused anyway, before this check),
    /// every CleanupInterval rather than on every call: one write fewer per hook call.
    /// </summary>
    private async Task ForgetExpiredAsync(DateTime now, CancellationToken cancellationToken)
    {
        var due = Interlocked.Read(ref s_nextCleanupTicks);
        if (now.Ticks < due || Interlocked.CompareExchange(ref s_nextCleanupTicks, (now + CleanupInterval).Ticks, due) != due) return;
        using var held = gate is null ? null : await gate.HoldAsync(cancellationToken);
        await db.UsedTokens.Where(t => t.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
    }
}
