using System.Globalization;

namespace Coverage.Engine.Model;

/// <summary>
/// Dates as the contract and the claim formats write them: YYYY-MM-DD (and X12's CCYYMMDD). The usual case, ASCII
/// digits in place, is read and written digit by digit; anything else goes to the framework's exact parse, so that
/// what is accepted is exactly what DateOnly.TryParseExact with the same format accepts.
/// </summary>
public static class IsoDate
{
    /// <summary>YYYY-MM-DD, as DateOnly.TryParseExact(text, "yyyy-MM-dd", invariant culture) reads it.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out DateOnly date)
    {
        if (text.Length == 10 && text[4] == '-' && text[7] == '-'
            && Digits(text[..4], out var year) && Digits(text[5..7], out var month) && Digits(text[8..], out var day))
            return TryCreate(year, month, day, out date);
        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }

    /// <summary>CCYYMMDD (X12 D8), as DateOnly.TryParseExact(text, "yyyyMMdd", invariant culture) reads it.</summary>
    public static bool TryParseBasic(ReadOnlySpan<char> text, out DateOnly date)
    {
        if (text.Length == 8 && Digits(text[..4], out var year) && Digits(text[4..6], out var month) && Digits(text[6..], out var day))
            return TryCreate(year, month, day, out date);
        return DateOnly.TryParseExact(text, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }

    /// <summary>YYYY-MM-DD, as date.ToString("yyyy-MM-dd", invariant culture) writes it.</summary>
    public static string ToString(DateOnly date) => string.Create(10, date, static (chars, d) => Write(chars, d));

    /// <summary>Writes YYYY-MM-DD into the first ten characters.</summary>
    public static void Write(Span<char> chars, DateOnly date)
    {
        Four(chars, date.Year);
        chars[4] = '-';
        Two(chars[5..], date.Month);
        chars[7] = '-';
        Two(chars[8..], date.Day);
    }

    /// <summary>Writes YYYY-MM-DD into the first ten bytes, as UTF-8.</summary>
    public static void Write(Span<byte> utf8, DateOnly date)
    {
        Span<char> chars = stackalloc char[10];
        Write(chars, date);
        for (var i = 0; i < 10; i++) utf8[i] = (byte)chars[i];
    }

    /// <summary>A date in interpolated strings: writes YYYY-MM-DD without boxing or parsing a format.</summary>
    public readonly struct Formattable(DateOnly date) : ISpanFormattable
    {
        public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
        {
            if (destination.Length < 10)
            {
                charsWritten = 0;
                return false;
            }
            Write(destination, date);
            charsWritten = 10;
            return true;
        }

        public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

        public override string ToString() => IsoDate.ToString(date);
    }

    private static void Four(Span<char> chars, int value)
    {
        chars[0] = (char)('0' + value / 1000);
        chars[1] = (char)('0' + value / 100 % 10);
        Two(chars[2..], value % 100);
    }

    private static void Two(Span<char> chars, int value)
    {
        chars[0] = (char)('0' + value / 10);
        chars[1] = (char)('0' + value % 10);
    }

    private static bool TryCreate(int year, int month, int day, out DateOnly date)
    {
        date = default;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)) return false;
        date = new DateOnly(year, month, day);
        return true;
    }

    private static bool Digits(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        foreach (var ch in text)
        {
            var digit = ch - '0';
            if ((uint)digit > 9) return false;
            value = value * 10 + digit;
        }
        return true;
    }
}
