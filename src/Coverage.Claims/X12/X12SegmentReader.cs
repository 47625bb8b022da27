using System.Text;

namespace Coverage.Claims.X12;

/// <summary>
/// Streams the segments of an X12 file from a <see cref="TextReader"/> with constant memory, whatever the file
/// size. Each interchange's delimiters are taken from its own fixed-width ISA header, so a file may hold several
/// interchanges with different delimiters. Line breaks between segments are ignored (many senders add them).
/// A malformed segment is yielded with its <see cref="X12Segment.Error"/> set, never thrown: the caller decides
/// which claim it spoils, and reading goes on with the next segment.
/// </summary>
public sealed class X12SegmentReader(TextReader input, int maxSegmentLength = X12SegmentReader.DefaultMaxSegmentLength)
{
    public const int DefaultMaxSegmentLength = 64 * 1024;

    /// <summary>An ISA header is exactly 106 characters: "ISA", 16 fixed-width elements and the segment terminator.</summary>
    public const int IsaLength = 106;

    // The index of each element separator in the fixed-width ISA (after ISA, ISA01 … ISA15), then ISA16 and the terminator.
    private static readonly int[] IsaSeparators = [3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103];
    private const int IsaComponentIndex = 104;
    private const int IsaRepetitionIndex = 82;
    private const int IsaTerminatorIndex = 105;

    private readonly char[] _buffer = new char[16 * 1024];
    private int _start;
    private int _end;
    private bool _eof;
    private long _number;
    private X12Delimiters? _delimiters;

    // The segment being read, and where each of its elements ends: reused from segment to segment.
    private char[] _segment = new char[512];
    private int[] _ends = new int[32];
    private int _count;

    /// <summary>The delimiters of the interchange being read; null before a valid ISA.</summary>
    public X12Delimiters? Delimiters => _delimiters;

    public IEnumerable<X12Segment> ReadSegments() => Read(reuse: false);

    /// <summary>
    /// The segments; with <paramref name="reuse"/> every well-formed segment after an ISA is the same
    /// <see cref="X12Segment"/> view, re-pointed at the next one as reading goes on: for a caller that is done with
    /// a segment before it asks for the next (the 837P reader), a segment then costs no strings at all.
    /// </summary>
    internal IEnumerable<X12Segment> Read(bool reuse)
    {
        var view = new X12Segment();
        while (true)
        {
            SkipSeparatorsBetweenSegments();
            if (Peek(0) < 0) yield break;

            if (StartsWithIsa())
            {
                yield return ReadIsa();
                continue;
            }
            if (_delimiters is null)
            {
                yield return SkipToNextIsa();
                continue;
            }

            var length = 0;
            var terminated = false;
            var tooLong = false;
            // Most segments lie whole in the buffer: find the terminator with a vectorised search, copy once.
            while (true)
            {
                var at = Array.IndexOf(_buffer, _delimiters.Segment, _start, _end - _start);
                var found = (at < 0 ? _end : at) - _start;
                var room = Math.Min(found, maxSegmentLength - length);
                Append(_start, room, length);
                length += room;
                if (room < found) tooLong = true;
                if (at >= 0)
                {
                    _start = at + 1;
                    terminated = true;
                    break;
                }
                _start = _end;
                if (!Fill(1)) break;
            }
            // A sender that ends segments with "~\r\n" leaves nothing here; one that uses a line break as the
            // terminator may leave a carriage return before it.
            while (length > 0 && _segment[length - 1] is '\r' or '\n') length--;
            _number++;
            view.Point(_number, _segment, Split(length), _count, _delimiters);
            if (tooLong)
                yield return new X12Segment(_number, [new string(view.Span(0))], _delimiters, $"the segment is longer than {maxSegmentLength} characters");
            else if (!terminated)
                yield return view.Detach($"the file ends inside segment '{Abbreviate(new string(_segment, 0, length))}' (no segment terminator '{Show(_delimiters.Segment)}')");
            else if (!IsSegmentId(view.Span(0)))
                yield return view.Detach($"'{Abbreviate(new string(view.Span(0)))}' is not a segment id (two or three upper-case letters or digits)");
            else
                yield return reuse ? view : view.Detach();
        }
    }

    /// <summary>Copies <paramref name="count"/> characters from the input buffer to the segment buffer at <paramref name="at"/>.</summary>
    private void Append(int from, int count, int at)
    {
        if (at + count > _segment.Length) Array.Resize(ref _segment, Math.Max(at + count, _segment.Length * 2));
        Array.Copy(_buffer, from, _segment, at, count);
    }

