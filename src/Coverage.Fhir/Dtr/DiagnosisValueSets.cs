using Coverage.Engine.Catalogue;
using Coverage.Engine.Model;
using Hl7.Fhir.Model;

namespace Coverage.Fhir.Dtr;

/// <summary>
/// The ICD-10-CM sets a questionnaire's criteria read the diagnoses against (each <see cref="DiagnosisIn"/> condition,
/// in criteria order), as FHIR ValueSets in its package: the catalogue's exact codes as <c>concept</c>s, and each
/// category it lists with a wildcard (C50.*) as an <c>is-a</c> filter on that category — ICD-10-CM is hierarchical,
/// and C50 and everything under it is exactly what the engine's prefix match accepts. The catalogue holds no list of
/// a category's codes, so a set with a category has no expansion (a code is never guessed); a set of exact codes has one.
/// </summary>
public static class DiagnosisValueSets
{
    /// <summary>One diagnosis set of a questionnaire: the ValueSet's id, the criterion that reads it, and the set.</summary>
    public sealed record Read(string Id, string CriterionId, DiagnosisValueSet Diagnoses);

    /// <summary>Every diagnosis set the subject's criteria read, each once (two criteria reading the same codes share one).</summary>
    public static IReadOnlyList<Read> Of(QuestionnaireSubject subject)
    {
        var found = new List<Read>();
        foreach (var criterion in subject.Criteria.Criteria)
        {
            var sets = new List<DiagnosisValueSet>();
            Collect(criterion.Condition, sets);
            for (var i = 0; i < sets.Count; i++)
            {
                if (found.Any(f => SameCodes(f.Diagnoses, sets[i]))) continue;
                var id = QuestionnaireSubject.LogicalId($"{subject.Id}-{criterion.Id}{(i == 0 ? "" : $"-{i + 1}")}");
                found.Add(new Read(id, criterion.Id, sets[i]));
            }
        }
        return found;
    }

    public static ValueSet Build(Read set, QuestionnaireSubject subject, DtrCanonicals canonicals, string version, DateTimeOffset expandedAt)
    {
        var diagnoses = set.Diagnoses;
        var compose = new ValueSet.ComposeComponent();
        // A ValueSet include may not hold both concepts and filters (vsd-3): the exact codes in one, each category in its own.
        if (diagnoses.Codes.Count > 0)
            compose.Include.Add(new ValueSet.ConceptSetComponent
            {
                System = FhirSystems.Icd10Cm,
                Concept = [.. diagnoses.Codes.Select(c => new ValueSet.ConceptReferenceComponent { Code = CodeFormats.DisplayIcd10(c) })],
            });
        foreach (var prefix in diagnoses.Prefixes)
            compose.Include.Add(new ValueSet.ConceptSetComponent
            {
                System = FhirSystems.Icd10Cm,
                Filter = [new ValueSet.FilterComponent { Property = "concept", Op = FilterOperator.IsA, Value = CodeFormats.DisplayIcd10(prefix) }],
            });
        var valueSet = new ValueSet
        {
            Id = set.Id,
            Url = canonicals.ValueSet(set.Id),
            Version = version,
            Name = "Diagnoses" + string.Concat(set.CriterionId.Split('-', '.', '_').Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..])),
            Title = $"Diagnoses (ICD-10-CM) of the criterion '{set.CriterionId}': {diagnoses.Display}",
            Status = PublicationStatus.Active,
            Description = $"The ICD-10-CM diagnoses the criterion '{set.CriterionId}' of \"{subject.Title}\" accepts, as the catalogue lists them: {diagnoses.Display}.",
            Compose = compose,
        };
        if (diagnoses.Prefixes.Count == 0)
            valueSet.Expansion = new ValueSet.ExpansionComponent
            {
                Identifier = $"urn:uuid:{FactValueSet.DeterministicGuid(set.Id + "|" + version)}",
                TimestampElement = new FhirDateTime(expandedAt),
                Total = diagnoses.Codes.Count,
                Contains = [.. diagnoses.Codes.Select(c => new ValueSet.ContainsComponent { System = FhirSystems.Icd10Cm, Code = CodeFormats.DisplayIcd10(c) })],
            };
        return valueSet;
    }

    private static void Collect(FactCondition condition, List<DiagnosisValueSet> sets)
    {
        switch (condition)
        {
            case DiagnosisIn diagnosis:
                sets.Add(diagnosis.ValueSet);
                break;
            case AnyOf any:
                foreach (var part in any.Conditions) Collect(part, sets);
                break;
            case AllOf all:
                foreach (var part in all.Conditions) Collect(part, sets);
                break;
            case NoneOf none:
                foreach (var part in none.Conditions) Collect(part, sets);
                break;
        }
    }

    private static bool SameCodes(DiagnosisValueSet a, DiagnosisValueSet b) =>
        a.Codes.Order(StringComparer.Ordinal).SequenceEqual(b.Codes.Order(StringComparer.Ordinal), StringComparer.Ordinal)
        && a.Prefixes.Order(StringComparer.Ordinal).SequenceEqual(b.Prefixes.Order(StringComparer.Ordinal), StringComparer.Ordinal);
}
