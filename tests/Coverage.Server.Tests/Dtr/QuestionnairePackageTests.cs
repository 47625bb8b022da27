using System.Net;
using System.Text;
using Coverage.Fhir;
using Coverage.Fhir.Dtr;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Time.Testing;
using Task = System.Threading.Tasks.Task;

namespace Coverage.Server.Tests.Dtr;

/// <summary>
/// DTR $questionnaire-package against the repository's catalogue: the rider plan's cryoablation order gets the
/// questionnaire of the FDA label the rider requires, its questions being exactly the facts of the label's criteria;
/// an order no documentation can change gets none; a canonical resolves to the same questionnaire.
/// </summary>
public sealed class QuestionnairePackageTests : IClassFixture<SqliteStorage>, IDisposable
{
    private readonly SqliteStorage _storage;
    private readonly CoverageApp _app;
    private readonly HttpClient _client;

    public QuestionnairePackageTests(SqliteStorage storage)
    {
        _storage = storage;
        _app = new CoverageApp(storage, new FakeTimeProvider(CoverageApp.Start));
        _client = _app.CreateClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
    }

    private const string Path = "/fhir/Questionnaire/$questionnaire-package";

    private async Task<Parameters> Package(Parameters input)
    {
        var (status, resource) = await Dtr.PostAsync(_client, Path, input);
        Assert.True(status == HttpStatusCode.OK, FhirJson.Serialize(resource));
        return Assert.IsType<Parameters>(resource);
    }

    /// <summary>The expression of the one issue of an error answer, after asserting its status.</summary>
    private static async Task<string> Refused(HttpClient client, Parameters input, HttpStatusCode expected)
    {
        var (status, resource) = await Dtr.PostAsync(client, Path, input);
        Assert.True(status == expected, FhirJson.Serialize(resource));
        return Assert.Single(Assert.IsType<OperationOutcome>(resource).Issue).Expression.Single()!;
    }

    [Fact]
    public async Task AServerToldItsPayer_PackagesForItsOwnCoverage_AndRefusesAnotherPayersAlone()
    {
        using var app = new CoverageApp(_storage, new FakeTimeProvider(CoverageApp.Start), builder =>
            builder.UseSetting("Coverage:Payer:Name", "Example payer"));
        using var client = app.CreateClient();
        var theirs = Ehr.Coverage("example-fda-cryo-rider", id: "cov-other");
        theirs.Payor = [new ResourceReference { Display = "Another insurer" }];
        var order = Ehr.Order("0581T", diagnosis: "C50.412");

        // Another payer's Coverage alone: none of this payer's questionnaires applies to it.
        Assert.Equal("Parameters.parameter[0].resource.payor", await Refused(client, Dtr.PackageRequest(theirs, order), HttpStatusCode.BadRequest));

        // With the member's Coverage with this payer beside it (a secondary payer's first), ours decides: the rider's questionnaire.
        var input = Dtr.PackageRequest(theirs, order);
        input.Parameter.Insert(1, new Parameters.ParameterComponent { Name = "coverage", Resource = Ehr.Coverage("example-fda-cryo-rider") });
        var (status, resource) = await Dtr.PostAsync(client, Path, input);
        Assert.True(status == HttpStatusCode.OK, FhirJson.Serialize(resource));
        Assert.Equal("0540-fda-prosense", Dtr.QuestionnaireOf(Assert.Single(Dtr.Bundles(Assert.IsType<Parameters>(resource)))).Id);
    }

