using Coverage.Engine.Catalogue;
using Hl7.Fhir.Model;

namespace Coverage.Fhir.Dtr;

/// <summary>
/// The answers a code or list fact takes, as a ValueSet of Coverage's clinical-fact-value code system (the values the
/// catalogue lists), with its expansion, so that a DTR client needs no terminology server to offer them.
/// </summary>
public static class FactValueSet
{
    public static string IdOf(FactDefinition fact) => QuestionnaireSubject.LogicalId("clinical-fact-" + fact.Name);

    public static ValueSet Build(FactDefinition fact, DtrCanonicals canonicals, string version, DateTimeOffset expandedAt)
    {
        var id = IdOf(fact);
        return new ValueSet
        {
            Id = id,
            Url = canonicals.ValueSet(id),
            Version = version,
            Name = "ClinicalFact" + char.ToUpperInvariant(fact.Name[0]) + fact.Name[1..],
            Title = $"Values of the clinical fact {fact.Name}",
            Status = PublicationStatus.Active,
            Description = fact.Description,
            Compose = new ValueSet.ComposeComponent
            {
                Include = [new ValueSet.ConceptSetComponent
                {
                    System = FhirSystems.ClinicalFactValue,
                    Concept = [.. fact.Values.Select(v => new ValueSet.ConceptReferenceComponent { Code = v, Display = v })],
                }],
            },
            Expansion = new ValueSet.ExpansionComponent
            {
                Identifier = $"urn:uuid:{DeterministicGuid(id + "|" + version)}",
                TimestampElement = new FhirDateTime(expandedAt),
                Total = fact.Values.Count,
                Contains = [.. fact.Values.Select(v => new ValueSet.ContainsComponent { System = FhirSystems.ClinicalFactValue, Code = v, Display = v })],
            },
        };
    }

    /// <summary>The same catalogue gives the same expansion identifier (a name-based UUID of the value set and version).</summary>
    internal static Guid DeterministicGuid(string name)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name));
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
