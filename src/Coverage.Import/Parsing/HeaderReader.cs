using System.Text.RegularExpressions;

namespace Coverage.Import.Parsing;

/// <summary>
/// The front page: the policy's number, title, publisher and dates, from the labels documents give them
/// ("Coverage Policy Number", "Guideline #", "Policy Number"; "Effective Date", "Publish Date", "Next Review Date").
/// </summary>
internal static partial class HeaderReader
{
    public sealed record Header(
        Sourced<string>? Number, Sourced<string>? Title, Sourced<string>? Publisher,
        Sourced<DateOnly>? EffectiveDate, Sourced<DateOnly>? NextReviewDate, IReadOnlyList<Sourced<string>> OtherDates);

    /// <param name="front">The lines before the coverage statements: where the front page is.</param>
    /// <param name="all">Every line: the publisher may be named only in the instructions for use.</param>
    public static Header Read(IReadOnlyList<SourceLine> front, IReadOnlyList<SourceLine> all, LineUse use)
    {
        Sourced<string>? number = null;
        foreach (var line in front)
            if (NumberLabel().Match(line.Text) is { Success: true } m && m.Groups["value"].Value.Any(char.IsDigit))
            {
                number = new Sourced<string>(m.Groups["value"].Value.TrimEnd('.', ','), line);
                break;
            }

        var title = Labelled(front, TitleLabel()) ?? (number is null ? null : TitleBeside(front, number.Line));
        Sourced<DateOnly>? effective = null, nextReview = null;
        var others = new List<Sourced<string>>();
        foreach (var line in front)
            foreach (Match m in DateLabel().Matches(line.Text))
            {
                var label = m.Groups["label"].Value;
                var value = m.Groups["value"].Value.Trim();
                var isEffective = EffectiveLabel().IsMatch(label);
                var isNextReview = NextReviewLabel().IsMatch(label);
                if (isEffective && effective is null && DocumentDates.TryParse(value, out var e)) effective = new(e, line);
                else if (isNextReview && nextReview is null && DocumentDates.TryParse(value, out var n)) nextReview = new(n, line);
                else others.Add(new Sourced<string>($"{label}: {value}", line));
                use.Place(line);
            }
        if (number is not null) use.Place(number.Line);
        if (title is not null) use.Place(title.Line);
        var publisher = Publisher(all, number?.Value);
        return new Header(number, title, publisher, effective, nextReview, others);
    }

    private static Sourced<string>? Labelled(IEnumerable<SourceLine> lines, Regex label)
    {
        foreach (var line in lines)
            if (label.Match(line.Text) is { Success: true } m) return new Sourced<string>(InlineMarkup.Clean(m.Groups["value"].Value), line);
        return null;
    }

    /// <summary>The title stands next to the number: the next plain line, else the one before (a labelled line is not a title).</summary>
    private static Sourced<string>? TitleBeside(IReadOnlyList<SourceLine> lines, SourceLine numberLine)
    {
        var index = lines.ToList().IndexOf(numberLine);
        var next = lines.Skip(index + 1).FirstOrDefault(l => !l.IsBlank);
        if (next is not null && IsPlainTitle(next.Text)) return new Sourced<string>(InlineMarkup.Clean(next.Text), next);
        var previous = lines.Take(index).LastOrDefault(l => !l.IsBlank);
        if (previous is not null && IsPlainTitle(previous.Text)) return new Sourced<string>(InlineMarkup.Clean(previous.Text), previous);
        return null;
    }

    private static bool IsPlainTitle(string text)
    {
        var t = text.Trim();
        return t.Length is > 3 and < 200 && !t.Contains(':', StringComparison.Ordinal) && !t.All(c => c is '-' or '=' or '_' or '*')
               && SectionFinder.HeadingOf(t) is null && !t.EndsWith('.');
    }

    /// <summary>
    /// Who publishes the policy: the words before the document's kind and number ("Example Health Clinical UM
    /// Guideline CG-1", "Example Blue Plan medical policy MP-12"), else the plans the policy says
    /// it applies to are "administered by".
    /// </summary>
    private static Sourced<string>? Publisher(IReadOnlyList<SourceLine> lines, string? number)
    {
        if (number is not null)
            foreach (var line in lines)
                if (PublisherBeforeKind().Match(line.Text) is { Success: true } m && m.Groups["number"].Value.TrimEnd('.', ',') == number)
                    return new Sourced<string>(m.Groups["publisher"].Value.Trim(), line);
        foreach (var line in lines)
            if (AdministeredBy().Match(line.Text) is { Success: true } m)
                return new Sourced<string>(m.Groups["publisher"].Value.Trim(), line);
        return null;
    }

    [GeneratedRegex(@"\b(?:Policy|Guideline|Document|Bulletin)\s*(?:Number|No\.?|#)\s*[.:]*\s*(?<value>[A-Za-z]{0,8}[-.]?[A-Za-z0-9]+(?:[-.][A-Za-z0-9]+)*)", RegexOptions.IgnoreCase)]
    private static partial Regex NumberLabel();

    [GeneratedRegex(@"^\s*(?:Subject|Title|Policy Title|Policy Name)\s*:\s*(?<value>.+?)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex TitleLabel();

    [GeneratedRegex(@"(?<label>(?:Original\s+|Next\s+|Last\s+|Latest\s+)?(?:Effective|Review|Publish|Published|Revision|Revised)\s+Date)\s*[.:]*\s*(?<value>" + DocumentDates.Pattern + @"|(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+\d{4})", RegexOptions.IgnoreCase)]
    private static partial Regex DateLabel();

    [GeneratedRegex(@"^(?:Effective|Publish|Published)\s+Date$", RegexOptions.IgnoreCase)]
    private static partial Regex EffectiveLabel();

    [GeneratedRegex(@"^Next\s+Review\s+Date$", RegexOptions.IgnoreCase)]
    private static partial Regex NextReviewLabel();

    [GeneratedRegex(@"^\s*(?<publisher>[A-Z][\w&.' ]*?)\s+(?:Clinical\s+UM\s+Guideline|Medical\s+Policy|Coverage\s+Policy|Clinical\s+Policy\s+Bulletin|Payment\s+Policy|Reimbursement\s+Policy)\s+(?<number>[A-Za-z0-9][A-Za-z0-9.\-]*)", RegexOptions.IgnoreCase)]
    private static partial Regex PublisherBeforeKind();

    [GeneratedRegex(@"\badministered by (?<publisher>[A-Z][\w&' ]*?)(?=[.,;]|\s*$)")]
    private static partial Regex AdministeredBy();
}
