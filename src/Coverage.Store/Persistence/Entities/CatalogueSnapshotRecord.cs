namespace Coverage.Store.Entities;

/// <summary>
/// The files of a catalogue the server decided cases with, kept by digest (a determination's catalogueDigest) so
/// that old cases are shown with the rules they were decided by. Written once per digest, never changed.
/// </summary>
public sealed class CatalogueSnapshotRecord
{
    /// <summary>"sha256:" and 64 hex digits.</summary>
    public string Digest { get; set; } = "";
    /// <summary>The catalogue's root folder inside the archive ("." or "catalogues/with-related-resources").</summary>
    public string Root { get; set; } = "";
    /// <summary>A zip of the catalogue's YAML files (CatalogueSnapshot.ToArchive).</summary>
    public byte[] Archive { get; set; } = [];
    public DateTime SavedAt { get; set; }
}
