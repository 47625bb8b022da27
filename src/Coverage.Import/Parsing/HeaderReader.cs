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
        for (var i = 0; i < front.Count && number is null; i++)
        {
            if (NumberLabel().Match(front[i].Text) is { Success: true } m && m.Groups["value"].Value.Any(char.IsDigit))
                number = new Sourced<string>(m.Groups["value"].Value.TrimEnd('.', ','), front[i]);
            // A label alone on its line, as a table of fields prints it ("LCD ID" over "L12345"): the value is the next line.
            else if (LabelAlone(NumberLabelAlone(), front, i) is { } below && NumberValue().Match(below.Text) is { Success: true } v && v.Value.Any(char.IsDigit))
            {
                number = new Sourced<string>(v.Value.Trim().TrimEnd('.', ','), below);
                use.Place(front[i]);
            }
        }

        var title = Labelled(front, TitleLabel(), use) ?? (number is null ? null : TitleBeside(front, number.Line));
        Sourced<DateOnly>? effective = null, nextReview = null;
        var others = new List<Sourced<string>>();
        for (var i = 0; i < front.Count; i++)
        {
            var line = front[i];
            var text = line.Text;
            var valueLine = line;
            if (DateLabelAlone().IsMatch(text) && LabelAlone(DateLabelAlone(), front, i) is { } below && DateValue().IsMatch(below.Text))
            {
                // "Revision Effective Date" over "For services performed on or after 01/01/2025".
                text = text.Trim() + ": " + below.Text.Trim();
                valueLine = below;
                use.Place(line);
            }
            foreach (Match m in DateLabel().Matches(text))
            {
                var label = Spaces().Replace(m.Groups["label"].Value, " ");
                var value = m.Groups["value"].Value.Trim();
                var isEffective = EffectiveLabel().IsMatch(label);
                var isNextReview = NextReviewLabel().IsMatch(label);
                if (isEffective && effective is null && DocumentDates.TryParse(value, out var e)) effective = new(e, valueLine);
                else if (isNextReview && nextReview is null && DocumentDates.TryParse(value, out var n)) nextReview = new(n, valueLine);
                else others.Add(new Sourced<string>($"{label}: {value}", valueLine));
                use.Place(valueLine);
            }
        }
        if (number is not null) use.Place(number.Line);
        if (title is not null) use.Place(title.Line);
        var publisher = Publisher(all, number?.Value);
        return new Header(number, title, publisher, effective, nextReview, others);
    }

    private static Sourced<string>? Labelled(IReadOnlyList<SourceLine> lines, Regex label, LineUse use)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            if (label.Match(lines[i].Text) is { Success: true } m) return new Sourced<string>(InlineMarkup.Clean(m.Groups["value"].Value), lines[i]);
            if (LabelAlone(TitleLabelAlone(), lines, i) is { } below && IsPlainTitle(below.Text))
            {
                use.Place(lines[i]);
                return new Sourced<string>(InlineMarkup.Clean(below.Text), below);
            }
        }
        return null;
    }

    /// <summary>The line below a label that stands alone on its line (its value), or null.</summary>
    private static SourceLine? LabelAlone(Regex label, IReadOnlyList<SourceLine> lines, int at)
    {
        if (!label.IsMatch(lines[at].Text)) return null;
        var below = lines.Skip(at + 1).FirstOrDefault(l => !l.IsBlank);
        return below is not null && below.Number - lines[at].Number <= 3 ? below : null;
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

    /// <summary>
    /// "Policy Number: MP-12", "Coverage Policy Number 0123", "Guideline # CG-1", "Document #: MED.00123",
    /// "LCD ID: L12345", and a bare "Number: 0123" at the start of a line.
    /// </summary>
    [GeneratedRegex(@"(?:\b(?:Policy|Guideline|Document|Bulletin)\s*(?:Number|No\.?|#|ID)|\b(?:LCD|NCD|Article|Policy|Document)\s+ID|^\s*(?:Number|Document|Policy)(?=\s*:))\s*[.:#]*\s*(?<value>[A-Za-z]{0,8}[-.]?[A-Za-z0-9]+(?:[-.][A-Za-z0-9]+)*)", RegexOptions.IgnoreCase)]
    private static partial Regex NumberLabel();

    [GeneratedRegex(@"^\s*(?:(?:Policy|Guideline|Document)\s+(?:Number|No\.?|#|ID)|(?:LCD|NCD|Article)\s+ID|Number)\s*:?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex NumberLabelAlone();

    [GeneratedRegex(@"^\s*[A-Za-z]{0,8}[-.]?[A-Za-z0-9]+(?:[-.][A-Za-z0-9]+)*\s*$")]
    private static partial Regex NumberValue();

    [GeneratedRegex(@"^\s*(?:Subject|Title|Policy Title|Policy Name|Medical Policy Title|LCD Title|Article Title|Guideline Title)\s*:\s*(?<value>.+?)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex TitleLabel();

    [GeneratedRegex(@"^\s*(?:Policy Title|Medical Policy Title|LCD Title|Article Title|Guideline Title)\s*:?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex TitleLabelAlone();

    /// <summary>
    /// A date with its label: "Effective Date: 01/01/2025", "Next Review Date 1/1/2026", "Last Review: 03/12/2025"
    /// (without "Date" the label takes a colon), "Revision Effective Date: For services performed on or after 01/01/2025".
    /// </summary>
    [GeneratedRegex(@"(?<label>(?:Original\s+|Next\s+|Last\s+|Latest\s+|Revision\s+|Current\s+)?(?:Effective|Review|Reviewed|Publish|Published|Revision|Revised|Approval|Approved)(?:\s+Date|(?=\s*:)))\s*[.:]*\s*(?:For\s+services\s+performed\s+on\s+or\s+after\s+)?(?<value>" + DocumentDates.Pattern + @"|(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+\d{4})", RegexOptions.IgnoreCase)]
    private static partial Regex DateLabel();

    [GeneratedRegex(@"^\s*(?:Original\s+|Next\s+|Last\s+|Latest\s+|Revision\s+|Current\s+)?(?:Effective|Review|Reviewed|Publish|Published|Revision|Revised)\s+Date\s*:?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex DateLabelAlone();

    [GeneratedRegex(@"^\s*(?:For\s+services\s+performed\s+on\s+or\s+after\s+)?" + DocumentDates.Pattern + @"\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex DateValue();

    /// <summary>The date the document (its current version) takes effect: "Effective Date", "Publish Date", an LCD's "Revision Effective Date".</summary>
    [GeneratedRegex(@"^(?:Revision\s+|Current\s+)?(?:Effective|Publish|Published)(?:\s+Date)?$", RegexOptions.IgnoreCase)]
    private static partial Regex EffectiveLabel();

    [GeneratedRegex(@"^Next\s+Review(?:\s+Date)?$", RegexOptions.IgnoreCase)]
    private static partial Regex NextReviewLabel();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"^\s*(?<publisher>[A-Z][\w&.' ]*?)\s+(?:Clinical\s+UM\s+Guideline|Medical\s+Policy|Coverage\s+Policy|Clinical\s+Policy\s+Bulletin|Payment\s+Policy|Reimbursement\s+Policy)\s+(?<number>[A-Za-z0-9][A-Za-z0-9.\-]*)", RegexOptions.IgnoreCase)]
    private static partial Regex PublisherBeforeKind();

    [GeneratedRegex(@"\badministered by (?<publisher>[A-Z][\w&' ]*?)(?=[.,;]|\s*$)")]
    private static partial Regex AdministeredBy();
}
