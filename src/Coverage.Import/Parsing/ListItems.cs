using System.Text.RegularExpressions;

namespace Coverage.Import.Parsing;

/// <summary>
/// List items: a bullet (-, •, *, –) or a number or letter with a period or parenthesis. A bullet is layout and is
/// dropped; a number is part of the text (a policy's criteria are cited by number) and is kept in the statement.
/// </summary>
internal static partial class ListItems
{
    public static bool IsItem(string line) => Marker().IsMatch(line);

    /// <summary>The item without its marker; <paramref name="number"/> is the number or letter it carries, if any.</summary>
    public static string Body(string line, out string? number)
    {
        var match = Marker().Match(line);
        number = match.Groups["n"].Success ? match.Groups["n"].Value : null;
        return line[match.Length..].Trim();
    }

    /// <summary>
    /// The kind of numbering an item carries: "bullet", "number", "letter", "LETTER", "roman", "ROMAN" (a Roman numeral
    /// of two or more characters; "I" or "v" alone reads as a letter). A list is one kind: an item of another kind at
    /// the same depth starts something else ("II. Experimental…" after "A.", "B.", "C.").
    /// </summary>
    public static string? Kind(string line)
    {
        var match = Marker().Match(line);
        if (!match.Success) return null;
        if (!match.Groups["n"].Success) return "bullet";
        var n = match.Groups["n"].Value;
        if (char.IsDigit(n[0])) return "number";
        if (n.Length > 1) return char.IsUpper(n[0]) ? "ROMAN" : "roman";
        return char.IsUpper(n[0]) ? "LETTER" : "letter";
    }

    /// <summary>The item as the statement's text keeps it: a numbered item with its number as written, a bulleted one without its bullet.</summary>
    public static string AsWritten(string line)
    {
        var body = Body(line, out var number);
        return number is null ? body : line.Trim();
    }

    /// <summary>
    /// Bullets as documents and PDF producers write them (including the Symbol font's private-use bullets), and
    /// numbers, letters (a, A) and Roman numerals (iv, IV) followed by a period or parenthesis, or in parentheses.
    /// </summary>
    [GeneratedRegex(@"^\s*(?:[-•*–]\s+|[•▪◦●■□○➢►✓\uF0A7\uF0B7\uF0D8\uF076]\s*(?=\S)|(?<n>\d{1,2}|[a-zA-Z]|[ivxIVX]{2,5})[.)]\s+|\((?<n>\d{1,2}|[a-zA-Z]|[ivxIVX]{2,5})\)\s+)")]
    private static partial Regex Marker();
}
