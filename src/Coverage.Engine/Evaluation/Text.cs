using Coverage.Engine.Model;

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
            IsoDate.Write(span.Slice(state.prefix.Length, DateLength), state.date);
            state.suffix.CopyTo(span[(state.prefix.Length + DateLength)..]);
        });

    /// <summary>A date in interpolated strings: {Text.Iso(date)} writes yyyy-MM-dd without boxing or parsing a format.</summary>
    public static IsoDate.Formattable Iso(DateOnly date) => new(date);

    /// <summary>The text ended as a sentence: with one period, whether or not it ends with one already (a source quoted from the catalogue may).</summary>
    public static string Sentence(string text) => text.EndsWith('.') ? text : text + ".";

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
}
