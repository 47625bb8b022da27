using System.Formats.Tar;
using System.IO.Compression;
using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;

namespace Coverage.Server.Tests.Conformance;

/// <summary>One validation message: its severity, the element it is about and what it says.</summary>
public sealed record IgIssue(OperationOutcome.IssueSeverity Severity, string Location, string Message)
{
    public bool IsError => Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal;

    public override string ToString() => $"{Severity} {Location}: {Message}";
}

/// <summary>
/// Validates resources against the profiles of a Da Vinci implementation guide, offline: the IG's npm package
/// (the <c>.tgz</c> the Inferno test kits test with, kept in <c>Conformance/Packages</c>) and its dependencies are read
/// straight from the tarballs — every StructureDefinition, ValueSet and CodeSystem in the package's <c>package/</c>
/// folder, examples excluded — into an <see cref="InMemoryResourceResolver"/>, in front of the base R4
/// specification (<c>ZipSource.CreateValidationSource()</c>, from Hl7.Fhir.Specification.Data.R4).
/// Terminology is what those packages and the base specification carry (<see cref="LocalTerminologyService"/>):
/// codes of external systems (CPT, ICD-10-CM, X12, VSAC value sets) cannot be checked and the validator says so as
/// warnings, not errors.
/// Loading a guide takes seconds; use the shared instances (<see cref="Crd201"/>, <see cref="Pas201"/>).
/// Validation is serialised: one validator is not used by two threads at once.
/// Known limit (Firely.Fhir.Validation 3.6.0): PAS's Claim profiles (profile-claim, profile-claim-inquiry,
/// profile-claim-update) cannot be compiled — their <c>Claim.careTeam:OverallClaimMember</c> slice has a discriminator
/// the validator does not support — so request Bundles validate everything but the Claim; the ClaimResponse profiles
/// and the response Bundles validate fully. What each guide is loaded with, and what it is not (CRD 2.2.1, HRex, the
/// terminology and extensions packs: no kit carries them), is in Packages/SOURCES.md.
/// </summary>
public sealed class IgValidator
{
    public const string UsCore311 = "hl7.fhir.us.core-3.1.1.tgz";
    public const string Crd201Package = "hl7.fhir.us.davinci-crd-2.0.1.tgz";
    public const string Pas201Package = "hl7.fhir.us.davinci-pas-2.0.1.tgz";
    public const string UsCore700 = "hl7.fhir.us.core-7.0.0.tgz";
    public const string Pas221Package = "hl7.fhir.us.davinci-pas-2.2.1.tgz";
    public const string Dtr201Package = "hl7.fhir.us.davinci-dtr-2.0.1.tgz";

    /// <summary>SDC 3.0.0 rebuilt from the guide's source, not the published package (tools/Coverage.SdcPackage).</summary>
    public const string Sdc300Package = "hl7.fhir.uv.sdc-3.0.0.tgz";

    /// <summary>
    /// The Subscriptions R5 Backport 1.1.0 for R4 (which PAS 2.2.1 depends on) rebuilt from the guide's source, not the
    /// published package (tools/Coverage.SdcPackage/rebuild-backport.sh).
    /// </summary>
    public const string SubscriptionsBackport110Package = "hl7.fhir.uv.subscriptions-backport.r4-1.1.0.tgz";

    private static readonly Lazy<IgValidator> SharedDtr201 = new(() => new IgValidator(UsCore311, Crd201Package, Sdc300Package, Dtr201Package));

    /// <summary>
    /// Da Vinci DTR 2.0.1 with what its profiles derive from: CRD 2.0.1, US Core 3.1.1 and SDC 3.0.0 (rebuilt from the
    /// SDC guide's source, Packages/SOURCES.md), so that the Questionnaire and QuestionnaireResponse profiles compile.
    /// </summary>
    public static IgValidator Dtr201 => SharedDtr201.Value;

    private static readonly Lazy<IgValidator> SharedCrd201 = new(() => new IgValidator(UsCore311, Crd201Package));
    private static readonly Lazy<IgValidator> SharedPas201 = new(() => new IgValidator(UsCore311, Pas201Package));

    /// <summary>Da Vinci CRD 2.0.1 (with US Core 3.1.1).</summary>
    public static IgValidator Crd201 => SharedCrd201.Value;

    /// <summary>Da Vinci PAS 2.0.1 (with US Core 3.1.1).</summary>
    public static IgValidator Pas201 => SharedPas201.Value;

    private static readonly Lazy<IgValidator> SharedPas221 = new(() => new IgValidator([UsCore311, UsCore700, SubscriptionsBackport110Package, Pas221Package], [DataAbsentReasonStandIn()]));

    /// <summary>
    /// Da Vinci PAS 2.2.1 (with US Core 3.1.1 and 7.0.0, the Subscriptions R5 Backport 1.1.0 its subscription profile and
    /// notifications build on, and the one extension of the R4 extensions pack its response profiles pin:
    /// <see cref="DataAbsentReasonStandIn"/>). CRD 2.2.1, HRex, CDex and SDC are not loaded (no kit carries them); the
    /// response profiles do not need them (Packages/SOURCES.md).
    /// </summary>
    public static IgValidator Pas221 => SharedPas221.Value;

