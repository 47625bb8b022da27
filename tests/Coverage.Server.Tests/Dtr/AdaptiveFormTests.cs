using System.Net;
using Coverage.Fhir;
using Coverage.Fhir.Dtr;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Time.Testing;
using Task = System.Threading.Tasks.Task;

namespace Coverage.Server.Tests.Dtr;

/// <summary>
/// The adaptive flow as the DTR kit's payer-server suite runs it: <c>$questionnaire-package</c> returns the adaptive form
/// (dtr-questionnaire-adapt-search: no items, questionnaireAdaptive, the Library of the standard form), and the client
/// then calls <c>$next-question</c> with a response whose contained Questionnaire derives from it. The adaptive form has
/// its own canonical (the standard one's id and "-adaptive"), served whatever the payer's setting; a payer that uses
/// adaptive forms (Coverage:AdaptiveForms) gives it for an order and names it in CRD.
/// </summary>
public sealed class AdaptiveFormTests : IClassFixture<SqliteStorage>
{
    private const string Standard = "http://localhost/fhir/Questionnaire/0540-fda-prosense";
    private const string Adaptive = "http://localhost/fhir/Questionnaire/0540-fda-prosense-adaptive";
    private readonly SqliteStorage _storage;

    public AdaptiveFormTests(SqliteStorage storage) => _storage = storage;

    private CoverageApp App(bool adaptiveForms = false) => new(_storage, new FakeTimeProvider(CoverageApp.Start), builder =>
    {
        if (adaptiveForms) builder.UseSetting("Coverage:AdaptiveForms", "true");
    });

    private static async Task<Parameters> Package(HttpClient client, Parameters input)
    {
        var (status, resource) = await Dtr.PostAsync(client, "/fhir/Questionnaire/$questionnaire-package", input);
        Assert.True(status == HttpStatusCode.OK, FhirJson.Serialize(resource));
        return Assert.IsType<Parameters>(resource);
    }

    [Fact]
    public async Task TheAdaptiveCanonical_GetsTheAdaptiveSearchForm_WithTheStandardFormsLibrary_ValidAgainstTheDtrProfiles()
    {
        using var app = App();
        using var client = app.CreateClient();

        var output = await Package(client, Dtr.CanonicalRequest(Ehr.Coverage("example-fda-cryo-rider"), Adaptive));
        var standard = Dtr.QuestionnaireOf(Assert.Single(Dtr.Bundles(await Package(client, Dtr.CanonicalRequest(Ehr.Coverage("example-fda-cryo-rider"), Standard)))));

        var bundle = Assert.Single(Dtr.Bundles(output));
        var adaptive = Dtr.QuestionnaireOf(bundle);
        Assert.Equal(Adaptive, adaptive.Url);
        Assert.Equal(standard.Version, adaptive.Version);
        Assert.Empty(adaptive.Item);
        Assert.True(Dtr.Value<FhirBoolean>(adaptive, NextQuestion.QuestionnaireAdaptive).Value);
        var library = Dtr.LibraryOf(bundle)!;
        Assert.Equal(library.Url, Dtr.Value<Canonical>(adaptive, QuestionnaireBuilder.CqfLibrary).Value);
        Assert.Equal(Dtr.Value<Canonical>(standard, QuestionnaireBuilder.CqfLibrary).Value, library.Url);
        Assert.True(Dtr.Has(adaptive, QuestionnaireBuilder.LaunchContext));
        Dtr.AssertValid(output, QuestionnairePackage.OutputProfile);
        Dtr.AssertValid(bundle, QuestionnairePackage.Profile);
        Dtr.AssertValid(adaptive, AdaptiveQuestionnaire.SearchProfile);
    }

