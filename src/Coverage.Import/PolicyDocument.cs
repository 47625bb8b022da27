namespace Coverage.Import;

/// <summary>A policy document as lines of text, with the file it was read from.</summary>
public sealed record PolicyDocument(string FileName, IReadOnlyList<SourceLine> Lines)
{
    /// <summary>The line with this number (1-based).</summary>
    public SourceLine Line(int number) => Lines[number - 1];
}
