using System.Text.RegularExpressions;

namespace Coverage.Engine.Json;

/// <summary>
/// Bounds how much of a caller's input an error message repeats back. Rules quote the offending value
/// ("'…' is not an ICD-10-CM code") so that a person can see what was wrong; a 2,000-character value was
/// echoed whole (twice, in a problem's errors and detail), so an error could be larger than the request.
/// Used once, where errors are turned into responses (problem details, OperationOutcomes), not in each rule.
/// </summary>
public static partial class InputEcho
{
    /// <summary>The most of one value an error repeats.</summary>
    public const int MaxValue = 64;
    /// <summary>The most one error message may be, whatever it quotes.</summary>
    public const int MaxMessage = 512;

    /// <summary>The value itself when short, else its first <paramref name="max"/> characters and an ellipsis.</summary>
    public static string Truncate(string value, int max = MaxValue)
    {
        if (value.Length <= max) return value;
        var cut = char.IsHighSurrogate(value[max - 1]) ? max - 1 : max; // never half a surrogate pair
        return string.Concat(value.AsSpan(0, cut), "…");
    }

    /// <summary>An error message with each quoted value ('…') shortened to <see cref="MaxValue"/> characters, and the whole to <see cref="MaxMessage"/>.</summary>
    public static string Message(string message) =>
        Truncate(Quoted().Replace(message, m => m.Groups[1].Length <= MaxValue ? m.Value : $"'{Truncate(m.Groups[1].Value)}'"), MaxMessage);

    // A quote opens after a space, '(' or ':' (or at the start) and closes before one or punctuation, so the apostrophe of "the member's" is not one.
    [GeneratedRegex(@"(?<=^|[\s(:])'([^']*)'(?=$|[\s),.;:])", RegexOptions.CultureInvariant)]
    private static partial Regex Quoted();
}
