namespace Coverage.Import;

/// <summary>
/// What the importer read from a policy document, every item with its source line. Only what the document says
/// is here: what it does not say is left out, for the analyst (the draft's gaps) or in the report (what could not
/// be placed). <see cref="DraftWriter"/> writes it as a draft policy folder in the catalogue's format.
/// </summary>
public sealed record DraftPolicy
{
    public required string SourceFile { get; init; }
    public required Sourced<string> Number { get; init; }
    public Sourced<string>? Title { get; init; }
    public Sourced<string>? Publisher { get; init; }
    public Sourced<DateOnly>? EffectiveDate { get; init; }
    public Sourced<DateOnly>? NextReviewDate { get; init; }
    public required IReadOnlyList<DraftText> Texts { get; init; }
    public required IReadOnlyList<DraftModality> Modalities { get; init; }
    public required IReadOnlyList<DraftIndication> Indications { get; init; }
    public required IReadOnlyList<DraftCode> Codes { get; init; }
    /// <summary>Code rows the catalogue has no place for as written (ranges, ICD-10-PCS codes): kept verbatim for the analyst.</summary>
    public IReadOnlyList<DraftCodeListing> CodeListings { get; init; } = [];
    /// <summary>Oldest first.</summary>
    public required IReadOnlyList<DraftVersion> Versions { get; init; }
    public required IReadOnlyList<Sourced<string>> RelatedResources { get; init; }
    public required IReadOnlyList<DraftReference> References { get; init; }
    public required IReadOnlyList<DraftDevice> Devices { get; init; }
    public required ImportReport Report { get; init; }
}

/// <summary>A verbatim passage under its catalogue key (overview, instructionsForUse…).</summary>
public sealed record DraftText(string Key, string Section, string Text, SourceLine Line);

/// <summary>A service a coverage statement lists (a bullet of a statement that is not a list of criteria).</summary>
public sealed record DraftModality(string Id, string Name, SourceLine Line);

/// <summary>Diagnoses the coding tables list together, under the group heading the table gives them (or the row's description).</summary>
public sealed record DraftIndication(string Id, string Name, IReadOnlyList<string> Diagnoses, SourceLine Line);

public sealed record DraftCode
{
    public required string Code { get; init; }
    public required string System { get; init; }
    public required string Description { get; init; }
    public required bool Unlisted { get; init; }
    /// <summary>The date the document says the code took effect ("effective 1/1/2021"), with its words.</summary>
    public Sourced<DateOnly>? EffectiveFrom { get; init; }
    /// <summary>An annotation the row carries ("[code set]", "[as published]"): who wrote the row.</summary>
    public string? Annotation { get; init; }
    /// <summary>The table's group label the code is listed under ("Considered Not Medically Necessary:").</summary>
    public Sourced<string>? Group { get; init; }
    /// <summary>The determination the group label names, which ties the code to the statements that make it.</summary>
    public string? GroupDetermination { get; init; }
    /// <summary>The heading above the group ("Knee osteoarthritis").</summary>
    public Sourced<string>? Heading { get; init; }
    public required SourceLine Line { get; init; }
}

/// <summary>
/// A coding table's row the draft cannot write as a code: a range ("19081-19086", "C50.011–C50.929"), which is not
/// expanded (the codes within it are the code set's, not the document's), or a code of a system the catalogue does
/// not list (ICD-10-PCS). Kept verbatim with its line, and a note for the analyst.
/// </summary>
public sealed record DraftCodeListing(string Codes, string System, string Description, string Reason, Sourced<string>? Group, SourceLine Line);

public sealed record DraftVersion
{
    public required Sourced<DateOnly> Effective { get; init; }
    public string? ReviewType { get; init; }
    public string? Changes { get; init; }
    /// <summary>Empty for a version the document names (revision history) but whose statements it does not give.</summary>
    public required IReadOnlyList<DraftStatement> Statements { get; init; }
    public required bool IsCurrent { get; init; }
}

public sealed record DraftStatement
{
    public required string Id { get; init; }
    public required string Section { get; init; }
    /// <summary>The statement as the document words it, its list items included.</summary>
    public required string Text { get; init; }
    public required string Determination { get; init; }
    /// <summary>Ids of the services (modalities) its list names; empty when it names none.</summary>
    public required IReadOnlyList<string> Services { get; init; }
    /// <summary>"all", "any" or "atLeast"; null without criteria.</summary>
    public string? Combination { get; init; }
    public int? AtLeast { get; init; }
    public required IReadOnlyList<DraftCriterion> Criteria { get; init; }
    public required SourceLine Line { get; init; }
}

/// <summary>A criterion as the document words it, not mapped to facts: the analyst writes its condition.</summary>
public sealed record DraftCriterion(string Id, string Text, string? Section, SourceLine Line);

public sealed record DraftReference(int Number, string Citation, string? Url, SourceLine Line);

public sealed record DraftDevice
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string? Manufacturer { get; init; }
    public string? Authorization { get; init; }
    public DateOnly? DecisionDate { get; init; }
    public Sourced<string>? ProductCode { get; init; }
    public required SourceLine Line { get; init; }
}
