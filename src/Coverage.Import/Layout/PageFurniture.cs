using System.Text.RegularExpressions;

namespace Coverage.Import.Layout;

/// <summary>
/// Page headers and footers: what a printed policy repeats at the top or bottom of every page (its title or number,
/// "Page 3 of 12", a confidentiality line). They are not part of the text they interrupt, so they are set aside —
/// and listed in the report, never dropped silently. A line is furniture when it is a page number ("Page 3 of 12",
/// "- 3 -", or a bare number at a page's edge), or when, with its digits set aside, it stands at the edge of at least
/// half of the pages (two at least). A repeated line that says more than a page number keeps its first occurrence:
/// on the first page it is the document's own heading (the title, the number, a date). A text file knows its pages
/// by form feeds (as pdftotext writes them); without them only page-number lines are recognised, and a line that
/// repeats a "Page N" with other words.
/// </summary>
internal static partial class PageFurniture
{
    /// <summary>Lines at each end of a page where headers and footers stand.</summary>
    private const int EdgeLines = 3;

    public sealed record Result(List<SourceLine> Text, List<SourceLine> Furniture);

    public static Result SetAside(IReadOnlyList<SourceLine> lines)
    {
        var furniture = new HashSet<SourceLine>(ReferenceEqualityComparer.Instance);
        var pages = lines.Where(l => l.Page is not null).Select(l => l.Page!.Value).Distinct().Count();
        if (pages >= 2) MarkEdges(lines, pages, furniture);
        else MarkWithoutPages(lines, furniture);
        foreach (var line in lines)
            if (PageWord().IsMatch(line.Text)) furniture.Add(line);
        return new Result(JoinAcrossBreaks(lines, furniture), [.. lines.Where(furniture.Contains)]);
    }

    private static void MarkEdges(IReadOnlyList<SourceLine> lines, int pages, HashSet<SourceLine> furniture)
    {
        var edges = new List<SourceLine>();
        foreach (var page in lines.Where(l => !l.IsBlank).GroupBy(l => l.Page))
        {
            var onPage = page.ToList();
            edges.AddRange(onPage.Count <= 2 * EdgeLines ? onPage : [.. onPage.Take(EdgeLines), .. onPage.TakeLast(EdgeLines)]);
        }
        var threshold = Math.Max(2, (pages + 1) / 2);
        foreach (var repeated in edges.GroupBy(Key).Where(g => g.Select(l => l.Page).Distinct().Count() >= threshold))
            MarkRepeated(repeated.ToList(), furniture);
        foreach (var line in edges.Where(l => BareNumber().IsMatch(l.Text))) furniture.Add(line);
    }

    private static void MarkWithoutPages(IReadOnlyList<SourceLine> lines, HashSet<SourceLine> furniture)
    {
        foreach (var repeated in lines.Where(l => PageWithWords().IsMatch(l.Text)).GroupBy(Key).Where(g => g.Count() >= 2))
            MarkRepeated(repeated.ToList(), furniture);
    }

    private static void MarkRepeated(List<SourceLine> occurrences, HashSet<SourceLine> furniture)
    {
        var onlyNumbering = occurrences.All(l => PageWord().IsMatch(l.Text) || BareNumber().IsMatch(l.Text));
        foreach (var line in onlyNumbering ? occurrences : occurrences.Skip(1)) furniture.Add(line);
    }

    /// <summary>
    /// The lines without the furniture; where a paragraph ran on over a page break (the text before it does not end
    /// a sentence, the text after it goes on in lower case), the blank lines of the break go too, so that the
    /// paragraph reads as one.
    /// </summary>
    private static List<SourceLine> JoinAcrossBreaks(IReadOnlyList<SourceLine> lines, HashSet<SourceLine> furniture)
    {
        var text = new List<SourceLine>();
        var blanks = new List<SourceLine>();
        var brokeHere = false;
        SourceLine? previous = null;
        foreach (var line in lines)
        {
            if (furniture.Contains(line))
            {
                brokeHere = true;
                continue;
            }
            if (line.IsBlank)
            {
                blanks.Add(line);
                continue;
            }
            var pageBreak = brokeHere || (previous is not null && previous.Page != line.Page);
            var runsOn = previous is not null && pageBreak && !EndsSentence(previous.Text) && StartsLowerCase(line.Text);
            if (!runsOn) text.AddRange(blanks);
            blanks.Clear();
            brokeHere = false;
            text.Add(line);
            previous = line;
        }
        text.AddRange(blanks);
        return text;
    }

    private static bool EndsSentence(string text)
    {
        var t = text.TrimEnd();
        return t.Length == 0 || t[^1] is '.' or ':' or '!' or '?' or ')' or ']' or '"' or '”';
    }

    private static bool StartsLowerCase(string text)
    {
        var t = text.TrimStart();
        return t.Length > 0 && char.IsLower(t[0]);
    }

    /// <summary>
    /// What makes two lines the same header or footer: their words, and, for a line that carries a page number ("Page 3
    /// of 12", "Example Policy  Page 3", "12"), those words with the digits set aside. Only the page number changes from
    /// page to page; two lines of text that differ in a number ("… line 11 …", "… line 12 …") are not furniture.
    /// </summary>
    private static string Key(SourceLine line)
    {
        var text = Spaces().Replace(line.Text.Trim(), " ").ToLowerInvariant();
        return PageWithWords().IsMatch(text) || BareNumber().IsMatch(text) ? Digits().Replace(text, "#") : text;
    }

    /// <summary>A line that is only a page number: "Page 3", "Page 3 of 12", "Page 3/12", "- 3 -".</summary>
    [GeneratedRegex(@"^\s*(?:page\s+\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?|[-–—]\s*\d{1,4}\s*[-–—])\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex PageWord();

    /// <summary>A bare number, or "3 of 12": a page number only where it stands at a page's edge.</summary>
    [GeneratedRegex(@"^\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\s*$")]
    private static partial Regex BareNumber();

    [GeneratedRegex(@"\bpage\s+\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\b", RegexOptions.IgnoreCase)]
    private static partial Regex PageWithWords();

    [GeneratedRegex(@"\d+")]
    private static partial Regex Digits();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
