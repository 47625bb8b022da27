using System.Text.RegularExpressions;

namespace Coverage.Import.Parsing;

/// <summary>A table row's cells: separated by tabs or by runs of two or more spaces (a PDF's column gaps read as spaces).</summary>
internal static partial class Columns
{
    public static IReadOnlyList<string> Split(string line) =>
        [.. Separator().Split(line.Trim()).Select(c => c.Trim()).Where(c => c.Length > 0)];

    [GeneratedRegex(@"\t+|\s{2,}")]
    private static partial Regex Separator();
}
