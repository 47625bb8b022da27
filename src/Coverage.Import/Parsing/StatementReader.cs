using System.Text.RegularExpressions;

namespace Coverage.Import.Parsing;

/// <summary>
/// The coverage statements: each paragraph of the coverage section that states a finding (medically necessary,
/// not medically necessary, investigational, not covered) is a statement; a statement that ends in a colon takes the
/// list that follows. A list introduced as criteria or conditions ("when all the following criteria are met")
/// holds criteria, kept verbatim and unmapped; any other list names the services the statement is about. Short
/// lines are subheadings that name the statements under them; "For dates of service on or after DATE" starts the
/// statements of a version.
/// </summary>
internal static partial class StatementReader
{
    /// <summary>A run of statements in effect from a date (null: the document's current statements).</summary>
    public sealed record Scope(DateOnly? From, SourceLine? Line, List<DraftStatement> Statements);

    public sealed record Result(IReadOnlyList<Scope> Scopes, IReadOnlyList<DraftModality> Modalities, IReadOnlyList<AnalystNote> Notes);

    public static Result Read(Section section, LineUse use)
    {
        var scopes = new List<Scope> { new(null, null, []) };
        var modalities = new List<DraftModality>();
        var notes = new List<AnalystNote>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var modalityIds = new HashSet<string>(StringComparer.Ordinal);
        string? subheading = null;
        var skipping = false; // statements of a period the draft cannot place (no start date)
        if (section.Heading is not null) use.Place(section.Heading);

        var blocks = Blocks.Of(section.Lines);
        for (var b = 0; b < blocks.Count; b++)
        {
            var block = blocks[b];
            var first = block[0];
            var text = InlineMarkup.Join(block.Select(l => l.Text));

            if (block.Count == 1 && DateScope().Match(text) is { Success: true } scope)
            {
                subheading = text.TrimEnd(':');
                if (scope.Groups["from"].Success && DocumentDates.TryParse(scope.Groups["date"].Value, out var from))
                {
                    scopes.Add(new Scope(from, first, []));
                    skipping = false;
                    use.Place(first);
                }
                else
                {
                    // "Prior to DATE": the document says when the statements ended, not when they began.
                    skipping = true;
                    notes.Add(new AnalystNote("versions", $"\"{text}\": the statements under it end on a date but the document gives no start, " +
                        "so they are not a version of the draft (they are in the report); give the version its effective date if it is wanted", first));
                }
                continue;
            }
            if (skipping) continue;
            if (block.Count == 1 && (IsSubheading(text) || (RomanNumber().IsMatch(text) && !text.EndsWith('.') && text.Split(' ').Length <= 8)))
            {
                subheading = text.TrimEnd(':').Trim();
                use.Place(first);
                continue;
            }
            if (block.Count > 1 && IsHeadingAbove(block))
            {
                // "I. Medical Necessity" right above its statement, with no blank line between: the subheading, then the
                // statement as a block of its own.
                subheading = InlineMarkup.Clean(first.Text).TrimEnd(':').Trim();
                use.Place(first);
                block = block[1..];
                first = block[0];
            }
            if (ListItems.IsItem(first.Text)) continue; // a list no statement introduces: reported

            // The statement's lead, and its list: in the same block, or in the blocks that follow.
            var leadLines = block.TakeWhile(l => !ListItems.IsItem(l.Text)).ToList();
            var lead = InlineMarkup.Join(leadLines.Select(l => l.Text));
            var determination = Determinations.Find(lead);
            if (determination is null) continue;
            var items = new List<List<SourceLine>>();
            if (lead.EndsWith(':'))
            {
                var listLines = block.Skip(leadLines.Count).ToList();
                var listKind = ListItems.Kind(listLines.FirstOrDefault()?.Text ?? "");
                var listIndent = listLines.Count > 0 ? Indentation(listLines[0].Text) : 0;
                // The list ends where an item of another kind stands at its depth ("II." after "A.", "B.").
                var end = listLines.FindIndex(l => listKind is not null && ListItems.Kind(l.Text) is { } kind && kind != listKind && Indentation(l.Text) <= listIndent);
                if (end > 0)
                {
                    blocks.Insert(b + 1, listLines[end..]);
                    listLines = listLines[..end];
                }
                while (b + 1 < blocks.Count && ListItems.IsItem(blocks[b + 1][0].Text)
                       && (listKind is null || ListItems.Kind(blocks[b + 1][0].Text) == listKind || Indentation(blocks[b + 1][0].Text) > listIndent))
                {
                    if (listKind is null)
                        (listKind, listIndent) = (ListItems.Kind(blocks[b + 1][0].Text), Indentation(blocks[b + 1][0].Text));
                    listLines.AddRange(blocks[++b]);
                }
                // An item further in than the list's first is part of the item above it (a sub-list, kept in its
                // criterion's words), not a criterion of its own: its meaning depends on the item it belongs to.
                var itemIndent = listLines.Where(l => ListItems.IsItem(l.Text)).Select(l => Indentation(l.Text)).DefaultIfEmpty(0).First();
                foreach (var line in listLines)
                    if ((ListItems.IsItem(line.Text) && Indentation(line.Text) <= itemIndent + 1) || items.Count == 0) items.Add([line]);
                    else items[^1].Add(line);
            }
            var sectionName = subheading is null ? section.Name : $"{section.Name}: {subheading}";
            var statement = Statement(sectionName, lead, determination, items, first, ids, modalities, modalityIds, notes);
            use.Place(leadLines);
            use.Place(items.SelectMany(i => i));
            scopes[^1].Statements.Add(statement);
        }
        return new Result([.. scopes.Where(s => s.Statements.Count > 0 || s.From is not null)], modalities, notes);
    }

