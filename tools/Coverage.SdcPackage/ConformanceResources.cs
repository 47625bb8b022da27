using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Coverage.SdcPackage;

/// <summary>
/// The conformance resources of the guide's source: every StructureDefinition (profiles, extensions, the operations'
/// Parameters profiles) under <c>input/resources</c> and every ValueSet and CodeSystem under <c>input/vocabulary</c>,
/// as the IG's authors wrote them (XML, differentials only). Examples, pages, CapabilityStatements,
/// OperationDefinitions and SearchParameters are not what a validator needs and are left out.
/// </summary>
public static class ConformanceResources
{
    private static readonly string[] Folders = ["input/resources", "input/vocabulary"];

    public static IReadOnlyList<Resource> Read(IgSource source, ICollection<string> notes)
    {
        var parser = new FhirXmlDeserializer(new DeserializerSettings());
        var resources = new List<Resource>();
        foreach (var path in Folders.SelectMany(source.Files))
        {
            if (!path.EndsWith(".xml", StringComparison.OrdinalIgnoreCase)) continue;
            var resource = Parse(parser, path, source.Read(path), notes);
            if (resource is StructureDefinition or ValueSet or CodeSystem) resources.Add(resource);
        }
        var duplicates = resources.GroupBy(r => r.TypeName + "/" + r.Id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        return duplicates.Count == 0 ? resources : throw new InvalidOperationException("Two source files define " + string.Join(", ", duplicates));
    }

    /// <summary>
    /// The SDK reads strictly; the IG publisher, which built the published package, accepts what the SDK reports as
    /// recoverable (a <c>value</c> attribute with surrounding whitespace in a comment). Those are kept, as the
    /// publisher kept them, and listed in <paramref name="notes"/>; anything else stops the build.
    /// </summary>
    private static Resource Parse(FhirXmlDeserializer parser, string path, string xml, ICollection<string> notes)
    {
        try
        {
            return parser.DeserializeResource(xml);
        }
        catch (DeserializationFailedException e) when (e.PartialResult is Resource partial && e.Exceptions.All(x => x.Message.Contains("leading or trailing whitespace", StringComparison.Ordinal)))
        {
            foreach (var problem in e.Exceptions) notes.Add($"{path}: kept as written: {problem.Message}");
            return partial;
        }
    }
}
