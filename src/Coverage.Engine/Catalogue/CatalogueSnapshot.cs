using System.IO.Compression;

namespace Coverage.Engine.Catalogue;

/// <summary>One file of a catalogue snapshot: its path from the snapshot's folder, and its bytes.</summary>
public sealed record CatalogueSnapshotFile(string Path, byte[] Content);

/// <summary>
/// The files of a catalogue as they were when cases were decided with it, identified by its digest
/// (<see cref="CatalogueLoader.Snapshot"/>). Kept beside the cases, so that an old case is shown, and its notice
/// written, with the rules it was decided by, after the catalogue's folder has moved on.
/// </summary>
public sealed record CatalogueSnapshot(string Digest, string Root, IReadOnlyList<CatalogueSnapshotFile> Files)
{
    /// <summary>The files as a zip archive (deflated YAML: a catalogue is a few hundred kilobytes of text).</summary>
    public byte[] ToArchive()
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var file in Files)
            {
                // A fixed time: the same files give the same archive.
                var entry = zip.CreateEntry(file.Path, CompressionLevel.Optimal);
                entry.LastWriteTime = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
                using var output = entry.Open();
                output.Write(file.Content);
            }
        return stream.ToArray();
    }

    public static CatalogueSnapshot FromArchive(string digest, string root, byte[] archive)
    {
        using var zip = new ZipArchive(new MemoryStream(archive), ZipArchiveMode.Read);
        var files = new List<CatalogueSnapshotFile>();
        foreach (var entry in zip.Entries)
        {
            using var input = entry.Open();
            using var content = new MemoryStream();
            input.CopyTo(content);
            files.Add(new CatalogueSnapshotFile(entry.FullName, content.ToArray()));
        }
        return new CatalogueSnapshot(digest, root, files);
    }

    /// <summary>
    /// Writes the files under <paramref name="folder"/> and loads the catalogue from them. Refuses a path that would
    /// leave the folder, and a catalogue whose digest is not the snapshot's (the files were not the ones kept).
    /// </summary>
    public PolicyCatalogue Load(string folder)
    {
        var full = Path.GetFullPath(folder);
        foreach (var file in Files)
        {
            var path = Path.GetFullPath(Path.Combine(full, file.Path));
            if (!path.StartsWith(full + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw new InvalidOperationException($"Catalogue snapshot {Digest}: '{file.Path}' is outside the snapshot's folder.");
            CatalogueDisk.Write(path, file.Content);
        }
        var catalogue = CatalogueLoader.Load(Path.Combine(full, Root));
        if (catalogue.Digest != Digest)
            throw new InvalidOperationException($"Catalogue snapshot {Digest}: its files load as {catalogue.Digest}.");
        return catalogue;
    }
}