    [Fact]
    public async Task TwoOfThisPayersCoveragesNamingDifferentPlans_AreRefused_NotDecidedByTheFirst()
    {
        var input = Dtr.PackageRequest(Ehr.Coverage("standard"), Ehr.Order("0581T", diagnosis: "C50.412"));
        input.Parameter.Add(new Parameters.ParameterComponent { Name = "coverage", Resource = Ehr.Coverage("example-fda-cryo-rider", id: "cov-2") });

        Assert.Equal("Parameters.parameter", await Refused(_client, input, HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task ACoverageNamingTwoPlans_IsRefusedNamingItsClass_NotDecidedByTheFirst()
    {
        var input = Dtr.PackageRequest(Ehr.TwoPlans(Ehr.Coverage("standard"), "example-fda-cryo-rider"), Ehr.Order("0581T", diagnosis: "C50.412"));

        Assert.Equal("Parameters.parameter[0].resource.class", await Refused(_client, input, HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task AnOrderForAnotherPatientThanTheCoverages_IsRefusedNamingItsSubject()
    {
        var order = Ehr.Order("0581T", diagnosis: "C50.412");
        order.Subject = new ResourceReference("Patient/pat-2");

        Assert.Equal("Parameters.parameter[1].resource.subject",
            await Refused(_client, Dtr.PackageRequest(Ehr.Coverage("example-fda-cryo-rider"), order), HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task RiderPlanCryoablation_GetsTheFdaLabelQuestionnaire_OneItemPerFactOfItsCriteria()
    {
        var output = await Package(Dtr.PackageRequest(Ehr.Coverage("example-fda-cryo-rider"), Ehr.Order("0581T", diagnosis: "C50.412")));

        var bundle = Assert.Single(Dtr.Bundles(output));
        Assert.Equal(Bundle.BundleType.Collection, bundle.Type);
        var questionnaire = Dtr.QuestionnaireOf(bundle);
        Assert.Equal("0540-fda-prosense", questionnaire.Id);
        Assert.StartsWith("sha256:", questionnaire.Version, StringComparison.Ordinal);
        // The ProSense criteria read these facts, in the order the policy lists the criteria; the age is asked as the birth date.
        Assert.Equal(
            ["member.birthDate", "tumorSizeCm", "focality", "erStatus", "prStatus", "her2Status", "ki67Percent", "genomicRisk", "histology",
             "extensiveIntraductalComponent", "lymphovascularInvasion", "nodalStatus", "adjuvantEndocrineTherapy", "recurrent",
             "neoadjuvantTherapyIndicated", "inflammatoryFeatures", "adequateBreastSize", "breastImplants", "implantDistanceDocumented"],
            questionnaire.Item.Select(i => i.LinkId));

        var size = questionnaire.Item.Single(i => i.LinkId == "tumorSizeCm");
        Assert.Equal(Questionnaire.QuestionnaireItemType.Quantity, size.Type);
        Assert.Equal("Tumor size from imaging or pathology", size.Text);
        Assert.Equal("cm", Dtr.Value<Coding>(size, QuestionnaireBuilder.UnitOption).Code);
        Assert.Equal(0m, Dtr.Value<Quantity>(size, QuestionnaireBuilder.MinQuantity).Value);
        Assert.Equal(30m, Dtr.Value<Quantity>(size, QuestionnaireBuilder.MaxQuantity).Value);
        Assert.Contains(size.Code, c => c.System == FhirSystems.Loinc && c.Code == "21889-1");

        var histology = questionnaire.Item.Single(i => i.LinkId == "histology");
        Assert.Equal(Questionnaire.QuestionnaireItemType.Choice, histology.Type);
        var valueSet = bundle.Entry.Select(e => e.Resource).OfType<ValueSet>().Single(v => histology!.AnswerValueSet == $"{v.Url}|{v.Version}");
        Assert.Equal(["idc", "ilc", "dcis", "mixed", "other"], valueSet.Expansion!.Contains.Select(c => c.Code));

        Assert.Equal(Questionnaire.QuestionnaireItemType.Boolean, questionnaire.Item.Single(i => i.LinkId == "recurrent").Type);
        Assert.Equal(Questionnaire.QuestionnaireItemType.Date, questionnaire.Item.Single(i => i.LinkId == "member.birthDate").Type);

        // Pre-population: the birth date and the LOINC-coded tumor size, from the Library the Questionnaire names; the rest is manual.
        var library = Dtr.LibraryOf(bundle)!;
        Assert.Equal(library.Url, Dtr.Value<Canonical>(questionnaire, QuestionnaireBuilder.CqfLibrary).Value);
        Assert.Equal(questionnaire.Version, library.Version);
        Assert.Equal([PrepopulationLibrary.CqlContentType, PrepopulationLibrary.ElmContentType], library.Content.Select(c => c.ContentType));
        var prefilled = questionnaire.Item.Where(i => Dtr.Has(i, QuestionnaireBuilder.InitialExpression)).ToList();
        Assert.Equal(["member.birthDate", "tumorSizeCm"], prefilled.Select(i => i.LinkId));
        var expression = Dtr.Value<Expression>(size, QuestionnaireBuilder.InitialExpression);
        Assert.Equal("text/cql", expression.Language);
        Assert.Equal($"\"{library.Name}\".\"tumorSizeCm\"", expression.Expression_);
        var cql = Encoding.UTF8.GetString(library.Content[0].Data!);
        Assert.Contains("code \"tumorSizeCm 21889-1\": '21889-1' from \"http://loinc.org\"", cql, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StandardPlanCryoablation_NoDocumentationChangesIt_NoPackageAndAnOutcomeSayingWhy()
    {
        var output = await Package(Dtr.PackageRequest(Ehr.Coverage("standard"), Ehr.Order("0581T", diagnosis: "C50.412")));

        Assert.Empty(Dtr.Bundles(output));
        var outcome = (OperationOutcome)output.Parameter.Single(p => p.Name == "Outcome").Resource!;
        Assert.Contains("not-medically-necessary", Assert.Single(outcome.Issue).Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACanonical_ResolvesToTheSameQuestionnaire_WithAndWithoutItsVersion()
    {
        var first = Dtr.QuestionnaireOf(Assert.Single(Dtr.Bundles(await Package(Dtr.PackageRequest(Ehr.Coverage("example-fda-cryo-rider"), Ehr.Order("0581T"))))));

        var byVersion = Dtr.QuestionnaireOf(Assert.Single(Dtr.Bundles(await Package(Dtr.CanonicalRequest(Ehr.Coverage("example-fda-cryo-rider"), $"{first.Url}|{first.Version}")))));
        var current = Dtr.QuestionnaireOf(Assert.Single(Dtr.Bundles(await Package(Dtr.CanonicalRequest(Ehr.Coverage("example-fda-cryo-rider"), first.Url!)))));

        Assert.Equal(FhirJson.Serialize(first), FhirJson.Serialize(byVersion));
        Assert.Equal(FhirJson.Serialize(first), FhirJson.Serialize(current));
    }

    [Theory]
    [InlineData("sha256:0000000000000000000000000000000000000000000000000000000000000000", "no longer holds")]
    [InlineData(null, "no questionnaire 'no-such-questionnaire'")]
    public async Task AnUnknownVersionOrQuestionnaire_Is404NamingTheParameter(string? version, string says)
    {
        var id = version is null ? "no-such-questionnaire" : "0540-fda-prosense";
        var canonical = $"http://localhost/fhir/Questionnaire/{id}" + (version is null ? "" : "|" + version);

        var (status, resource) = await Dtr.PostAsync(_client, Path, Dtr.CanonicalRequest(Ehr.Coverage("example-fda-cryo-rider"), canonical!));

        Assert.Equal(HttpStatusCode.NotFound, status);
        var issue = Assert.Single(Assert.IsType<OperationOutcome>(resource).Issue);
        Assert.Contains(says, issue.Diagnostics, StringComparison.Ordinal);
        Assert.Equal("Parameters.parameter[1].valueCanonical", Assert.Single(issue.Expression));
    }

    [Fact]
    public async Task NoCoverage_Is400NamingTheParameters()
    {
        var input = new Parameters();
        input.Parameter.Add(new Parameters.ParameterComponent { Name = "order", Resource = Ehr.Order("0581T") });

        var (status, resource) = await Dtr.PostAsync(_client, Path, input);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("'coverage'", Assert.Single(Assert.IsType<OperationOutcome>(resource).Issue).Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnInputTheOperationDoesNotHave_Is400NamingIt_AndChangedSinceTwiceToo()
    {
        // A misspelt 'orders' was passed over: the call was answered as if only the Coverage had been sent.
        var misspelt = Dtr.CanonicalRequest(Ehr.Coverage("example-fda-cryo-rider"), "http://localhost/fhir/Questionnaire/0540-fda-prosense");
        misspelt.Parameter.Add(new Parameters.ParameterComponent { Name = "orders", Resource = Ehr.Order("0581T") });

        var (status, resource) = await Dtr.PostAsync(_client, Path, misspelt);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var issue = Assert.Single(Assert.IsType<OperationOutcome>(resource).Issue);
        Assert.Contains("'orders' is not an input", issue.Diagnostics, StringComparison.Ordinal);
        Assert.Equal("Parameters.parameter[2].name", Assert.Single(issue.Expression));

        var twice = Dtr.CanonicalRequest(Ehr.Coverage("example-fda-cryo-rider"), "http://localhost/fhir/Questionnaire/0540-fda-prosense");
        twice.Parameter.Add(new Parameters.ParameterComponent { Name = "changedsince", Value = new FhirDateTime("2026-01-01") });
        twice.Parameter.Add(new Parameters.ParameterComponent { Name = "changedsince", Value = new FhirDateTime("2026-02-01") });
        (status, resource) = await Dtr.PostAsync(_client, Path, twice);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("'changedsince' is given more than once", Assert.Single(Assert.IsType<OperationOutcome>(resource).Issue).Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheCapabilityStatement_DeclaresDtr201AndItsOperations()
    {
        var text = await _client.GetStringAsync(new Uri("/fhir/metadata", UriKind.Relative));
        var capabilities = FhirJson.Parse<CapabilityStatement>(text, out _)!;

        Assert.Contains("http://hl7.org/fhir/us/davinci-dtr/ImplementationGuide/hl7.fhir.us.davinci-dtr|2.0.1", capabilities.ImplementationGuide);
        var questionnaire = capabilities.Rest[0].Resource.Single(r => r.Type == "Questionnaire");
        Assert.Equal(["questionnaire-package", "next-question"], questionnaire.Operation.Select(o => o.Name));
        // The resources a package holds are also read by id and searched by canonical (DtrResourceReadTests).
        foreach (var type in new[] { "Questionnaire", "Library", "ValueSet" })
        {
            var resource = capabilities.Rest[0].Resource.Single(r => r.Type == type);
            Assert.Equal([CapabilityStatement.TypeRestfulInteraction.Read, CapabilityStatement.TypeRestfulInteraction.SearchType], resource.Interaction.Select(i => i.Code!.Value));
            Assert.Equal(["url", "version"], resource.SearchParam.Select(p => p.Name));
        }
    }

    [Fact]
    public async Task NotParameters_Is400()
    {
        var (status, resource) = await Dtr.PostAsync(_client, Path, Ehr.Coverage());

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Expected a Parameters", Assert.Single(Assert.IsType<OperationOutcome>(resource).Issue).Diagnostics, StringComparison.Ordinal);
    }
}
