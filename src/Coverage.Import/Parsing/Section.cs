namespace Coverage.Import.Parsing;

/// <summary>A section of the document: its heading line (null for the front matter) and the lines under it.</summary>
internal sealed record Section(SectionKind Kind, SourceLine? Heading, string Name, IReadOnlyList<SourceLine> Lines);
