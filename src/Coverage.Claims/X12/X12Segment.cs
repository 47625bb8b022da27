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

    /// <summary>
    /// A delimiter that may stand inside a segment: the element, component or repetition separator. An interchange
    /// without a repetition separator (ISA11 the letter U before 00501) has '\0' there, which must not let a NUL
    /// byte pass as a delimiter: a value holding one cannot be read exactly.
    /// </summary>
    public bool IsInsideSegment(char ch) => ch == Element || ch == Component || (ch == Repetition && Repetition != '\0');
}

/// <summary>
/// One segment: its id and elements (Elements[0] is the id, Elements[1] is XX01 …), its number in the file
/// (from 1, counting every segment of every interchange) and, when it could not be read, why.
/// <para>A segment either owns its elements (what <see cref="X12SegmentReader.ReadSegments"/> yields) or is a view
/// of the reader's segment buffer, re-pointed at every segment (what the 837P reader walks, so that a segment costs
/// no strings but the values kept). Elements of a view are read as spans and made strings only when asked for.</para>
/// </summary>
public sealed class X12Segment
{
    private static readonly string[] NoElements = [""];

    // The ids an 837P file is made of: a view names its segment with one of these instead of a new string.
    private static readonly string[] KnownIds =
        ["ISA", "IEA", "GS", "GE", "ST", "SE", "BHT", "NM1", "N3", "N4", "REF", "PER", "PRV", "HL", "SBR", "PAT", "DMG",
         "CLM", "HI", "LX", "SV1", "DTP", "NTE", "AMT", "PWK", "CN1", "CRC", "K3", "HCP", "LIN", "CTP", "SVD", "CAS"];

    private long _number;
    private X12Delimiters? _delimiters;
    private string? _error;
    private string _id = "";
    private string[]? _elements;

    // A view: the segment's characters and where each element ends (element i starts after element i - 1's end).
    private char[]? _chars;
    private int[]? _ends;
    private int _count;

    public X12Segment(long number, string[] elements, X12Delimiters? delimiters, string? error = null)
    {
        _number = number;
        _elements = elements.Length == 0 ? NoElements : elements;
        _count = _elements.Length;
        _id = _elements[0];
        _delimiters = delimiters;
        _error = error;
    }

    /// <summary>A view, to be pointed at each segment by <see cref="Point"/>.</summary>
    internal X12Segment() => _count = 0;

    /// <summary>Points this view at the segment in <paramref name="chars"/> whose elements end at <paramref name="ends"/>.</summary>
    internal void Point(long number, char[] chars, int[] ends, int count, X12Delimiters delimiters)
    {
        _number = number;
        _chars = chars;
        _ends = ends;
        _count = count;
        _delimiters = delimiters;
        _error = null;
        _elements = null;
        _id = IdOf(Span(0));
    }

    public long Number => _number;
    public string Id => _id;
    public IReadOnlyList<string> Elements => _elements ??= Materialise();
    public X12Delimiters? Delimiters => _delimiters;

    /// <summary>Why the segment is malformed (a bad id, an unreadable ISA, no terminator); null when it is well formed.</summary>
    public string? Error => _error;

    public RecordPosition Position => RecordPosition.Segment(_number);

    /// <summary>How many elements the segment has, its id included.</summary>
    internal int Count => _count;

    /// <summary>Element <paramref name="index"/> (1 for XX01); "" when absent.</summary>
    public string this[int index] => index >= _count ? "" : _elements is not null ? _elements[index] : new string(Span(index));

    /// <summary>Element <paramref name="index"/> as characters, without making a string; empty when absent.</summary>
    internal ReadOnlySpan<char> Span(int index)
    {
        if (index >= _count) return default;
        if (_elements is not null) return _elements[index];
        var start = index == 0 ? 0 : _ends![index - 1] + 1;
        return _chars.AsSpan(start, _ends![index] - start);
    }

    /// <summary>The components of a composite element (SV101 → HC, 0581T, LT, …); [""] when absent.</summary>
    public string[] Components(int index) =>
        _delimiters is null ? [this[index]] : this[index].Split(_delimiters.Component);

    /// <summary>The element's name in X12 style: SV1, 4 → "SV104".</summary>
    public string Name(int index) => $"{Id}{index:00}";

    /// <summary>A segment of its own, with the same number, elements and error (a view's are gone at the next segment).</summary>
    internal X12Segment Detach(string? error = null) => new(_number, _elements ?? Materialise(), _delimiters, error);

    public override string ToString() => _delimiters is null ? string.Join('*', Elements) : string.Join(_delimiters.Element, Elements);

    private string[] Materialise()
    {
        var elements = new string[_count];
        for (var i = 0; i < _count; i++) elements[i] = new string(Span(i));
        return elements;
    }

    private static string IdOf(ReadOnlySpan<char> id)
    {
        foreach (var known in KnownIds)
            if (id.SequenceEqual(known)) return known;
        return new string(id);
    }
}

/// <summary>The components of a composite element, read as spans in order (SV101: HC, then 0581T, then LT …).</summary>
internal ref struct X12Components(ReadOnlySpan<char> element, char separator)
{
    private ReadOnlySpan<char> _rest = element;
    private bool _done;

    /// <summary>The next component; false after the last one (an element always has at least one, maybe empty).</summary>
    public bool Next(out ReadOnlySpan<char> component)
    {
        if (_done)
        {
            component = default;
            return false;
        }
        var at = _rest.IndexOf(separator);
        if (at < 0)
        {
            component = _rest;
            _done = true;
        }
        else
        {
            component = _rest[..at];
            _rest = _rest[(at + 1)..];
        }
        return true;
    }
}
