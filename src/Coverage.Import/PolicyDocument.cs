namespace Coverage.Import;

/// <summary>
/// A policy document as lines of text, with the file it was read from. <paramref name="Furniture"/> holds the page
/// headers and footers set aside from the text (Layout.PageFurniture), which the report lists.
/// </summary>
public sealed record PolicyDocument(string FileName, IReadOnlyList<SourceLine> Lines, IReadOnlyList<SourceLine>? Furniture = null)
{
    public IReadOnlyList<SourceLine> PageFurniture => Furniture ?? [];

    /// <summary>The highest line number (lines set aside keep their numbers, so it may exceed the count of lines).</summary>
    public int LastLineNumber => Math.Max(Lines.Count == 0 ? 0 : Lines.Max(l => l.Number), PageFurniture.Count == 0 ? 0 : PageFurniture.Max(l => l.Number));
}