    /// <summary>
    /// PAS 2.2.1's ClaimResponse profiles pin <c>data-absent-reason|5.3.0-ballot-tc1</c> (the R4 extensions pack 5.x),
    /// which no kit carries. That extension is the R4 core one republished (same url, a <c>valueCode</c> from the same
    /// required value set), so the R4 core definition stands in under the version the profile names.
    /// </summary>
    public static StructureDefinition DataAbsentReasonStandIn()
    {
        var core = (StructureDefinition)ZipSource.CreateValidationSource().ResolveByCanonicalUri("http://hl7.org/fhir/StructureDefinition/data-absent-reason")!;
        var standIn = (StructureDefinition)core.DeepCopy();
        standIn.Version = "5.3.0-ballot-tc1";
        return standIn;
    }

    private static readonly string[] ConformanceKinds = ["StructureDefinition-", "ValueSet-", "CodeSystem-"];

    private readonly Validator _validator;
    private readonly Lock _gate = new();

    /// <summary>The conformance resources loaded from the packages (StructureDefinitions, ValueSets, CodeSystems).</summary>
    public IReadOnlyList<Resource> Loaded { get; }

    /// <param name="packages">File names in <c>Conformance/Packages</c>; a later package's resource wins over an earlier one's of the same canonical.</param>
    public IgValidator(params string[] packages) : this(packages, []) { }

    /// <param name="packages">File names in <c>Conformance/Packages</c>; a later package's resource wins over an earlier one's of the same canonical.</param>
    /// <param name="standIns">Conformance resources added after the packages (see <see cref="DataAbsentReasonStandIn"/>).</param>
    public IgValidator(IEnumerable<string> packages, IEnumerable<Resource> standIns)
    {
        Loaded = packages.SelectMany(p => ReadPackage(Path.Combine(PackagesFolder, p))).Concat(standIns).ToList();
        var guide = new InMemoryResourceResolver(Loaded);
        var resolver = new CachedResolver(new SnapshotSource(new MultiResolver(guide, ZipSource.CreateValidationSource())));
        _validator = new Validator(resolver, new LocalTerminologyService(resolver));
    }

    public static string PackagesFolder => Path.Combine(Coverage.Testing.RepositoryRoot.Path, "tests", "Coverage.Server.Tests", "Conformance", "Packages");

    public static string FixturesFolder => Path.Combine(Coverage.Testing.RepositoryRoot.Path, "tests", "Coverage.Server.Tests", "Conformance", "Fixtures");

    /// <summary>Whether the packages define this canonical (a StructureDefinition's url).</summary>
    public bool Defines(string canonical) =>
        Loaded.OfType<StructureDefinition>().Any(s => s.Url == canonical);

    /// <summary>Every message the validator gives for <paramref name="resource"/> against <paramref name="profile"/> (a canonical URL).</summary>
    public IReadOnlyList<IgIssue> Validate(Resource resource, string profile)
    {
        OperationOutcome outcome;
        lock (_gate) outcome = _validator.Validate(resource, profile);
        return outcome.Issue
            .Select(i => new IgIssue(i.Severity ?? OperationOutcome.IssueSeverity.Information,
                string.Join(", ", i.Expression ?? []), i.Details?.Text ?? i.Diagnostics ?? ""))
            .ToList();
    }

    /// <summary>
    /// Whether the message is Firely's <c>bdl-3b</c>: R5's rule that a history Bundle's GET entry carries no resource.
    /// R4's Bundle has no such rule (bdl-3 asks only for <c>request</c> in a history), the backport's and PAS's own
    /// notification examples carry the SubscriptionStatus in a GET entry as R4 allows, and the validator applies the R5
    /// rule to R4 all the same (<c>IgValidatorTests.Backport110_TheGuidesOwnNotification_FailsOnlyTheR5HistoryRule</c>).
    /// </summary>
    public static bool IsR5HistoryEntryRule(IgIssue issue) => issue.Message.Contains("constraint bdl-3b ", StringComparison.Ordinal);

    /// <summary>Only the errors (and fatal issues).</summary>
    public IReadOnlyList<IgIssue> Errors(Resource resource, string profile) =>
        Validate(resource, profile).Where(i => i.IsError).ToList();

    /// <summary>Reads the conformance resources of an npm FHIR package (a gzipped tar) without unpacking it to disk.</summary>
    public static IEnumerable<Resource> ReadPackage(string tgz)
    {
        var deserializer = new FhirJsonDeserializer(new DeserializerSettings());
        using var file = File.OpenRead(tgz);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        var resources = new List<Resource>();
        while (tar.GetNextEntry() is { } entry)
        {
            // package/StructureDefinition-x.json — not package/example/…, package/other/…, nor package.json/.index.json.
            var name = entry.Name.Replace('\\', '/');
            if (entry.DataStream is null || !name.StartsWith("package/", StringComparison.Ordinal)) continue;
            var file1 = name["package/".Length..];
            if (file1.Contains('/', StringComparison.Ordinal) || !file1.EndsWith(".json", StringComparison.Ordinal)) continue;
            if (!ConformanceKinds.Any(k => file1.StartsWith(k, StringComparison.Ordinal))) continue;
            using var reader = new StreamReader(entry.DataStream);
            resources.Add(ParseLenient(deserializer, reader.ReadToEnd()));
        }
        return resources;
    }

    /// <summary>Parses a resource; what the SDK cannot read strictly (a published package's odd element) is parsed as far as it can.</summary>
    public static Resource Parse(string json) => ParseLenient(new FhirJsonDeserializer(new DeserializerSettings()), json);

    private static Resource ParseLenient(FhirJsonDeserializer deserializer, string json)
    {
        try
        {
            return deserializer.DeserializeResource(json);
        }
        catch (DeserializationFailedException e) when (e.PartialResult is Resource partial)
        {
            return partial;
        }
    }
}
