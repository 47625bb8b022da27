namespace Coverage.Import.Parsing;

/// <summary>Which lines of the document some part of the draft holds; the rest goes to the report.</summary>
internal sealed class LineUse(PolicyDocument document)
{
    private readonly bool[] _placed = new bool[document.LastLineNumber + 1];

    public void Place(SourceLine line) => _placed[line.Number] = true;

    public void Place(IEnumerable<SourceLine> lines)
    {
        foreach (var line in lines) Place(line);
    }

    public bool IsPlaced(SourceLine line) => _placed[line.Number];
}
