using System.Text.RegularExpressions;

namespace Coverage.Import.Parsing;

/// <summary>
/// The findings a coverage statement states, by the words payers use for them, as the catalogue's determination
/// values. The first finding a sentence states is its finding ("not medically necessary when the above criteria are
/// not met" is not medically necessary).
/// </summary>
internal static partial class Determinations
{
    public const string MedicallyNecessary = "medically-necessary";
    public const string NotMedicallyNecessary = "not-medically-necessary";
    public const string Investigational = "experimental-investigational-unproven";
    public const string NotCovered = "not-covered";

    public static string? Find(string text)
    {
        var match = Finding().Match(text);
        if (!match.Success) return null;
        var words = match.Value.ToLowerInvariant();
        if (words.StartsWith("not medically", StringComparison.Ordinal)) return NotMedicallyNecessary;
        if (words.StartsWith("medically", StringComparison.Ordinal)) return MedicallyNecessary;
        if (words.StartsWith("not covered", StringComparison.Ordinal) || words.StartsWith("excluded", StringComparison.Ordinal)) return NotCovered;
        return Investigational;
    }

    [GeneratedRegex(@"\b(?:not\s+medically\s+necessary|medically\s+necessary|experimental|investigational|unproven|not\s+covered)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Finding();
}
