using System.Text.RegularExpressions;

namespace Coverage.Import.Layout;

/// <summary>
/// Words a line break split with a hyphen ("medi-" / "cally necessary"), made whole again, so that the parser reads
/// "medically necessary" and a criterion keeps its words. The whole word goes to the line the break continues on
/// (that line is its source); the line before keeps the rest of its text. A soft hyphen (U+00AD) is always a break's.
/// A hard hyphen is kept when the document writes the same compound with its hyphen inside a line ("non-small"), and
/// dropped otherwise: a break's hyphen is far more common than a compound split exactly at its hyphen, and a document
/// that uses the compound says so elsewhere. A line that is nothing but the fragment is left as it is.
/// </summary>
internal static partial class LineBreakHyphens
{
    public static List<SourceLine> Join(List<SourceLine> lines)
    {
        HashSet<string>? compounds = null;
        var result = new List<SourceLine>(lines);
        for (var i = 0; i + 1 < result.Count; i++)
        {
            var line = result[i];
            var next = result[i + 1];
            var text = line.Text.TrimEnd();
            if (next.IsBlank || BrokenWord().Match(text) is not { Success: true } broken) continue;
            if (LowerCaseStart().Match(next.Text) is not { Success: true } rest) continue;
            var head = broken.Groups["head"].Value;
            var hyphen = broken.Groups["hyphen"].Value;
            compounds ??= Compounds(lines);
            var compound = $"{head}-{rest.Groups["word"].Value}".ToLowerInvariant();
            var word = hyphen == "-" && compounds.Contains(compound) ? $"{head}-{rest.Groups["word"].Value}" : head + rest.Groups["word"].Value;
            var before = text[..broken.Index].TrimEnd();
            if (before.Length == 0) continue;
            result[i] = line with { Text = before };
            result[i + 1] = next with { Text = next.Text[..rest.Groups["word"].Index] + word + next.Text[(rest.Groups["word"].Index + rest.Groups["word"].Length)..] };
        }
        return result;
    }

    private static HashSet<string> Compounds(IEnumerable<SourceLine> lines)
    {
        var compounds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in lines)
            foreach (Match m in Compound().Matches(line.Text))
                compounds.Add(m.Value.ToLowerInvariant());
        return compounds;
    }

    /// <summary>A word fragment at the end of a line, followed by its hyphen.</summary>
    [GeneratedRegex(@"(?<=^|[\s(""“‘'])(?<head>\p{L}{2,})(?<hyphen>[-\u00AD])$")]
    private static partial Regex BrokenWord();

    [GeneratedRegex(@"^\s*(?<word>\p{Ll}+)")]
    private static partial Regex LowerCaseStart();

    [GeneratedRegex(@"\p{L}+-\p{L}+")]
    private static partial Regex Compound();
}
