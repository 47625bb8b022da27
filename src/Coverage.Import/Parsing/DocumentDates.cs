using System.Globalization;
using System.Text.RegularExpressions;

namespace Coverage.Import.Parsing;

/// <summary>
/// Dates as policy documents write them: 3/15/2026, 01/03/2024, 03-15-2026, 2026-03-15, January 1, 2022, Jan. 1, 2022,
/// Sept 1, 2022, 1 January 2022. Slashes and dashes with the year last are month first, as US payers write them.
/// </summary>
internal static partial class DocumentDates
{
    private const string Month = @"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)";

    /// <summary>A date anywhere in a text (a month and year alone is not a date: no day to take effect on).</summary>
    public const string Pattern = @"(?:\d{1,2}/\d{1,2}/\d{4}|\d{1,2}-\d{1,2}-\d{4}|\d{4}-\d{2}-\d{2}|" + Month + @"\.?\s+\d{1,2},\s*\d{4}|\d{1,2}\s+" + Month + @"\.?\s+\d{4})";

    private static readonly string[] Formats =
        ["M/d/yyyy", "MM/dd/yyyy", "M-d-yyyy", "MM-dd-yyyy", "yyyy-MM-dd", "MMMM d, yyyy", "MMMM d,yyyy", "MMM d, yyyy", "MMM d,yyyy", "d MMMM yyyy", "d MMM yyyy"];

    public static bool TryParse(string text, out DateOnly date)
    {
        var trimmed = Spaces().Replace(text.Trim().TrimEnd('.', ',', ';', ':'), " ");
        // "Jan. 1, 2022" and "Sept 1, 2022": the abbreviation as the invariant culture writes it ("Jan 1, 2022", "Sep 1, 2022").
        trimmed = AbbreviationDot().Replace(trimmed, "$1");
        trimmed = Sept().Replace(trimmed, "Sep");
        return DateOnly.TryParseExact(trimmed, Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
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

    [GeneratedRegex(@"\b([A-Z][a-z]{2,3})\.(?=\s)")]
    private static partial Regex AbbreviationDot();

    [GeneratedRegex(@"\bSept\b")]
    private static partial Regex Sept();
}