    [Fact]
    public async Task TheAdaptiveFlow_StartsFromThePackage_AndEachQuestionComesWithItsPrePopulation()
    {
        using var app = App();
        using var client = app.CreateClient();
        var bundle = Assert.Single(Dtr.Bundles(await Package(client, Dtr.CanonicalRequest(Ehr.Coverage("example-fda-cryo-rider"), Adaptive))));
        var form = Dtr.QuestionnaireOf(bundle);
        var library = Dtr.LibraryOf(bundle)!;

        // The client's first $next-question: the package's adaptive form, contained, with no question yet.
        var contained = (Questionnaire)form.DeepCopy();
        contained.Id = "adaptive";
        contained.Url = null;
        contained.Meta = new Meta { Profile = [Dtr.AdaptiveQuestionnaireProfile] };
        contained.DerivedFrom = [$"{form.Url}|{form.Version}"];
        var start = new QuestionnaireResponse
        {
            Contained = [contained],
            Questionnaire = "#adaptive",
            Status = QuestionnaireResponse.QuestionnaireResponseStatus.InProgress,
            Subject = new ResourceReference("Patient/pat-1"),
            Authored = "2026-03-02T10:00:00Z",
        };
        Dtr.AssertValid(start, Dtr.AdaptiveQuestionnaireResponseProfile);
        var (status, resource) = await Dtr.PostAsync(client, "/fhir/Questionnaire/$next-question", start);

        Assert.Equal(HttpStatusCode.OK, status);
        var response = Assert.IsType<QuestionnaireResponse>(resource);
        Dtr.AssertValid(response, Dtr.AdaptiveQuestionnaireResponseProfile);
        var asked = response.Contained.OfType<Questionnaire>().Single();
        Dtr.AssertValid(asked, Dtr.AdaptiveQuestionnaireProfile);
        // The first question is the standard form's first, pre-populated from the package's Library, which the form names.
        var item = Assert.Single(asked.Item);
        Assert.Equal(FactsAskedBirthDate, item.LinkId);
        Assert.Equal($"\"{library.Name}\".\"BirthDate\"", Dtr.Value<Expression>(item, QuestionnaireBuilder.InitialExpression).Expression_);
        Assert.Equal(library.Url, Dtr.Value<Canonical>(asked, QuestionnaireBuilder.CqfLibrary).Value);

        // As Parameters, 'in' once and nothing else (SDC: in 1..1): a second 'in' or another input was passed over.
        foreach (var extra in new[] { "in", "out" })
        {
            var wrapped = new Parameters();
            wrapped.Parameter.Add(new Parameters.ParameterComponent { Name = "in", Resource = start });
            wrapped.Parameter.Add(new Parameters.ParameterComponent { Name = extra, Resource = start });
            var (refused, outcome) = await Dtr.PostAsync(client, "/fhir/Questionnaire/$next-question", wrapped);
            Assert.Equal(HttpStatusCode.BadRequest, refused);
            Assert.Equal("Parameters.parameter", Assert.Single(Assert.Single(Assert.IsType<OperationOutcome>(outcome).Issue).Expression));
        }
    }

    private const string FactsAskedBirthDate = "member.birthDate";

    [Fact]
    public async Task TheAdaptiveForm_IsReadAndSearchedByItsCanonical_AndItsIdNamesNoLibrary()
    {
        using var app = App();
        using var client = app.CreateClient();

        using var read = await client.GetAsync(new Uri("/fhir/Questionnaire/0540-fda-prosense-adaptive", UriKind.Relative));
        using var library = await client.GetAsync(new Uri("/fhir/Library/0540-fda-prosense-adaptive", UriKind.Relative));
        using var search = await client.GetAsync(new Uri($"/fhir/Questionnaire?url={Uri.EscapeDataString(Adaptive)}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var questionnaire = FhirJson.Parse<Questionnaire>(await read.Content.ReadAsStringAsync(), out _)!;
        Assert.Equal(Adaptive, questionnaire.Url);
        Assert.Empty(questionnaire.Item);
        Assert.Equal(HttpStatusCode.NotFound, library.StatusCode);
        var found = FhirJson.Parse<Bundle>(await search.Content.ReadAsStringAsync(), out _)!;
        Assert.Equal(Adaptive, ((Questionnaire)Assert.Single(found.Entry).Resource!).Url);
    }

    [Fact]
    public async Task APayerUsingAdaptiveForms_GivesTheAdaptiveFormForAnOrder_AndCrdNamesIt()
    {
        using var app = App(adaptiveForms: true);
        using var client = app.CreateClient();

        var output = await Package(client, Dtr.PackageRequest(Ehr.Coverage("example-fda-cryo-rider"), Ehr.Order("0581T", diagnosis: "C50.412")));
        var hook = Ehr.HookRequest("order-sign", new System.Text.Json.Nodes.JsonObject { ["draftOrders"] = Ehr.Node(Ehr.Collection(Ehr.Order("0581T", diagnosis: "C50.412"))) },
            coverage: Ehr.SearchSet(Ehr.Coverage("example-fda-cryo-rider")));
        using var hookContent = new StringContent(hook.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        using var answer = await client.PostAsync(new Uri("/cds-services/order-sign", UriKind.Relative), hookContent);

        var adaptive = Dtr.QuestionnaireOf(Assert.Single(Dtr.Bundles(output)));
        Assert.Equal(Adaptive, adaptive.Url);
        Assert.Empty(adaptive.Item);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var action = System.Text.Json.JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("systemActions")[0];
        var order = FhirJson.Parse<ServiceRequest>(action.GetProperty("resource").GetRawText(), out _)!;
        var information = order.Extension.Single(e => e.Url == FhirSystems.CrdCoverageInformation);
        Assert.Equal($"{Adaptive}|{adaptive.Version}", ((Canonical)information.Extension.Single(e => e.Url == "questionnaire").Value!).Value);
    }
}
