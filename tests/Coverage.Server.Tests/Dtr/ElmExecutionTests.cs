using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Coverage.Fhir;
using Coverage.Fhir.Dtr;
using Coverage.Testing;
using Hl7.Fhir.Model;
using Xunit.Abstractions;
using Task = System.Threading.Tasks.Task;

namespace Coverage.Server.Tests.Dtr;

/// <summary>
/// Every generated pre-population Library's ELM, executed by the reference JavaScript CQL engine (cql-execution 3.3.2
/// with cql-exec-fhir 2.2.0: tools/dtr-elm-check) against a patient record, for the 0540 FDA label and the two criteria
/// policies of the with-related-resources catalogue. The record is made from the Questionnaire itself — for each item
/// with an initialExpression, Observations coded as the item is: an older final one, the latest final (amended) one,
/// a later preliminary one, and a later one of another code — so the test holds for any catalogue: each definition
/// must give the latest final value, and BirthDate the Patient's birth date.
/// </summary>
[Trait(Lane.Trait, Lane.Integration)]
public sealed partial class ElmExecutionTests(SqliteStorage storage, ITestOutputHelper output) : IClassFixture<SqliteStorage>
{
    private const string BirthDate = "1950-03-01";

    public static TheoryData<string?, string, string, string> Orders => new()
    {
        { null, "example-fda-cryo-rider", "0581T", "C50.412" },
        { "with-related-resources", "standard", "C9734", "C79.51" },
        { "with-related-resources", "standard", "61736", "G40.109" },
    };

    [GeneratedRegex("""^"(?<library>[^"]+)"\."(?<definition>[^"]+)"$""")]
    private static partial Regex LibraryReference();

    [NodeTheory]
    [MemberData(nameof(Orders))]
    public async Task EveryDefinition_GivesTheRecordsLatestFinalValue(string? catalogue, string plan, string code, string diagnosis)
    {
        var bundle = await Dtr.PackageAsync(storage, catalogue, plan, code, diagnosis);
        var questionnaire = Dtr.QuestionnaireOf(bundle);
        var library = Dtr.LibraryOf(bundle);
        var prepopulated = questionnaire.Item.Where(i => Dtr.Has(i, QuestionnaireBuilder.InitialExpression)).ToList();
        if (library is null)
        {
            // Nothing to pre-populate: no item may then point into a Library.
            Assert.Empty(prepopulated);
            Assert.False(Dtr.Has(questionnaire, QuestionnaireBuilder.CqfLibrary));
            return;
        }
        Assert.NotEmpty(prepopulated);

        var record = new Bundle { Type = Bundle.BundleType.Collection };
        record.Entry.Add(new Bundle.EntryComponent { Resource = new Patient { Id = "p1", BirthDate = BirthDate } });
        var expected = new Dictionary<string, object>(StringComparer.Ordinal);
        var n = 0;
        foreach (var item in prepopulated)
        {
            var expression = Dtr.Value<Expression>(item, QuestionnaireBuilder.InitialExpression);
            Assert.Equal("text/cql", expression.Language);
            var reference = LibraryReference().Match(expression.Expression_ ?? "");
            Assert.True(reference.Success, $"{item.LinkId}: {expression.Expression_}");
            Assert.Equal(library.Name, reference.Groups["library"].Value);
            var definition = reference.Groups["definition"].Value;
            if (item.Type == Questionnaire.QuestionnaireItemType.Date)
            {
                expected[definition] = BirthDate;
                continue;
            }
            // The diagnoses are filled from Conditions, not Observations: TheDiagnoses_AreTheActiveConfirmedConditionsInTheCriterionsSet.
            if (item.LinkId == Coverage.Engine.Catalogue.DiagnosisIn.FactName) continue;
            var coding = item.Code.First(c => c.System != FhirSystems.ClinicalFact);
            var unit = item.Extension.FirstOrDefault(e => e.Url == QuestionnaireBuilder.UnitOption)?.Value as Coding;
            Quantity Value(decimal value) => unit is null ? new Quantity { Value = value } : new Quantity(value, unit.Code, unit.System) { Unit = unit.Code };
            Observation Made(string status, string issued, Coding code1, decimal value) => new()
            {
                Id = $"o{++n}",
                Status = Enum.Parse<ObservationStatus>(status, ignoreCase: true),
                Issued = DateTimeOffset.Parse(issued, System.Globalization.CultureInfo.InvariantCulture),
                Subject = new ResourceReference("Patient/p1"),
                Code = new CodeableConcept { Coding = [new Coding(code1.System, code1.Code)] },
                Value = Value(value),
            };
            record.Entry.Add(new Bundle.EntryComponent { Resource = Made("final", "2026-01-01T00:00:00Z", coding, 1.4m) });
            record.Entry.Add(new Bundle.EntryComponent { Resource = Made("amended", "2026-03-01T00:00:00Z", coding, 1.2m) });
            record.Entry.Add(new Bundle.EntryComponent { Resource = Made("preliminary", "2026-05-01T00:00:00Z", coding, 9m) });
            record.Entry.Add(new Bundle.EntryComponent { Resource = Made("final", "2026-06-01T00:00:00Z", new Coding("http://loinc.org", "8302-2"), 170m) });
            expected[definition] = (1.2m, unit?.Code);
        }

        var results = await ElmCheck.RunAsync(library, record, output);

        foreach (var (definition, value) in expected)
        {
            Assert.True(results.TryGetProperty(definition, out var result), $"{library.Name} has no result '{definition}': {results}");
            if (value is string date) Assert.Equal(date, result.GetString());
            else
            {
                var (number, unit) = ((decimal, string?))value;
                Assert.Equal(number, result.GetProperty("value").GetDecimal());
                if (unit is not null) Assert.Equal(unit, result.GetProperty("unit").GetString());
            }
        }
    }

