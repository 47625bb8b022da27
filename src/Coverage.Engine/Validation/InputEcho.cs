using System.Text.RegularExpressions;

namespace Coverage.Engine.Validation;

/// <summary>
/// Bounds how much of a caller's input an error message repeats back. Rules quote the offending value
/// ("'…' is not an ICD-10-CM code") so that a person can see what was wrong; a 2,000-character value was
/// echoed whole (twice, in a problem's errors and detail), so an error could be larger than the request, and
/// would be written to logs and audit rows as sent. Rules quote through <see cref="Truncate"/>; the error
/// writers (problem details, OperationOutcomes) pass every message through <see cref="Message"/> once more.
/// </summary>
public static partial class InputEcho
{
    /// <summary>The most of one value an error repeats.</summary>
    public const int MaxValue = 64;
    public const int MaxLength = MaxValue;
    /// <summary>The most one error message may be, whatever it quotes.</summary>
    public const int MaxMessage = 512;

    /// <summary>
    /// The value when short, else its first <paramref name="maxLength"/> characters, an ellipsis and its full
    /// length; control and format characters (line breaks, bidi overrides, zero-width) are shown as '?'.
    /// </summary>
    public static string Truncate(string? value, int maxLength = MaxValue)
    {
        if (value is null) return "";
        var cut = value.Length > maxLength;
        var length = cut && char.IsHighSurrogate(value[maxLength - 1]) ? maxLength - 1 : Math.Min(maxLength, value.Length); // never half a pair
        var printable = string.Create(length, value, static (span, text) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                var c = text[i];
                span[i] = char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format
                    || (char.IsSurrogate(c) && !(i + 1 < span.Length && char.IsSurrogatePair(c, text[i + 1])) && !(i > 0 && char.IsSurrogatePair(text[i - 1], c)))
                    ? '?' : c;
            }
        });
        return cut ? $"{printable}… ({value.Length} characters)" : printable;
    }

    /// <summary>An error message with each quoted value ('…') shortened to <see cref="MaxValue"/> characters, and the whole to <see cref="MaxMessage"/>.</summary>
    public static string Message(string message)
    {
        var quoted = Quoted().Replace(message, m => m.Groups[1].Length <= MaxValue ? m.Value : $"'{Truncate(m.Groups[1].Value)}'");
        return quoted.Length <= MaxMessage ? quoted : string.Concat(quoted.AsSpan(0, char.IsHighSurrogate(quoted[MaxMessage - 1]) ? MaxMessage - 1 : MaxMessage), "…");
    }

    // A quote opens after a space, '(' or ':' (or at the start) and closes before one or punctuation, so the apostrophe of "the member's" is not one.
    [GeneratedRegex(@"(?<=^|[\s(:])'([^']*)'(?=$|[\s),.;:])", RegexOptions.CultureInvariant)]
    private static partial Regex Quoted();
}
