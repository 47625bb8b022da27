using System.Text;

namespace Coverage.Import.Parsing;

/// <summary>Kebab-case identifiers made from the document's own words (the catalogue's ids are kebab-case).</summary>
internal static class Slug
{
    public static string Of(string text, int maxWords = 6)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        foreach (var c in text.ToLowerInvariant().Normalize(NormalizationForm.FormD))
        {
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9') word.Append(c);
            else if (char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.NonSpacingMark) continue;
            else Flush();
        }
        Flush();
        return words.Count == 0 ? "item" : string.Join('-', words.Take(maxWords));

        void Flush()
        {
            // A lone letter ("e.g." read as e, g) says nothing in an identifier.
            if (word.Length > 1 || (word.Length == 1 && char.IsDigit(word[0]))) words.Add(word.ToString());
            word.Clear();
        }
    }

    /// <summary>The slug, made unique among <paramref name="taken"/> with -2, -3….</summary>
    public static string Unique(string text, ISet<string> taken, int maxWords = 6)
    {
        var slug = Of(text, maxWords);
        var candidate = slug;
        for (var n = 2; !taken.Add(candidate); n++) candidate = $"{slug}-{n}";
        return candidate;
    }
}