    /// <summary>
    /// The diagnoses definition of the test catalogue whose criterion reads the diagnoses (C79.51 or C40.*), run on a
    /// record of Conditions of every kind that must be told apart: it gives exactly the ICD-10-CM codings of the active
    /// (active, recurrence, relapse) Conditions not doubted (confirmed, or no verification status) in the set — an exact
    /// code, codes under the category, a code written without its dot — and none that is resolved, refuted, entered in
    /// error, provisional, differential, without a clinical status, of another ICD-10-CM code, or of another code system.
    /// </summary>
    [NodeFact]
    public async Task TheDiagnoses_AreTheActiveConfirmedConditionsInTheCriterionsSet()
    {
        var bundle = await Dtr.PackageAsync(storage, DiagnosisPrepopulationTests.Catalogue, "standard", "20982", diagnosis: null);
        var library = Dtr.LibraryOf(bundle)!;
        var record = new Bundle { Type = Bundle.BundleType.Collection };
        record.Entry.Add(new Bundle.EntryComponent { Resource = new Patient { Id = "p1", BirthDate = BirthDate } });
        var n = 0;
        void Add(string? clinical, string? verification, params Coding[] codes) => record.Entry.Add(new Bundle.EntryComponent
        {
            Resource = new Condition
            {
                Id = $"c{++n}",
                Subject = new ResourceReference("Patient/p1"),
                ClinicalStatus = clinical is null ? null : new CodeableConcept(ConditionDiagnoses.ClinicalStatusSystem, clinical),
                VerificationStatus = verification is null ? null : new CodeableConcept(ConditionDiagnoses.VerificationStatusSystem, verification),
                Code = new CodeableConcept { Coding = [.. codes] },
            },
        });
        static Coding Icd(string code) => new(FhirSystems.Icd10Cm, code);

        Add("active", "confirmed", Icd("C79.51"));                                            // the exact code
        Add("active", null, Icd("C40.21"));                                                   // under C40, no verification status
        Add("relapse", "confirmed", Icd("C4092"));                                            // under C40, written without the dot
        Add("recurrence", "confirmed", new Coding("http://snomed.info/sct", "94222008"), Icd("C40.82")); // only the ICD-10-CM coding
        Add("resolved", "confirmed", Icd("C79.51"));
        Add("inactive", "confirmed", Icd("C40.00"));
        Add("active", "refuted", Icd("C40.11"));
        Add("active", "entered-in-error", Icd("C40.12"));
        Add("active", "provisional", Icd("C40.01"));
        Add("active", "differential", Icd("C40.02"));
        Add("active", "unconfirmed", Icd("C40.10"));
        Add(null, "confirmed", Icd("C40.31"));                                                // no clinical status: not known to be active
        Add("active", "confirmed", Icd("C41.9"));                                             // the policy's condition, not the criterion's set
        Add("active", "confirmed", new Coding("http://hl7.org/fhir/sid/icd-10", "C79.5"));     // ICD-10 (WHO), not ICD-10-CM

        var results = await ElmCheck.RunAsync(library, record, output);

        var codings = results.GetProperty(ConditionDiagnoses.Definition).EnumerateArray()
            .Select(c => $"{c.GetProperty("system").GetString()}|{c.GetProperty("code").GetString()}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal([$"{FhirSystems.Icd10Cm}|C40.21", $"{FhirSystems.Icd10Cm}|C40.82", $"{FhirSystems.Icd10Cm}|C4092", $"{FhirSystems.Icd10Cm}|C79.51"], codings);
    }

}

/// <summary>
/// tools/dtr-elm-check: <c>npm ci</c> once when its packages are not installed (test.sh does it), then
/// <c>node check.js library.json record.json</c>, whose standard output is every definition's result as JSON.
/// </summary>
internal static class ElmCheck
{
    private static readonly SemaphoreSlim Once = new(1, 1);
    private static bool _installed;

    public static string Folder => Path.Combine(CoverageApp.RepositoryRoot, "tools", "dtr-elm-check");

    public static async Task<JsonElement> RunAsync(Hl7.Fhir.Model.Library library, Bundle record, ITestOutputHelper output)
    {
        await Once.WaitAsync();
        try
        {
            if (!_installed && !Directory.Exists(Path.Combine(Folder, "node_modules"))) await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], output);
            _installed = true;
        }
        finally
        {
            Once.Release();
        }
        var folder = Directory.CreateTempSubdirectory("dtr-elm-");
        try
        {
            var libraryFile = Path.Combine(folder.FullName, "library.json");
            var recordFile = Path.Combine(folder.FullName, "record.json");
            await File.WriteAllTextAsync(libraryFile, FhirJson.Serialize(library));
            await File.WriteAllTextAsync(recordFile, FhirJson.Serialize(record));
            var stdout = await RunAsync("node", ["check.js", libraryFile, recordFile, "p1"], output);
            return JsonDocument.Parse(stdout).RootElement.Clone();
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static async Task<string> RunAsync(string program, string[] arguments, ITestOutputHelper output)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(timeout.Token);
        output.WriteLine($"{program} {string.Join(' ', arguments)}: exit {process.ExitCode}{Environment.NewLine}{await stdout}{await stderr}");
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)} failed in {Folder}: {await stderr}");
        return await stdout;
    }
}
