using System.Security.Cryptography;
using System.Text;

namespace Coverage.Import;

/// <summary>
/// Writes the draft folder all at once: the files go to a new folder beside the target, which then takes the
/// target's place, so that a failed import leaves nothing half-written. A folder that holds files already is
/// replaced only when asked (--force).
/// </summary>
public static class DraftFolder
{
    public static IReadOnlyList<string> Write(string outDir, DraftPolicy draft, byte[] source, bool force)
    {
        var target = Path.GetFullPath(outDir);
        if (File.Exists(target)) throw new ImportException(outDir, "is a file; --out names the folder to write the draft to");
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any() && !force)
            throw new ImportException(outDir, "is not empty; choose a new folder, or replace it with --force");
        var parent = Path.GetDirectoryName(target) ?? throw new ImportException(outDir, "has no parent folder");

        var sha256 = Convert.ToHexStringLower(SHA256.HashData(source));
        var files = new List<(string Name, string Text)>
        {
            ("policy.yaml", DraftWriter.PolicyYaml(draft)),
            (ImportReportWriter.MarkdownFile, ImportReportWriter.Markdown(draft, sha256)),
            (ImportReportWriter.JsonFile, ImportReportWriter.Json(draft, sha256)),
        };
        if (DraftWriter.ReferencesYaml(draft) is { } references) files.Insert(1, ("references.yaml", references));

        var staging = Path.Combine(parent, $".{Path.GetFileName(target)}.import-{Guid.NewGuid():N}");
        try
        {
            // Inside the try: a parent that cannot be made (a path through a file, no permission) is a folder that cannot be written.
            Directory.CreateDirectory(parent);
            Directory.CreateDirectory(staging);
            foreach (var (name, text) in files) File.WriteAllText(Path.Combine(staging, name), text, new UTF8Encoding(false));
            if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
            Directory.Move(staging, target);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            throw new ImportException(outDir, "cannot be written: " + e.Message, e);
        }
        return [.. files.Select(f => Path.Combine(target, f.Name))];
    }
}
