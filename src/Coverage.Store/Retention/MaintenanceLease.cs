using Coverage.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace Coverage.Store;

/// <summary>
/// The lease of a named maintenance job (table maintenance_leases): with several servers on one database, the one whose
/// conditional update finds the job due and unheld runs it; the others find nothing to do. The same claim as a
/// subscription's delivery lease and a heartbeat's due time, on SQLite and PostgreSQL alike.
/// </summary>
public sealed class MaintenanceLease(CoverageDbContext db, SqliteWriteGate? gate = null)
{
    /// <summary>
    /// Takes the job for <paramref name="owner"/> when it is due at <paramref name="now"/> and no other server holds a
    /// live lease; its next run is then <paramref name="interval"/> away, whether this one succeeds or not (a failing
    /// run is not retried in a loop).
    /// </summary>
    public async Task<bool> TryTakeAsync(string name, string owner, DateTime now, TimeSpan interval, TimeSpan lease, CancellationToken cancellationToken)
    {
        await EnsureAsync(name, now, cancellationToken);
        using var held = gate is null ? null : await gate.HoldAsync(cancellationToken);
        var next = now + interval;
        var until = now + lease;
        var taken = await db.Set<MaintenanceLeaseRecord>()
            .Where(l => l.Name == name && l.NextRunAt <= now && (l.LeaseUntil == null || l.LeaseUntil < now))
            .ExecuteUpdateAsync(l => l.SetProperty(x => x.LeaseOwner, owner).SetProperty(x => x.LeaseUntil, until).SetProperty(x => x.NextRunAt, next), cancellationToken);
        return taken == 1;
    }

    /// <summary>Gives the lease back (only this server's own).</summary>
    public async Task ReleaseAsync(string name, string owner, CancellationToken cancellationToken)
    {
        using var held = gate is null ? null : await gate.HoldAsync(cancellationToken);
        await db.Set<MaintenanceLeaseRecord>()
            .Where(l => l.Name == name && l.LeaseOwner == owner)
            .ExecuteUpdateAsync(l => l.SetProperty(x => x.LeaseOwner, (string?)null).SetProperty(x => x.LeaseUntil, (DateTime?)null), cancellationToken);
    }

    /// <summary>The job's row, due at once, the first time any server looks (a racing server's insert wins; that is the same row).</summary>
    private async Task EnsureAsync(string name, DateTime now, CancellationToken cancellationToken)
    {
        if (await db.Set<MaintenanceLeaseRecord>().AsNoTracking().AnyAsync(l => l.Name == name, cancellationToken)) return;
        db.Set<MaintenanceLeaseRecord>().Add(new MaintenanceLeaseRecord { Name = name, NextRunAt = now });
        try
        {
            await db.SaveChangesAsync(cancellationToken); // SQLite: the write gate holds SaveChanges itself
        }
        catch (DbUpdateException)
        {
            // Another server made it first.
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }
}
