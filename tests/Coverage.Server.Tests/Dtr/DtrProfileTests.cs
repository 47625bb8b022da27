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
/// kit carries, with SDC 3.0.0 rebuilt from the SDC guide's source: Packages/SOURCES.md): the output Parameters, the
/// package Bundles, the Questionnaire against dtr-std-questionnaire and the Library against SDC's sdc-library, for the
/// 0540 FDA label and for the two criteria policies of the with-related-resources catalogue. No error is allowed.
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
        AssertValid(questionnaire, Dtr.StandardQuestionnaireProfile);
        foreach (var library in bundle.Entry.Select(e => e.Resource).OfType<Hl7.Fhir.Model.Library>()) AssertValid(library, Dtr.SdcLibraryProfile);
        foreach (var entry in bundle.Entry) AssertValid(entry.Resource!, "http://hl7.org/fhir/StructureDefinition/" + entry.Resource!.TypeName);
    }

    private void AssertValid(Resource resource, string profile)
    {
        var issues = IgValidator.Dtr201.Validate(resource, profile);
        foreach (var issue in issues) output.WriteLine($"{profile}: {issue}");
        Assert.DoesNotContain(issues, i => i.IsError);
    }

    /// <summary>
    /// The SDC-based profiles compile and check what they add, so a package that stopped loading would be noticed: a
    /// DTR adaptive Questionnaire may not carry enableWhen (dtr-questionnaire-adapt), and an adaptive
    /// QuestionnaireResponse needs its contained Questionnaire and the time it was authored (sdc-questionnaireresponse-adapt).
    /// </summary>
    [Fact]
    public void TheSdcBasedProfiles_Compile_AndRefuseWhatTheyForbid()
    {
        Assert.True(IgValidator.Dtr201.Defines("http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire"));
        var adaptive = new Questionnaire
        {
            Id = "adaptive",
            Title = "Q",
            Status = PublicationStatus.Active,
            DerivedFrom = ["http://localhost/fhir/Questionnaire/q"],
            Text = new Narrative { Status = Narrative.NarrativeStatus.Generated, Div = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Q</p></div>" },
            Item =
            [
                new Questionnaire.ItemComponent { LinkId = "a", Text = "A?", Type = Questionnaire.QuestionnaireItemType.Boolean },
                new Questionnaire.ItemComponent
                {
                    LinkId = "b", Text = "B?", Type = Questionnaire.QuestionnaireItemType.Boolean,
                    EnableWhen = [new Questionnaire.EnableWhenComponent { Question = "a", Operator = Questionnaire.QuestionnaireItemOperator.Equal, Answer = new FhirBoolean(true) }],
                },
            ],
        };
        adaptive.Extension.Add(new Extension(NextQuestion.QuestionnaireAdaptive, new FhirBoolean(true)));

        var refused = Assert.Single(IgValidator.Dtr201.Errors(adaptive, Dtr.AdaptiveQuestionnaireProfile));
        Assert.Contains("'enableWhen'", refused.Message, StringComparison.Ordinal);
        var bare = new QuestionnaireResponse { Questionnaire = "#adaptive", Status = QuestionnaireResponse.QuestionnaireResponseStatus.InProgress };
        var errors = IgValidator.Dtr201.Errors(bare, Dtr.AdaptiveQuestionnaireResponseProfile);
        Assert.Contains(errors, i => i.Message.Contains("'contained'", StringComparison.Ordinal));
        Assert.Contains(errors, i => i.Message.Contains("'authored'", StringComparison.Ordinal));
    }
}
