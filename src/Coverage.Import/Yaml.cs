using System.Globalization;
using System.Text;

namespace Coverage.Import;

/// <summary>YAML scalars as the catalogue's files write them: text double-quoted (escaped), dates bare.</summary>
internal static class Yaml
{
    public static string Quote(string text)
    {
        var quoted = new StringBuilder("\"");
        foreach (var c in text)
            quoted.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\t' => "\\t",
                '\n' => "\\n",
                '\r' => "\\r",
                _ when char.IsControl(c) => $"\\u{(int)c:X4}",
                _ => c.ToString(),
            });
        return quoted.Append('"').ToString();
    }

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string List(IEnumerable<string> items) => "[" + string.Join(", ", items.Select(Quote)) + "]";

    /// <summary>A comment that names where an item came from (comments never hold a line break).</summary>
    public static string From(SourceLine line, string? more = null) =>
        "  # " + line.Where + (more is null ? "" : "; " + more.Replace('\n', ' ').Replace('\r', ' '));
}
