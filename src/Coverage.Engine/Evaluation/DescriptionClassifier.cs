using Coverage.Engine.Catalogue;

namespace Coverage.Engine.Evaluation;

/// <summary>What an unlisted code's free-text description names (spec section 4).</summary>
internal enum DescriptionKind
{
    Missing,
    Modality,
    RelatedResource,
    UnspecifiedProcedure,
    Ambiguous,
    Unrelated,
}

internal readonly record struct DescriptionMatch(DescriptionKind Kind, string? Target, IReadOnlyList<string> Terms);

/// <summary>
/// Classifies descriptions by the policy's synonyms: case-insensitive, whole words, punctuation read as
/// spaces. A specific name wins over a generic "ablation"; two specific names that disagree are ambiguous.
/// </summary>
internal sealed class DescriptionClassifier
{
    private readonly (string Padded, string Term, DescriptionKind Kind, string Target)[] _specific;
    private readonly string[] _unspecified;

    public DescriptionClassifier(CoveragePolicy policy)
    {
        var specific = new List<(string, string, DescriptionKind, string)>();
        foreach (var modality in policy.Modalities.Values)
            foreach (var term in modality.Synonyms)
                specific.Add((Pad(term), term, DescriptionKind.Modality, modality.Id));
        foreach (var resource in policy.RelatedResources)
            foreach (var term in resource.MatchTerms)
                specific.Add((Pad(term), term, DescriptionKind.RelatedResource, resource.Title));
        _specific = [.. specific];
        _unspecified = policy.UnspecifiedProcedureTerms.Select(Pad).ToArray();
    }

    public DescriptionMatch Classify(string? description)
    {
        if (string.IsNullOrWhiteSpace(description)) return new(DescriptionKind.Missing, null, []);
        var text = Pad(CatalogueLoader.TermText(description));

        DescriptionKind kind = DescriptionKind.Unrelated;
        string? target = null;
        List<string>? terms = null;
        foreach (var (padded, term, termKind, termTarget) in _specific)
        {
            if (!text.Contains(padded, StringComparison.Ordinal)) continue;
            (terms ??= []).Add(term);
            if (target is null)
            {
                kind = termKind;
                target = termTarget;
            }
            else if (target != termTarget)
            {
                kind = DescriptionKind.Ambiguous;
            }
        }
        if (terms is not null) return new(kind, kind == DescriptionKind.Ambiguous ? null : target, terms);

        foreach (var padded in _unspecified)
            if (text.Contains(padded, StringComparison.Ordinal))
                return new(DescriptionKind.UnspecifiedProcedure, null, [padded.Trim()]);
        return new(DescriptionKind.Unrelated, null, []);
    }

    private static string Pad(string term) => " " + term + " ";
}
