using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Coverage.SdcPackage;

/// <summary>
/// The conformance resources SUSHI wrote for a guide authored in FHIR Shorthand (its <c>fsh-generated/resources</c>
/// folder): every StructureDefinition, ValueSet and CodeSystem, differentials only, in file-name order. Examples,
/// CapabilityStatements, OperationDefinitions and SearchParameters are not what a validator needs and are left out.
/// </summary>
public static class SushiOutput
{
    private static readonly string[] Kinds = ["StructureDefinition-", "ValueSet-", "CodeSystem-"];

    public static IReadOnlyList<Resource> Read(string folder)
    {
        var parser = new FhirJsonDeserializer(new DeserializerSettings());
        return [.. Directory.EnumerateFiles(folder, "*.json")
            .Where(path => Kinds.Any(kind => Path.GetFileName(path).StartsWith(kind, StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal)
            .Select(path => parser.DeserializeResource(File.ReadAllText(path)))];
    }
}
