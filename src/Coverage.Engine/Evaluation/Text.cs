namespace Coverage.Engine.Evaluation;

/// <summary>Builds the few strings that depend on a line's own date in one allocation each.</summary>
internal static class Text
{
    private const int DateLength = 10; // yyyy-MM-dd

    /// <summary>prefix + date (yyyy-MM-dd) + suffix, as one string of exactly that length.</summary>
    public static string WithDate(string prefix, DateOnly date, string suffix) =>
        string.Create(prefix.Length + DateLength + suffix.Length, (prefix, date, suffix), static (span, state) =>
        {
            state.prefix.CopyTo(span);
            WriteDate(span.Slice(state.prefix.Length, DateLength), state.date);
            state.suffix.CopyTo(span[(state.prefix.Length + DateLength)..]);
        });

    /// <summary>A date in interpolated strings: {Text.Iso(date)} writes yyyy-MM-dd without boxing or parsing a format.</summary>
    public static IsoDate Iso(DateOnly date) => new(date);

    /// <summary>ICD-10-CM codes as explanations write them, comma-separated ("D24.1, N63.10"), in one allocation.</summary>
    public static string DisplayIcd10List(IReadOnlyList<string> normalised)
    {
        var length = 0;
        for (var i = 0; i < normalised.Count; i++)
            length += (i > 0 ? 2 : 0) + normalised[i].Length + (normalised[i].Length > 3 ? 1 : 0);
        return string.Create(length, normalised, static (span, codes) =>
        {
            var at = 0;
            for (var i = 0; i < codes.Count; i++)
            {
                if (i > 0)
                {
                    span[at++] = ',';
                    span[at++] = ' ';
                }
                // Model.CodeFormats.DisplayIcd10: the dot after the category.
                var code = codes[i];
                if (code.Length > 3)
                {
                    code.AsSpan(0, 3).CopyTo(span[at..]);
                    span[at + 3] = '.';
                    code.AsSpan(3).CopyTo(span[(at + 4)..]);
                    at += code.Length + 1;
                }
                else
                {
                    code.CopyTo(span[at..]);
                    at += code.Length;
                }
            }
        });
    }

    /// <summary>yyyy-MM-dd, digit by digit: what the invariant culture's custom format writes, without parsing the format on every line.</summary>
    internal static void WriteDate(Span<char> span, DateOnly date)
    {
        var (year, month, day) = (date.Year, date.Month, date.Day);
        span[0] = (char)('0' + year / 1000);
        span[1] = (char)('0' + year / 100 % 10);
        span[2] = (char)('0' + year / 10 % 10);
        span[3] = (char)('0' + year % 10);
        span[4] = '-';
        span[5] = (char)('0' + month / 10);
        span[6] = (char)('0' + month % 10);
        span[7] = '-';
        span[8] = (char)('0' + day / 10);
        span[9] = (char)('0' + day % 10);
    }
}

/// <summary>A date that formats as yyyy-MM-dd (see <see cref="Text.Iso"/>).</summary>
internal readonly struct IsoDate(DateOnly date) : ISpanFormattable
{
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        if (destination.Length < 10)
        {
            charsWritten = 0;
            return false;
        }
        Text.WriteDate(destination, date);
        charsWritten = 10;
        return true;
    }

    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    public override string ToString() => Text.WithDate("", date, "");
}
