using System.IO.Compression;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Coverage.SdcPackage;

/// <summary>
/// SUSHI reads the FHIR version a guide builds on from the FHIR package cache (<c>~/.fhir/packages/hl7.fhir.r4.core#4.0.1</c>)
/// and, offline, cannot download it. This writes that folder from the base R4 specification the tests validate against
/// (Hl7.Fhir.Specification.Data.R4's <c>specification.zip</c>, copied beside this tool): its StructureDefinitions, ValueSets, CodeSystems and
/// SearchParameters as one JSON file each, as the published core package lays them out. Only the build reads it.
/// </summary>
public static class R4CoreForSushi
{
    private static readonly string[] Bundles =
        ["profiles-resources.xml", "profiles-types.xml", "profiles-others.xml", "extension-definitions.xml", "valuesets.xml", "v3-codesystems.xml", "v2-tables.xml", "search-parameters.xml"];

    public static int Write(string folder)
    {
        var package = Path.Combine(folder, "package");
        Directory.CreateDirectory(package);
        var parser = new FhirXmlDeserializer(new DeserializerSettings().UsingMode(DeserializationMode.Recoverable));
        var serializer = new BaseFhirJsonSerializer(ModelInfo.ModelInspector);
        using var zip = ZipFile.OpenRead(Path.Combine(AppContext.BaseDirectory, "specification.zip"));
        var written = 0;
        foreach (var bundleName in Bundles)
        {
            using var reader = new StreamReader(zip.GetEntry(bundleName)!.Open());
            var bundle = parser.Deserialize<Bundle>(reader.ReadToEnd());
            foreach (var resource in bundle.Entry.Select(e => e.Resource))
            {
                if (resource is not (StructureDefinition or ValueSet or CodeSystem or SearchParameter) || resource.Id is null) continue;
                File.WriteAllText(Path.Combine(package, $"{resource.TypeName}-{resource.Id}.json"), serializer.SerializeToString(resource));
                written++;
            }
        }
        File.WriteAllText(Path.Combine(package, "package.json"),
            """{"name":"hl7.fhir.r4.core","version":"4.0.1","type":"Core","fhirVersions":["4.0.1"],"dependencies":{}}""");
        return written;
    }
}
