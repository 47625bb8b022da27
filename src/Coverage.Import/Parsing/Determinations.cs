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
        var words = Spaces().Replace(match.Value.ToLowerInvariant(), " ");
        if (words.StartsWith("not ", StringComparison.Ordinal) && !words.StartsWith("not covered", StringComparison.Ordinal)) return NotMedicallyNecessary;
        if (words.StartsWith("does not meet", StringComparison.Ordinal)) return NotMedicallyNecessary;
        if (words.StartsWith("medically", StringComparison.Ordinal) || words.StartsWith("reasonable", StringComparison.Ordinal)) return MedicallyNecessary;
        if (words.StartsWith("not covered", StringComparison.Ordinal) || words.StartsWith("excluded", StringComparison.Ordinal)) return NotCovered;
        return Investigational;
    }

    /// <summary>
    /// The finding of a coding table's group label: as <see cref="Find"/>, and "covered if selection criteria are met"
    /// is a favourable finding there (the codes of the statements that find the service medically necessary).
    /// </summary>
    public static string? FindInLabel(string text) =>
        Find(text) ?? (CoveredWhenMet().IsMatch(text) ? MedicallyNecessary : null);

    /// <summary>
    /// Medicare's "reasonable and necessary" is its medical necessity; "not considered medically necessary" and
    /// "not reasonable and necessary" are negative findings even with words between the "not" and the finding.
    /// </summary>
    [GeneratedRegex(@"\b(?:not\s+(?:(?:be\s+)?(?:considered|deemed)\s+)?(?:medically\s+necessary|reasonable\s+and\s+necessary)|does\s+not\s+meet\s+(?:the\s+)?(?:definition\s+of\s+)?medical\s+necessity|medically\s+necessary|reasonable\s+and\s+necessary|experimental|investigational|unproven|not\s+covered)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Finding();

    [GeneratedRegex(@"\bcovered\s+(?:if|when)\b", RegexOptions.IgnoreCase)]
    private static partial Regex CoveredWhenMet();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