    private static DraftStatement Statement(
        string section, string lead, string determination, List<List<SourceLine>> items, SourceLine line, HashSet<string> ids,
        List<DraftModality> modalities, HashSet<string> modalityIds, List<AnalystNote> notes)
    {
        var written = items.Select(i => InlineMarkup.Join([ListItems.AsWritten(i[0].Text), .. i.Skip(1).Select(l => l.Text)])).ToList();
        var id = Slug.Unique(lead, ids);
        var isCriteria = items.Count > 0 && CriteriaWords().IsMatch(lead);
        var criteria = new List<DraftCriterion>();
        var services = new List<string>();
        string? combination = null;
        int? atLeast = null;
        if (isCriteria)
        {
            (combination, atLeast) = Combination(lead);
            if (combination is null)
            {
                combination = "all";
                notes.Add(new AnalystNote($"statement {id}", "the list does not say whether all or any of its criteria must be met; the draft reads all", line));
            }
            var criterionIds = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (item, n) in items.Select((item, n) => (item, n + 1)))
            {
                var body = InlineMarkup.Join([ListItems.Body(item[0].Text, out var number), .. item.Skip(1).Select(l => l.Text)]);
                var criterionText = Bare(body);
                criteria.Add(new DraftCriterion(Slug.Unique(criterionText, criterionIds), criterionText,
                    $"{section}, criterion {number ?? n.ToString(System.Globalization.CultureInfo.InvariantCulture)}", item[0]));
            }
        }
        else if (items.Count > 0)
        {
            foreach (var item in items)
            {
                var name = Bare(InlineMarkup.Join([ListItems.Body(item[0].Text, out _), .. item.Skip(1).Select(l => l.Text)]));
                var existing = modalities.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));
                if (existing is null)
                {
                    existing = new DraftModality(Slug.Unique(name, modalityIds), name, item[0]);
                    modalities.Add(existing);
                }
                services.Add(existing.Id);
            }
        }
        else if (determination == Determinations.MedicallyNecessary)
        {
            // A favourable statement whose conditions are in its prose: one criterion, its own words, until an analyst
            // splits and maps them. Without it the statement would find every line in scope medically necessary.
            combination = "all";
            criteria.Add(new DraftCriterion("statement-conditions", lead, section, line));
            notes.Add(new AnalystNote($"statement {id}", "a medically necessary statement with no list of criteria: its conditions are in its prose, " +
                "written as one unmapped criterion for the analyst to split and map", line));
        }
        return new DraftStatement
        {
            Id = id,
            Section = section,
            Text = Compose(lead, written),
            Determination = determination,
            Services = services,
            Combination = combination,
            AtLeast = atLeast,
            Criteria = criteria,
            Line = line,
        };
    }

    /// <summary>
    /// The statement as one passage: its lead and its items, each as written. Items that carry their own joining
    /// words and punctuation ("; and") are joined by a space; bare items (a list of names) by "; ", closed by a period.
    /// </summary>
    internal static string Compose(string lead, IReadOnlyList<string> items)
    {
        if (items.Count == 0) return lead;
        var punctuated = items.Any(i => ListGlue().IsMatch(i) || i.TrimEnd().EndsWith('.'));
        return punctuated
            ? $"{lead} {string.Join(' ', items)}"
            : $"{lead} {string.Join("; ", items)}.";
    }

    /// <summary>An item by itself: without the words and punctuation that join it to the next, or end the list.</summary>
    private static string Bare(string item) => ListGlue().Replace(item, "").TrimEnd('.').TrimEnd();

    private static (string?, int?) Combination(string lead)
    {
        if (AtLeastWords().Match(lead) is { Success: true } m)
            return ("atLeast", Number(m.Groups["n"].Value));
        if (AnyWords().IsMatch(lead)) return ("any", null);
        if (AllWords().IsMatch(lead)) return ("all", null);
        return (null, null);
    }

    private static int? Number(string word) => word.ToLowerInvariant() switch
    {
        "one" => 1, "two" => 2, "three" => 3, "four" => 4, "five" => 5,
        var w when int.TryParse(w, out var n) => n,
        _ => null,
    };

    private static int Indentation(string text) => text.Length - text.TrimStart().Length;

    /// <summary>A block's first line is the heading of the statement below it: short, numbered as a section or not a sentence, and followed by prose.</summary>
    private static bool IsHeadingAbove(List<SourceLine> block)
    {
        var first = block[0].Text.Trim();
        if (ListItems.IsItem(block[1].Text) || first.EndsWith('.') || first.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length > 8) return false;
        if (RomanNumber().IsMatch(first)) return true;
        return !ListItems.IsItem(first) && IsSubheading(first) && Determinations.Find(InlineMarkup.Join(block.Skip(1).Select(l => l.Text))) is not null;
    }

    private static bool IsSubheading(string text)
    {
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words.Length <= 8 && !text.TrimEnd(':').Contains('.', StringComparison.Ordinal) && !ListItems.IsItem(text)
               && (Determinations.Find(text) is null || text.TrimEnd().EndsWith(':'));
    }

    /// <summary>A section number in Roman numerals: "II. Experimental, Investigational, or Unproven".</summary>
    [GeneratedRegex(@"^\s*[IVX]{1,5}\.\s+(?=[A-Z])")]
    private static partial Regex RomanNumber();

    [GeneratedRegex(@"^For (?:dates of service|services (?:rendered|provided)) (?:(?<from>on or after)|prior to|before) (?<date>" + DocumentDates.Pattern + @")\s*:?$", RegexOptions.IgnoreCase)]
    private static partial Regex DateScope();

    [GeneratedRegex(@"\b(?:criteria|criterion|conditions|requirements)\b", RegexOptions.IgnoreCase)]
    private static partial Regex CriteriaWords();

    [GeneratedRegex(@"\bat least (?<n>\w+)(?: \(\d+\))? of\b", RegexOptions.IgnoreCase)]
    private static partial Regex AtLeastWords();

    [GeneratedRegex(@"\b(?:any|one) of the following\b|\bany (?:one )?of\b|\beither\b", RegexOptions.IgnoreCase)]
    private static partial Regex AnyWords();

    [GeneratedRegex(@"\b(?:all|each|both)\b", RegexOptions.IgnoreCase)]
    private static partial Regex AllWords();

    /// <summary>What joins list items rather than belonging to one: a trailing "; and", "; or", ";" or ",".</summary>
    [GeneratedRegex(@"\s*(?:[;,]\s*(?:and|or)?|\s(?:and|or))\s*$")]
    private static partial Regex ListGlue();
}
