using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Snapshot;
using Hl7.Fhir.Specification.Source;

namespace Coverage.SdcPackage;

/// <summary>
/// Fills in each StructureDefinition's snapshot with Firely's snapshot generator, against the guide's own
/// definitions (a profile derived from another SDC profile gets that profile's snapshot first) and the base R4
/// specification (Hl7.Fhir.Specification.Data.R4, the same the tests validate against). The generator's errors stop
/// the build: a package with a broken snapshot would validate wrongly without saying so.
/// </summary>
public static class Snapshots
{
    public static async Task<IReadOnlyList<string>> GenerateAsync(IReadOnlyList<Resource> resources)
    {
        var resolver = new CachedResolver(new MultiResolver(new InMemoryResourceResolver(resources), ZipSource.CreateValidationSource()));
        var generator = new SnapshotGenerator(resolver, new SnapshotGeneratorSettings { GenerateSnapshotForExternalProfiles = true, ForceRegenerateSnapshots = true });
        var messages = new List<string>();
        foreach (var definition in resources.OfType<StructureDefinition>())
        {
            await generator.UpdateAsync(definition);
            foreach (var issue in generator.Outcome?.Issue ?? [])
            {
                var line = $"{definition.Url}: {issue.Severity} {issue.Details?.Text ?? issue.Diagnostics}";
                if (issue.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal) throw new InvalidOperationException(line);
                messages.Add(line);
            }
        }
        return messages;
    }
}
