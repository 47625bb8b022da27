using System.Collections.Frozen;
using System.Globalization;

namespace Coverage.Engine.Descriptions;

/// <summary>
/// What a character folds to under Unicode compatibility decomposition (NFKD) without its nonspacing marks:
/// fullwidth "ｃ" → "c", mathematical "𝐜" → "c", "é" → "e", "ﬁ" → "fi", the Kelvin sign → "K", "ё" → "е".
/// The engine runs with invariant globalization, where string.Normalize leaves non-ASCII text as it is, so the
/// decomposition is shipped as data: compatibility-folding.txt, written by scripts/unicode-folding.py from the
/// Unicode character database and embedded in the assembly. It holds only the foldings the description reader
/// can use (to ASCII, Greek or Cyrillic text with a letter or digit); any other character is judged as it is.
/// </summary>
internal static class CompatibilityFolding
{
    private const string Resource = "Coverage.Engine.Descriptions.compatibility-folding.txt";

    private static readonly FrozenDictionary<int, string> ByCodePoint = Load();

    /// <summary>The text <paramref name="codePoint"/> folds to, if it has a folding.</summary>
    public static bool TryFold(int codePoint, out string folded) => ByCodePoint.TryGetValue(codePoint, out folded!);

    private static FrozenDictionary<int, string> Load()
    {
        using var stream = typeof(CompatibilityFolding).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"The embedded resource {Resource} is missing from the engine assembly.");
        using var reader = new StreamReader(stream);
        var foldings = new Dictionary<int, string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            foldings.Add(int.Parse(line.AsSpan(0, tab), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture), line[(tab + 1)..]);
        }
        return foldings.ToFrozenDictionary();
    }
}
