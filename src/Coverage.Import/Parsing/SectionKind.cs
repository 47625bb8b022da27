namespace Coverage.Import.Parsing;

/// <summary>What a section of a policy document holds, as the importer reads it.</summary>
internal enum SectionKind
{
    /// <summary>Before the first heading: the front page (number, title, dates), a source note.</summary>
    Front,
    Contents,
    RelatedResources,
    Instructions,
    Overview,
    Coverage,
    Coding,
    /// <summary>Background, rationale, evidence: kept in the document, listed in the report, not imported.</summary>
    Background,
    References,
    Revisions,
}
