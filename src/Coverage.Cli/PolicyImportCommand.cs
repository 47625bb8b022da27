using System.CommandLine;
using Coverage.Import;

namespace Coverage.Cli;

/// <summary>
/// coverage policy import FILE --out DIR: reads a payer's policy document (.txt or .pdf) and writes a draft policy
/// folder (policy.yaml, references.yaml) with its import report; the draft decides nothing until an analyst
/// completes it (coverage policy validate DIR lists what is missing).
/// </summary>
internal static class PolicyImportCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("file") { Description = "The policy document: a .txt or a .pdf with a text layer" };
        var output = new Option<string>("--out") { Description = "Folder to write the draft policy to (name it <policy number>-<words>, as catalogue folders are)", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace the --out folder when it is not empty" };
        var import = new Command("import", "Draft a policy folder from a payer's policy document, with a report of what it could not place") { file, output, force };
        import.SetAction(parse => Run(parse.GetValue(file)!, parse.GetValue(output)!, parse.GetValue(force), stdout, stderr));
        return import;
    }

    private static int Run(string file, string outDir, bool force, TextWriter stdout, TextWriter stderr)
    {
        DraftPolicy draft;
        byte[] source;
        try
        {
            draft = PolicyImporter.Import(file);
            source = File.ReadAllBytes(file);
        }
        catch (ImportException e)
        {
            stderr.WriteLine($"coverage: cannot import {e.File}: {e.Reason}");
            return ExitCodes.InputError;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Any document in gives a draft or a clear refusal; an error the importer did not foresee is its own fault,
            // said with the file, never a stack trace.
            stderr.WriteLine($"coverage: cannot import {file}: the importer failed on this document ({e.GetType().Name}: {e.Message}); " +
                "nothing was written. Please report it with the document.");
            return ExitCodes.ImporterFault;
        }
        try
        {
            DraftFolder.Write(outDir, draft, source, force);
        }
        catch (ImportException e)
        {
            // The document was read; where the draft was to go is wrong (a file, a folder not empty, one that cannot be written).
            stderr.WriteLine($"coverage: cannot write the draft of {file} to {e.File}: {e.Reason}");
            return ExitCodes.InputError;
        }
        var statements = draft.Versions.SelectMany(v => v.Statements).ToList();
        var criteria = statements.Sum(s => s.Criteria.Count);
        stdout.WriteLine($"draft: policy {draft.Number.Value} \"{draft.Title?.Value}\" written to {outDir}");
        stdout.WriteLine($"  {statements.Count} statement{S(statements.Count)} ({criteria} criteri{(criteria == 1 ? "on" : "a")} to map to facts), " +
            $"{draft.Codes.Count} procedure code{S(draft.Codes.Count)}, {draft.Indications.Sum(i => i.Diagnoses.Count)} diagnosis code{S(draft.Indications.Sum(i => i.Diagnoses.Count))}, " +
            $"{draft.Versions.Count} version{S(draft.Versions.Count)}, {draft.References.Count} reference{S(draft.References.Count)}, {draft.Devices.Count} device{S(draft.Devices.Count)}");
        stdout.WriteLine($"  {draft.Report.Notes.Count} note{S(draft.Report.Notes.Count)} for the analyst, {draft.Report.Unplaced.Count} passage{S(draft.Report.Unplaced.Count)} not placed: " +
            Path.Combine(outDir, ImportReportWriter.MarkdownFile));
        var folder = Path.GetFileName(Path.GetFullPath(outDir).TrimEnd(Path.DirectorySeparatorChar));
        if (folder != draft.Number.Value && !folder.StartsWith(draft.Number.Value + "-", StringComparison.Ordinal))
            stdout.WriteLine($"  note: the catalogue names a policy folder '{draft.Number.Value}-<words>'; rename {folder} before adding it to one");
        stdout.WriteLine($"Next: coverage policy validate {outDir}");
        return ExitCodes.Ok;
    }

    private static string S(int n) => n == 1 ? "" : "s";
}
