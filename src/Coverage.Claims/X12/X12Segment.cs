namespace Coverage.Claims.X12;

/// <summary>
/// The delimiters of an interchange, read from its fixed-width ISA header (X12.5): the element separator is the
/// character after "ISA", the repetition separator ISA11, the component separator ISA16, and the segment
/// terminator the character after ISA16.
/// </summary>
public sealed record X12Delimiters(char Element, char Component, char Repetition, char Segment)
{
    /// <summary>The usual ones: * : ^ ~.</summary>
    public static X12Delimiters Default { get; } = new('*', ':', '^', '~');
}

/// <summary>
/// One segment: its id and elements (Elements[0] is the id, Elements[1] is XX01 …), its number in the file
/// (from 1, counting every segment of every interchange) and, when it could not be read, why.
/// </summary>
public sealed class X12Segment
{
    private static readonly string[] NoElements = [""];

    public X12Segment(long number, string[] elements, X12Delimiters? delimiters, string? error = null)
    {
        Number = number;
        Elements = elements.Length == 0 ? NoElements : elements;
        Delimiters = delimiters;
        Error = error;
    }

    public long Number { get; }
    public string Id => Elements[0];
    public IReadOnlyList<string> Elements { get; }
    public X12Delimiters? Delimiters { get; }

    /// <summary>Why the segment is malformed (a bad id, an unreadable ISA, no terminator); null when it is well formed.</summary>
    public string? Error { get; }

    public RecordPosition Position => RecordPosition.Segment(Number);

    /// <summary>Element <paramref name="index"/> (1 for XX01); "" when absent.</summary>
    public string this[int index] => index < Elements.Count ? Elements[index] : "";

    /// <summary>The components of a composite element (SV101 → HC, 0581T, LT, …); [""] when absent.</summary>
    public string[] Components(int index) =>
        Delimiters is null ? [this[index]] : this[index].Split(Delimiters.Component);

    /// <summary>The element's name in X12 style: SV1, 4 → "SV104".</summary>
    public string Name(int index) => $"{Id}{index:00}";

    public override string ToString() => Delimiters is null ? string.Join('*', Elements) : string.Join(Delimiters.Element, Elements);
}
