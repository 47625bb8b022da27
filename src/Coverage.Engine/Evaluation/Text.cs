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

    /// <summary>yyyy-MM-dd, digit by digit: what the invariant culture's custom format writes, without parsing the format on every line.</summary>
    private static void WriteDate(Span<char> span, DateOnly date)
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
