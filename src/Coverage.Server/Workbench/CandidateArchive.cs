using System.IO.Compression;

namespace Coverage.Server.Workbench;

/// <summary>
/// A candidate catalogue uploaded as a zip archive, unpacked safely into a folder of the server's own choosing: no
/// entry may leave it (an absolute path, a drive, "..", a link), and the entries, each entry's size and the total are
/// bounded by the bytes actually unpacked, not by what the archive claims (a zip bomb stops at the limit). The
/// catalogue must be whole: its policies/ at the archive's root or in its one top folder, and no catalogue.yaml (whose
/// "extends" would name a folder of the server). Problems are said as a sentence for the analyst.
/// </summary>
public static class CandidateArchive
{
    public const int MaxEntries = 2_000;
    public const long MaxEntryBytes = 10L * 1024 * 1024;
    public const long MaxTotalBytes = 50L * 1024 * 1024;

    /// <summary>Unpacks <paramref name="archive"/> into the empty folder <paramref name="into"/>; the catalogue's root, or why not.</summary>
    public static (string? Root, string? Problem) Extract(Stream archive, string into)
    {
        var target = Path.GetFullPath(into);
        Directory.CreateDirectory(target);
        try
        {
            using var zip = new ZipArchive(archive, ZipArchiveMode.Read, leaveOpen: true);
            if (zip.Entries.Count > MaxEntries) return (null, $"The archive holds {zip.Entries.Count:N0} entries; a candidate catalogue has at most {MaxEntries:N0}.");
            long total = 0;
            foreach (var entry in zip.Entries)
            {
                var name = entry.FullName.Replace('\\', '/');
                if (Unsafe(name) is { } why) return (null, $"The archive's entry '{entry.FullName}' {why}; nothing was run.");
                // Unix links keep their type in the high bits of the external attributes: a link could point anywhere.
                if (((entry.ExternalAttributes >> 16) & 0xF000) == 0xA000) return (null, $"The archive's entry '{entry.FullName}' is a link; a catalogue holds files and folders only.");
                var path = Path.GetFullPath(Path.Combine(target, name));
                if (!path.StartsWith(target + Path.DirectorySeparatorChar, StringComparison.Ordinal) && path != target)
                    return (null, $"The archive's entry '{entry.FullName}' would be written outside the catalogue's folder; nothing was run.");
                long written;
                bool complete;
                try
                {
                    (written, complete) = Unpack(entry, name, path, Math.Min(MaxEntryBytes, MaxTotalBytes - total));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // The archive's fault (a name that is a file and a folder both, a name too long), not the server's: said, not a 500.
                    return (null, $"The archive's entry '{entry.FullName}' cannot be unpacked as it is named (a file and a folder of one name, or a name too long for a file); nothing was run.");
                }
                if (!complete)
                    return (null, total + written > MaxTotalBytes
                        ? $"The archive unpacks to more than {MaxTotalBytes / (1024 * 1024)} MB in all; a candidate catalogue is smaller."
                        : $"The archive's entry '{entry.FullName}' unpacks to more than {MaxEntryBytes / (1024 * 1024)} MB; a catalogue's files are smaller.");
                total += written;
            }
        }
        catch (InvalidDataException)
        {
            return (null, "The file is not a zip archive (or it is damaged): upload the catalogue folder as a .zip.");
        }
        if (File.Exists(Path.Combine(target, "catalogue.yaml")) || Directory.GetFiles(target, "catalogue.yaml", SearchOption.AllDirectories).Length > 0)
            return (null, "The archive holds a catalogue.yaml: an uploaded catalogue must be whole (its own policies/ and plans/), not extend a folder of the server.");
        if (Directory.Exists(Path.Combine(target, "policies"))) return (target, null);
        var tops = Directory.GetDirectories(target);
        if (tops.Length == 1 && Directory.GetFiles(target).Length == 0 && Directory.Exists(Path.Combine(tops[0], "policies"))) return (tops[0], null);
        return (null, "The archive holds no catalogue: a folder with policies/ (and plans/) at its root or in its one top folder.");
    }

    /// <summary>Why an entry's name could leave the folder, or null when it cannot.</summary>
    private static string? Unsafe(string name)
    {
        if (name.Length == 0 || name.StartsWith('/')) return "is an absolute path";
        if (name.Contains(':', StringComparison.Ordinal)) return "names a drive or a stream";
        if (name.Contains('\0', StringComparison.Ordinal)) return "holds a NUL character";
        if (name.Split('/').Any(part => part == "..")) return "climbs out of its folder ('..')";
        return null;
    }

    /// <summary>Writes a folder entry, or a file entry with its folders (see <see cref="Copy"/>).</summary>
    private static (long Written, bool Complete) Unpack(ZipArchiveEntry entry, string name, string path, long limit)
    {
        if (name.EndsWith('/'))
        {
            Directory.CreateDirectory(path);
            return (0, true);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return Copy(entry, path, limit);
    }

    /// <summary>Copies the entry, counting the bytes it unpacks to; stops, incomplete, as soon as they pass the limit.</summary>
    private static (long Written, bool Complete) Copy(ZipArchiveEntry entry, string path, long limit)
    {
        using var from = entry.Open();
        using var to = File.Create(path);
        var buffer = new byte[81_920];
        long written = 0;
        int read;
        while ((read = from.Read(buffer, 0, buffer.Length)) > 0)
        {
            written += read;
            if (written > limit) return (written, false);
            to.Write(buffer, 0, read);
        }
        return (written, true);
    }
}
