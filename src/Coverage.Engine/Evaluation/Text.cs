using System.Globalization;

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
            state.date.TryFormat(span[state.prefix.Length..], out _, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            state.suffix.CopyTo(span[(state.prefix.Length + DateLength)..]);
        });
}
