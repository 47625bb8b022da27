using Coverage.Import.Parsing;

namespace Coverage.Import;

/// <summary>
/// Reads a policy document into a <see cref="DraftPolicy"/>: its front page, statements, coding tables, revision
/// history, references and device tables, found by the structure payers' documents share (see the readers in
/// Parsing). What no reader places is reported with its line; nothing is added that the document does not say.
/// </summary>
public static class PolicyImporter
{
    public static DraftPolicy Import(string path) => Import(DocumentReader.Read(path), path);

    public static DraftPolicy Import(PolicyDocument document, string path)
    {
        var use = new LineUse(document);
        var sections = SectionFinder.Split(document);
        var notes = new List<AnalystNote>();

        var firstCoverage = sections.FirstOrDefault(s => s.Kind == SectionKind.Coverage);
        // The front page is everything before the coverage statements, headings included: some payers print the dates
        // under a heading of their own ("Policy History: Last Review …, Effective …").
        var front = firstCoverage?.Heading is { } coverageHeading
            ? document.Lines.TakeWhile(l => l != coverageHeading).ToList()
            : sections.Where(s => s.Kind is SectionKind.Front or SectionKind.Contents).SelectMany(s => s.Lines).ToList();
        var header = HeaderReader.Read(front, document.Lines, use);
        if (header.Number is null)
            throw new ImportException(path, "no policy number found (a label such as \"Policy Number\", \"Coverage Policy Number\" or \"Guideline #\" " +
                "before the coverage statements): is this a payer's policy document?");
        if (firstCoverage is null)
            throw new ImportException(path, "no coverage statements found (a heading such as \"Coverage Policy\", \"Clinical Indications\" or \"Policy\")");

        var statements = StatementReader.Read(firstCoverage, use);
        foreach (var more in sections.Where(s => s.Kind == SectionKind.Coverage && s != firstCoverage))
            notes.Add(new AnalystNote("statements", $"a second coverage section (\"{more.Name}\") is not read: the first is the policy's", more.Heading));
        notes.AddRange(statements.Notes);
        var coding = CodingTableReader.Read(sections.Where(s => s.Kind == SectionKind.Coding), use);
        notes.AddRange(coding.Notes);
        var revisions = RevisionHistoryReader.Read(sections.Where(s => s.Kind == SectionKind.Revisions), use);
        var references = ReferenceListReader.Read(sections.Where(s => s.Kind == SectionKind.References), use, notes);
        var devices = DeviceTableReader.Read(document, use);
        var texts = Texts(sections, use);
        var related = Related(sections, use);

        var effective = header.EffectiveDate;
        var versions = Versions(statements, revisions, notes, ref effective);
        if (header.NextReviewDate is null)
            notes.Add(new AnalystNote("nextReviewDate", "the document gives no next review date" +
                (header.OtherDates.Count > 0 ? $" ({string.Join("; ", header.OtherDates.Select(d => d.Value))})" : ""), header.OtherDates.Count > 0 ? header.OtherDates[0].Line : null));
        notes.AddRange(FurnitureNotes(document));
        if (header.Publisher is null) notes.Add(new AnalystNote("publisher", "the document does not name its publisher in a form the importer reads", null));

        return new DraftPolicy
        {
            SourceFile = document.FileName,
            Number = header.Number,
            Title = header.Title,
            Publisher = header.Publisher,
            EffectiveDate = effective,
            NextReviewDate = header.NextReviewDate,
            Texts = texts,
            Modalities = statements.Modalities,
            Indications = coding.Indications,
            Codes = coding.Codes,
            CodeListings = coding.Listings,
            Versions = versions,
            RelatedResources = related,
            References = references,
            Devices = devices,
            Report = new ImportReport(Unplaced(sections, use), notes),
        };
    }

    /// <summary>
    /// The versions: the revision history's rows, the current statements on the latest (earlier rows name what
    /// changed but the document does not give their statements); or one version per "on or after DATE" scope; or,
    /// with neither, one version from the front page's effective date.
    /// </summary>
    private static List<DraftVersion> Versions(
        StatementReader.Result statements, List<RevisionHistoryReader.Revision> revisions,
        List<AnalystNote> notes, ref Sourced<DateOnly>? effective)
    {
        var current = statements.Scopes.Where(s => s.From is null).SelectMany(s => s.Statements).ToList();
        var dated = statements.Scopes.Where(s => s.From is not null).ToList();
        var versions = new List<DraftVersion>();
        if (revisions.Count > 0)
        {
            foreach (var revision in revisions)
            {
                var latest = revision == revisions[^1];
                versions.Add(new DraftVersion
                {
                    Effective = new Sourced<DateOnly>(revision.Effective, revision.Line),
                    ReviewType = revision.ReviewType,
                    Changes = revision.Changes,
                    Statements = latest ? [.. current, .. dated.SelectMany(s => s.Statements)] : [],
                    IsCurrent = latest,
                });
            }
            if (revisions.Count > 1)
                notes.Add(new AnalystNote("versions", $"the revision history names {revisions.Count} versions; the document gives the statements of the latest " +
                    $"({revisions[^1].Effective:yyyy-MM-dd}) only: write each earlier version's statements from what its row says changed", revisions[0].Line));
            if (effective is not null && effective.Value != revisions[^1].Effective)
            {
                // The catalogue's policy takes effect with its latest version; the document gives two dates, and which
                // one the payer means (a publish date after a committee's review, say) is the analyst's to say.
                notes.Add(new AnalystNote("effectiveDate", $"the front page says {effective.Value:yyyy-MM-dd}, the latest revision {revisions[^1].Effective:yyyy-MM-dd}: " +
                    "the draft gives no effective date; write the one the policy takes effect on (and the latest version's to match)", effective.Line));
                effective = null;
            }
        }
        else if (dated.Count > 0)
        {
            foreach (var scope in dated.OrderBy(s => s.From))
                versions.Add(new DraftVersion
                {
                    Effective = new Sourced<DateOnly>(scope.From!.Value, scope.Line!),
                    Statements = [.. scope.Statements, .. scope == dated[^1] ? current : []],
                    IsCurrent = scope == dated[^1],
                });
            // The policy is in effect as its latest version is: the front page gives no effective date of its own.
            effective ??= versions[^1].Effective;
            notes.Add(new AnalystNote("versions", "the document has no revision history: each \"on or after\" date starts a version, whose review type and changes the analyst writes", versions[^1].Effective.Line));
        }
        else if (effective is not null)
        {
            versions.Add(new DraftVersion { Effective = effective, Statements = current, IsCurrent = true });
            notes.Add(new AnalystNote("versions", "the document has no revision history: one version, from the front page's effective date", effective.Line));
        }
        else
            notes.Add(new AnalystNote("versions", "the document gives neither a revision history nor an effective date: the draft has no version", null));
        return versions;
    }

