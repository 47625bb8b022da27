using Coverage.Engine.Catalogue;
using Coverage.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace Coverage.Store;

/// <summary>
/// Keeps each catalogue the server decides with, by digest, beside the cases (catalogue_snapshots): a case's page,
/// notice and re-reading of its request use the rules it was decided by, not whatever the folder holds today.
/// </summary>
public sealed class CatalogueSnapshotStore(CoverageDbContext db, TimeProvider time)
{
    /// <summary>Keeps the snapshot unless its digest is kept already (by this server or another on the same database).</summary>
    public async Task SaveAsync(CatalogueSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        if (await db.CatalogueSnapshots.AsNoTracking().AnyAsync(s => s.Digest == snapshot.Digest, cancellationToken)) return;
        db.CatalogueSnapshots.Add(new CatalogueSnapshotRecord
        {
            Digest = snapshot.Digest, Root = snapshot.Root, Archive = snapshot.ToArchive(), SavedAt = time.GetUtcNow().UtcDateTime,
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            // Another server starting on the same database kept the same files first: the same digest is the same files.
            if (!await db.CatalogueSnapshots.AsNoTracking().AnyAsync(s => s.Digest == snapshot.Digest, cancellationToken)) throw;
        }
    }

    public async Task<CatalogueSnapshot?> FindAsync(string digest, CancellationToken cancellationToken = default)
    {
        var record = await db.CatalogueSnapshots.AsNoTracking().FirstOrDefaultAsync(s => s.Digest == digest, cancellationToken);
        return record is null ? null : CatalogueSnapshot.FromArchive(record.Digest, record.Root, record.Archive);
    }
}
