using System.Globalization;
using System.Text;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Model;

namespace Coverage.Engine.Evaluation;

/// <summary>
/// A policy compiled once for evaluation: its description classifier and, per modality, the evidence
/// summary and citations every medical-necessity rationale repeats, so that lines do not rebuild them.
/// </summary>
internal sealed class CompiledPolicy
{
    public CompiledPolicy(CoveragePolicy policy)
    {
        Policy = policy;
        Classifier = new DescriptionClassifier(policy);
        Evidence = policy.Modalities.Keys.ToDictionary(m => m, m => new ModalityEvidence(policy, policy.Evidence[m]), StringComparer.Ordinal);
        Statements = policy.Versions.ToDictionary(v => v.Version, v => Citation.OfSection(v.Statement.Section, v.Statement.Text), StringComparer.Ordinal);
        var names = policy.Modalities.Values.Select(m => m.Name.ToLowerInvariant()).ToList();
        ModalityChoices = names.Count == 1 ? names[0] : string.Join(", ", names.Take(names.Count - 1)) + " or " + names[^1];
    }

    /// <summary>The policy's modalities as a choice in plain words: "cryoablation, … or radiofrequency ablation".</summary>
    public string ModalityChoices { get; }

    public CoveragePolicy Policy { get; }
    public DescriptionClassifier Classifier { get; }
    public IReadOnlyDictionary<string, ModalityEvidence> Evidence { get; }
    /// <summary>The coverage statement of each version, as a citation.</summary>
    public IReadOnlyDictionary<string, Citation> Statements { get; }

    public PolicyReference ReferenceTo(PolicyVersion version) => new(Policy.Id, version.Version, Policy.Title);

    public string ModalityName(string modality) => Policy.Modalities[modality].Name;

    /// <summary>The first version that brought the modality into scope, if any did.</summary>
    public PolicyVersion? VersionAdding(string modality) => Policy.Versions.FirstOrDefault(v => v.Modalities.Contains(modality));
}

/// <summary>What a rationale says of a modality's evidence, and the citations that back it.</summary>
internal sealed class ModalityEvidence
{
    public ModalityEvidence(CoveragePolicy policy, EvidenceSummary evidence)
    {
        var summary = new StringBuilder();
        summary.Append("The policy's review of the evidence found: \"").Append(evidence.Conclusion).Append('"');
        if (evidence.Studies.Count > 0)
        {
            summary.Append(" Studies it describes: ");
            summary.AppendJoin("; ", evidence.Studies.Select(Describe));
            summary.Append('.');
        }
        if (evidence.CommonLimitations is not null)
            summary.Append(' ').Append(evidence.CommonLimitations);
        Summary = summary.ToString();

        var citations = new List<Citation> { Citation.OfSection(evidence.Section, evidence.Conclusion) };
        var numbers = new List<int>();
        void AddAll(IEnumerable<int> refs)
        {
            foreach (var n in refs)
                if (!numbers.Contains(n)) numbers.Add(n);
        }
        AddAll(evidence.ConclusionReferences);
        AddAll(evidence.Studies.SelectMany(s => s.References));
        AddAll(evidence.CommonLimitationsReferences);
        foreach (var n in numbers)
        {
            var reference = policy.References[n];
            citations.Add(Citation.OfReference(n, reference.Citation));
        }
        Citations = citations;
    }

    /// <summary>Plain-language summary of the evidence with the policy's reference numbers.</summary>
    public string Summary { get; }
    public IReadOnlyList<Citation> Citations { get; }

    private static string Describe(Study study)
    {
        // The design up to its first qualification: "systematic review and meta-analysis (9 prospective…)" → "systematic review and meta-analysis".
        var design = study.Design.Split([" (", "; "], 2, StringSplitOptions.None)[0];
        // Lower-case the first letter of a design that reads as a phrase ("Systematic review"), not of an acronym ("MR-guided").
        var lower = design.Length > 1 && char.IsLower(design[1]) ? char.ToLowerInvariant(design[0]) + design[1..] : design;
        var text = new StringBuilder(study.Citation).Append(", ").Append(lower);
        if (study.SampleSize is { } n) text.Append(", ").Append(n.ToString("N0", CultureInfo.InvariantCulture)).Append(" participants");
        if (study.References.Count > 0) text.Append(" [ref. ").AppendJoin(", ", study.References).Append(']');
        return text.ToString();
    }
}
