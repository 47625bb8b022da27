using System.Globalization;
using System.Text.RegularExpressions;

namespace Coverage.Import.Parsing;

/// <summary>Dates as policy documents write them: 3/15/2026, 01/03/2024, January 1, 2022, 2026-03-15.</summary>
internal static partial class DocumentDates
{
    /// <summary>A date anywhere in a text (a month and year alone is not a date: no day to take effect on).</summary>
    public const string Pattern = @"(?:\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}|(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+\d{1,2},\s*\d{4})";

    public static bool TryParse(string text, out DateOnly date)
    {
        var trimmed = text.Trim().TrimEnd('.', ',', ';', ':');
        string[] formats = ["M/d/yyyy", "MM/dd/yyyy", "yyyy-MM-dd", "MMMM d, yyyy", "MMMM d,yyyy"];
        return DateOnly.TryParseExact(Spaces().Replace(trimmed, " "), formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }

    /// <summary>The first date in the text, with where it is.</summary>
    public static Match? Find(string text)
    {
        var match = AnyDate().Match(text);
        return match.Success ? match : null;
    }

    [GeneratedRegex(Pattern)]
    private static partial Regex AnyDate();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
