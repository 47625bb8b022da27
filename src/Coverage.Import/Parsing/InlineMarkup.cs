using System.Text.RegularExpressions;

namespace Coverage.Import.Parsing;

/// <summary>
/// Markup a text rendering of a document carries around the words (Markdown links, emphasis and escapes, angle-bracket
/// URLs, inline TeX, HTML list tags and bullets): removed, so that what is kept is the document's wording.
/// </summary>
internal static partial class InlineMarkup
{
    public static string Clean(string text)
    {
        var clean = MarkdownLink().Replace(text, "$1");
        clean = AngleUrl().Replace(clean, "$1");
        clean = HtmlTag().Replace(clean, " ");
        clean = InlineTex().Replace(clean, "$1");
        clean = Emphasis().Replace(clean, "$2");
        clean = Escape().Replace(clean, "$1");
        clean = Bullet().Replace(clean, " ");
        return Spaces().Replace(clean, " ").Trim();
    }

    /// <summary>Lines joined as one passage: each trimmed, single spaces between.</summary>
    public static string Join(IEnumerable<string> lines) => Clean(string.Join(' ', lines.Select(l => l.Trim())));

    [GeneratedRegex(@"\[([^\]]+)\]\((?:[^)\s]*)\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"<(https?://[^>\s]+)>")]
    private static partial Regex AngleUrl();

    [GeneratedRegex(@"</?[a-zA-Z][^<>]*>")]
    private static partial Regex HtmlTag();

    [GeneratedRegex(@"\$([^$]+)\$")]
    private static partial Regex InlineTex();

    [GeneratedRegex(@"(\*{1,3})([^*\s][^*]*?)\1")]
    private static partial Regex Emphasis();

    [GeneratedRegex(@"\\([()\[\]%$*_#&{}.\-])")]
    private static partial Regex Escape();

    [GeneratedRegex(@"(^|\s)•(\s|$)")]
    private static partial Regex Bullet();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
