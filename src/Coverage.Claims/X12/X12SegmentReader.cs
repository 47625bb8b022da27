using System.Globalization;
using System.Text;

namespace Coverage.Claims.X12;

/// <summary>
/// Streams the segments of an X12 file from a <see cref="TextReader"/> with constant memory, whatever the file
/// size. Each interchange's delimiters are taken from its own fixed-width ISA header, so a file may hold several
/// interchanges with different delimiters.
/// <para>Line breaks are never data. When the segment terminator is not a line break, CR and LF are dropped
/// wherever they are (senders add them between segments, and files are often wrapped at 80 columns, inside a
/// segment, an element, even the ISA); when it is CR or LF, CR, LF and CRLF all end a segment. Any other control
/// character left inside an element (one that is not a delimiter) makes the segment malformed: such a value cannot
/// be read exactly. Between segments, spaces, tabs, a byte order mark, NUL padding and a DOS end-of-file (^Z) are
/// skipped, and the last segment of a file (IEA) may lack its terminator.</para>
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
            var lineBreakEnds = _delimiters.Segment is '\r' or '\n';
            // Most segments lie whole in the buffer: find the terminator with a vectorised search, copy once.
            while (true)
            {
                var rest = _buffer.AsSpan(_start, _end - _start);
                var found = lineBreakEnds ? rest.IndexOfAny('\r', '\n') : rest.IndexOf(_delimiters.Segment);
                var at = found < 0 ? -1 : _start + found;
                var span = (at < 0 ? _end : at) - _start;
                var room = Math.Min(span, maxSegmentLength - length);
                Append(_start, room, length);
                length += room;
                if (room < span) tooLong = true;
                if (at >= 0)
                {
                    _start = at + 1;
                    terminated = true;
                    break;
                }
                _start = _end;
                if (!Fill(1)) break;
            }
            // A line break is never data: a file wrapped at 80 columns breaks segments anywhere.
            if (!lineBreakEnds) length = DropLineBreaks(length);
            _number++;
            view.Point(_number, _segment, Split(length), _count, _delimiters);
            if (!terminated && IsLastIea(view)) terminated = true; // a file's final terminator is often missing
            if (tooLong)
                yield return new X12Segment(_number, [new string(view.Span(0))], _delimiters, $"the segment is longer than {maxSegmentLength} characters");
            else if (!terminated)
                yield return view.Detach($"the file ends inside segment '{Abbreviate(new string(_segment, 0, length))}' (no segment terminator '{Show(_delimiters.Segment)}')");
            else if (length == 0)
                yield return view.Detach($"an empty segment (two segment terminators '{Show(_delimiters.Segment)}' in a row)");
            else if (!IsSegmentId(view.Span(0)))
                yield return view.Detach($"'{Abbreviate(new string(view.Span(0)))}' is not a segment id (two or three upper-case letters or digits)");
            else if (ControlCharacter(length, view) is { } control)
                yield return view.Detach(control);
            else
                yield return reuse ? view : view.Detach();
        }
    }

    /// <summary>Removes CR and LF from the segment buffer's first <paramref name="length"/> characters; the new length.</summary>
    private int DropLineBreaks(int length)
    {
        var span = _segment.AsSpan(0, length);
        var first = span.IndexOfAny('\r', '\n');
        if (first < 0) return length;
        var kept = first;
        for (var i = first + 1; i < length; i++)
            if (span[i] is not ('\r' or '\n')) span[kept++] = span[i];
        return kept;
    }

    /// <summary>
    /// A control character inside an element (tab, NUL, escape…) that is not one of the interchange's delimiters
    /// (some interchanges use control characters as delimiters): the value cannot be read exactly.
    /// </summary>
    private string? ControlCharacter(int length, X12Segment view)
    {
        var span = _segment.AsSpan(0, length);
        var d = _delimiters!;
        // Vectorised: most segments hold no control character at all.
        for (var from = 0; from < span.Length;)
        {
            var found = span[from..].IndexOfAnyInRange('\0', '\u001f');
            var delete = span[from..].IndexOf('\u007f');
            if (found < 0 || (delete >= 0 && delete < found)) found = delete;
            if (found < 0) return null;
            var i = from + found;
            var ch = span[i];
            from = i + 1;
            if (d.IsInsideSegment(ch)) continue;
            var element = 0;
            for (var j = 0; j < _count && _ends[j] < i; j++) element++;
            return string.Create(CultureInfo.InvariantCulture,
                $"{new string(view.Span(0))}{element:00} holds a control character (U+{(int)ch:X4}); a value with one cannot be read exactly");
        }
        return null;
    }

    /// <summary>An IEA at the very end of the input: the interchange is complete even without its terminator.</summary>
    private bool IsLastIea(X12Segment view)
    {
        if (!view.Span(0).SequenceEqual("IEA")) return false;
        SkipSeparatorsBetweenSegments();
        return Peek(0) < 0;
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

    /// <summary>Two or three upper-case letters or digits, the first a letter.</summary>
    private static bool IsSegmentId(ReadOnlySpan<char> id)
    {
        if (id.Length is < 2 or > 3 || !char.IsAsciiLetterUpper(id[0])) return false;
        foreach (var ch in id[1..])
            if (!char.IsAsciiLetterUpper(ch) && !char.IsAsciiDigit(ch)) return false;
        return true;
    }

    private X12Segment ReadIsa()
    {
        // The ISA is fixed-width, so a line break inside it (a file wrapped at 80 columns) is not part of it. Its last
        // character is the segment terminator, which may itself be a line break: a line break there followed by a
        // segment id — after more line breaks, and the spaces or tabs of an indented file — ends the ISA; followed by
        // anything else, it was a wrap, and what follows the line breaks is the terminator.
        var isa = new char[IsaLength];
        var count = 0;
        while (count < IsaLength - 1 && Peek(0) >= 0)
        {
            var ch = (char)Read();
            if (ch is not ('\r' or '\n')) isa[count++] = ch;
        }
        if (count == IsaLength - 1 && Peek(0) >= 0)
        {
            var last = (char)Read();
            if (last is '\r' or '\n')
            {
                var breaks = 0;
                while (Peek(breaks) is '\r' or '\n') breaks++;
                var ahead = breaks;
                while (Peek(ahead) is '\r' or '\n' or ' ' or '\t') ahead++;
                if (Peek(ahead) is var next && next >= 0 && !char.IsAsciiLetterUpper((char)next))
                {
                    for (var i = 0; i < breaks; i++) Read();
                    last = (char)Read();
                }
            }
            isa[count++] = last;
        }
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

    /// <summary>What may stand between segments and carries nothing: line breaks, blanks, a byte order mark, NUL padding, a DOS end-of-file (^Z).</summary>
    private void SkipSeparatorsBetweenSegments()
    {
        while (Peek(0) is '\r' or '\n' or ' ' or '\t' or '\uFEFF' or '\0' or '\u001a') Read();
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
