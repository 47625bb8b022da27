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

    /// <summary>The item as the statement's text keeps it: a numbered item with its number as written, a bulleted one without its bullet.</summary>
    public static string AsWritten(string line)
    {
        var body = Body(line, out var number);
        return number is null ? body : line.Trim();
    }

    [GeneratedRegex(@"^\s*(?:[-•*–]\s+|(?<n>\d{1,2}|[a-z])[.)]\s+)")]
    private static partial Regex Marker();
}
