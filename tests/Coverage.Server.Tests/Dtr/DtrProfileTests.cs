using Coverage.Fhir;
using Coverage.Fhir.Dtr;
using Coverage.Server.Tests.Conformance;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;
using Task = System.Threading.Tasks.Task;

namespace Coverage.Server.Tests.Dtr;

/// <summary>
/// The $questionnaire-package answers validate against the DTR 2.0.1 profiles offline (Firely, the package the Inferno DTR
/// kit carries): the output Parameters and the package Bundles, for the 0540 FDA label and for the two criteria
/// policies of the with-related-resources catalogue. The Questionnaire is validated against base R4 (its DTR profile
/// derives from SDC 3.0.0, which no kit carries; Packages/SOURCES.md).
/// </summary>
public sealed class DtrProfileTests(SqliteStorage storage, ITestOutputHelper output) : IClassFixture<SqliteStorage>
{
    private const string Path = "/fhir/Questionnaire/$questionnaire-package";

    public static TheoryData<string?, string, string, string> Orders => new()
    {
        { null, "example-fda-cryo-rider", "0581T", "C50.412" },
        { "with-related-resources", "standard", "C9734", "C79.51" },
        { "with-related-resources", "standard", "61736", "G40.109" },
    };

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task ThePackage_ValidatesAgainstTheDtrProfiles(string? catalogue, string plan, string code, string diagnosis)
    {
        using var app = new CoverageApp(storage, new FakeTimeProvider(CoverageApp.Start), builder =>
        {
            if (catalogue is not null) builder.UseSetting("Catalogue:Path", System.IO.Path.Combine(CoverageApp.RepositoryRoot, "catalogues", catalogue));
        });
        using var client = app.CreateClient();
        var order = Ehr.Order(code, diagnosis: diagnosis);
        if (code.StartsWith('C')) order.Code = new CodeableConcept(FhirSystems.Hcpcs, code);

        var (_, resource) = await Dtr.PostAsync(client, Path, Dtr.PackageRequest(Ehr.Coverage(plan), order));

        var parameters = Assert.IsType<Parameters>(resource);
        var bundle = Assert.Single(Dtr.Bundles(parameters));
        var questionnaire = Dtr.QuestionnaireOf(bundle);
        output.WriteLine($"{questionnaire.Url}: {string.Join(", ", questionnaire.Item.Select(i => $"{i.LinkId} ({i.Type})"))}");
        Assert.NotEmpty(questionnaire.Item);
        AssertValid(parameters, QuestionnairePackage.OutputProfile);
        AssertValid(bundle, QuestionnairePackage.Profile);
        foreach (var entry in bundle.Entry) AssertValid(entry.Resource!, "http://hl7.org/fhir/StructureDefinition/" + entry.Resource!.TypeName);
    }

    private void AssertValid(Resource resource, string profile)
    {
        var issues = IgValidator.Dtr201.Validate(resource, profile);
        foreach (var issue in issues) output.WriteLine($"{profile}: {issue}");
        // Not about our resources: the Questionnaire claims dtr-std-questionnaire, whose SDC base no kit carries.
        Assert.DoesNotContain(issues, i => i.IsError && !Dtr.IsSdcMissing(i));
    }
}