    /// <summary>Where each element of the segment buffer's first <paramref name="length"/> characters ends; sets the count.</summary>
    private int[] Split(int length)
    {
        var separator = _delimiters!.Element;
        var count = 0;
        var from = 0;
        while (true)
        {
            var at = Array.IndexOf(_segment, separator, from, length - from);
            if (count == _ends.Length) Array.Resize(ref _ends, _ends.Length * 2);
            _ends[count++] = at < 0 ? length : at;
            if (at < 0) break;
            from = at + 1;
        }
        _count = count;
        return _ends;
    }

    /// <summary>Two or three upper-case letters or digits, the first a letter (a line break may follow, as "$" allowed).</summary>
    private static bool IsSegmentId(ReadOnlySpan<char> id)
    {
        if (id.Length is 3 or 4 && id[^1] == '\n') id = id[..^1];
        if (id.Length is < 2 or > 3 || !char.IsAsciiLetterUpper(id[0])) return false;
        foreach (var ch in id[1..])
            if (!char.IsAsciiLetterUpper(ch) && !char.IsAsciiDigit(ch)) return false;
        return true;
    }

    private X12Segment ReadIsa()
    {
        var isa = new char[IsaLength];
        var count = 0;
        while (count < IsaLength && Peek(0) >= 0) isa[count++] = (char)Read();
        _number++;
        var header = new string(isa, 0, count);
        var problem = IsaProblem(header);
        if (problem is not null)
        {
            _delimiters = null;
            return new X12Segment(_number, ["ISA"], null, problem);
        }
        var element = header[3];
        var repetition = header[IsaRepetitionIndex];
        // Before version 00501 ISA11 was the standards identifier (U), not a repetition separator.
        if (char.IsLetterOrDigit(repetition)) repetition = '\0';
        _delimiters = new X12Delimiters(element, header[IsaComponentIndex], repetition, header[IsaTerminatorIndex]);
        return new X12Segment(_number, header[..(IsaComponentIndex - 1)].Split(element).Append(header[IsaComponentIndex].ToString()).ToArray(), _delimiters);
    }

    private static string? IsaProblem(string header)
    {
        if (header.Length < IsaLength)
            return $"the ISA header is {header.Length} characters long; it must be {IsaLength} (fixed-width elements and the segment terminator)";
        var element = header[3];
        if (char.IsLetterOrDigit(element) || char.IsWhiteSpace(element))
            return $"the ISA element separator '{Show(element)}' must not be a letter, digit or space";
        foreach (var index in IsaSeparators)
        {
            if (header[index] != element)
                return $"the ISA header is not fixed-width: character {index + 1} is '{Show(header[index])}' where the element separator '{element}' belongs";
        }
        var component = header[IsaComponentIndex];
        var terminator = header[IsaTerminatorIndex];
        if (char.IsLetterOrDigit(component) || char.IsLetterOrDigit(terminator))
            return $"the ISA16 component separator '{Show(component)}' and the segment terminator '{Show(terminator)}' must not be letters or digits";
        if (component == element || terminator == element || terminator == component)
            return $"the element separator '{Show(element)}', component separator '{Show(component)}' and segment terminator '{Show(terminator)}' must differ";
        return null;
    }

    /// <summary>Without a valid ISA the delimiters are unknown: skip to the next ISA and report the skipped text once.</summary>
    private X12Segment SkipToNextIsa()
    {
        var skipped = new StringBuilder();
        while (Peek(0) >= 0 && !StartsWithIsa())
        {
            var ch = (char)Read();
            if (skipped.Length < 40) skipped.Append(ch);
        }
        _number++;
        return new X12Segment(_number, [""], null,
            $"data outside an interchange ('{Abbreviate(skipped.ToString())}'): no valid ISA header gives its delimiters; skipped to the next ISA");
    }

    private void SkipSeparatorsBetweenSegments()
    {
        while (Peek(0) is '\r' or '\n' or ' ' or '\t' or '\uFEFF') Read();
    }

    private bool StartsWithIsa() =>
        Peek(0) == 'I' && Peek(1) == 'S' && Peek(2) == 'A' && Peek(3) is var next && next >= 0 && !char.IsLetterOrDigit((char)next);

    private int Peek(int offset)
    {
        if (_start + offset >= _end && !Fill(offset + 1)) return -1;
        return _buffer[_start + offset];
    }

    private int Read()
    {
        if (_start >= _end && !Fill(1)) return -1;
        return _buffer[_start++];
    }

    /// <summary>Makes at least <paramref name="count"/> characters available; false at the end of the input.</summary>
    private bool Fill(int count)
    {
        while (_end - _start < count)
        {
            if (_eof) return false;
            if (_start > 0)
            {
                Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            var read = input.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
            {
                _eof = true;
                return _end - _start >= count;
            }
            _end += read;
        }
        return true;
    }

    private static string Show(char ch) => ch switch
    {
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        _ => ch.ToString(),
    };

    private static string Abbreviate(string text)
    {
        var clean = text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
        return clean.Length <= 30 ? clean : clean[..30] + "…";
    }
}
