namespace Coverage.Import;

/// <summary>
/// What the importer could not place, each with its source line, and what it knows the analyst must supply
/// because the document does not say it.
/// </summary>
public sealed record ImportReport(IReadOnlyList<UnplacedText> Unplaced, IReadOnlyList<AnalystNote> Notes);

/// <summary>Text of the document no part of the draft holds: its first line, the section it is in, the text verbatim.</summary>
public sealed record UnplacedText(SourceLine Line, int LastLine, string Section, string Text);

/// <summary>Something the draft lacks because the document does not say it, and where the document comes closest.</summary>
public sealed record AnalystNote(string Item, string Message, SourceLine? Line);