    private static List<DraftText> Texts(IReadOnlyList<Section> sections, LineUse use)
    {
        var texts = new List<DraftText>();
        if (sections.FirstOrDefault(s => s.Kind == SectionKind.Overview) is { } overview && Blocks.Paragraphs(overview.Lines).FirstOrDefault() is { } first)
        {
            texts.Add(new DraftText("overview", overview.Name, InlineMarkup.Join(first.Select(l => l.Text)), first[0]));
            use.Place(overview.Heading!);
            use.Place(first);
        }
        if (sections.FirstOrDefault(s => s.Kind == SectionKind.Instructions) is { } instructions && Blocks.Paragraphs(instructions.Lines) is { Count: > 0 } paragraphs)
        {
            texts.Add(new DraftText("instructionsForUse", Title(instructions.Name), string.Join(' ', paragraphs.Select(p => InlineMarkup.Join(p.Select(l => l.Text)))), paragraphs[0][0]));
            use.Place(instructions.Heading!);
            use.Place(paragraphs.SelectMany(p => p));
        }
        return texts;
    }

    /// <summary>"INSTRUCTIONS FOR USE" as a section name: "Instructions for Use".</summary>
    private static string Title(string name) =>
        name.Any(char.IsLower) ? name : string.Join(' ', name.ToLowerInvariant().Split(' ').Select((w, i) =>
            i > 0 && w is "for" or "of" or "and" or "the" or "to" ? w : char.ToUpperInvariant(w[0]) + w[1..]));

    private static List<Sourced<string>> Related(IReadOnlyList<Section> sections, LineUse use)
    {
        var related = new List<Sourced<string>>();
        foreach (var section in sections.Where(s => s.Kind == SectionKind.RelatedResources))
        {
            use.Place(section.Heading!);
            foreach (var line in section.Lines.Where(l => ListItems.IsItem(l.Text)))
            {
                related.Add(new Sourced<string>(InlineMarkup.Clean(ListItems.Body(line.Text, out _)), line));
                use.Place(line);
            }
        }
        return related;
    }

    /// <summary>
    /// The page headers and footers set aside, one note per distinct line (digits aside), with the first place it
    /// stands and how often: the report says what was taken out of the text, and where.
    /// </summary>
    private static IEnumerable<AnalystNote> FurnitureNotes(PolicyDocument document) =>
        document.PageFurniture
            .GroupBy(l => System.Text.RegularExpressions.Regex.Replace(l.Text.Trim(), @"\d+", "#"), StringComparer.OrdinalIgnoreCase)
            .Select(g => new AnalystNote("page header or footer",
                $"\"{g.First().Text.Trim()}\" set aside as a page header or footer ({g.Count()} line{(g.Count() == 1 ? "" : "s")}: {string.Join(", ", g.Take(5).Select(l => l.Number))}{(g.Count() > 5 ? ", …" : "")})",
                g.First()));

    /// <summary>Every run of lines no reader placed, by section, with its first and last line.</summary>
    private static List<UnplacedText> Unplaced(IReadOnlyList<Section> sections, LineUse use)
    {
        var unplaced = new List<UnplacedText>();
        foreach (var section in sections)
        {
            if (section.Heading is { } heading && !use.IsPlaced(heading))
                unplaced.Add(new UnplacedText(heading, heading.Number, section.Name, heading.Text.Trim()));
            foreach (var block in Blocks.Of(section.Lines))
            {
                List<SourceLine>? run = null;
                foreach (var line in block.Append(null))
                {
                    if (line is not null && !use.IsPlaced(line))
                    {
                        (run ??= []).Add(line);
                        continue;
                    }
                    if (run is not null) unplaced.Add(new UnplacedText(run[0], run[^1].Number, section.Name, InlineMarkup.Join(run.Select(l => l.Text))));
                    run = null;
                }
            }
        }
        return unplaced;
    }
}
