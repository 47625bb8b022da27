using System.Net;
using Coverage.Fhir;
using Coverage.Fhir.Dtr;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Time.Testing;
using Task = System.Threading.Tasks.Task;

namespace Coverage.Server.Tests.Dtr;

/// <summary>
/// DTR adaptive $next-question on the rider plan's FDA-label questionnaire: the server asks one question at a time, only
/// what can still change the outcome (a criterion read two ways is not asked the second way once the first settles it),
/// and completes the response as soon as the criteria are decided.
/// </summary>
public sealed class NextQuestionTests : IClassFixture<SqliteStorage>, IDisposable
{
    private const string Path = "/fhir/Questionnaire/$next-question";
    private readonly CoverageApp _app;
    private readonly HttpClient _client;

    public NextQuestionTests(SqliteStorage storage)
    {
        _app = new CoverageApp(storage, new FakeTimeProvider(CoverageApp.Start));
        _client = _app.CreateClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
    }

    private static Coding Value(string code) => new(FhirSystems.ClinicalFactValue, code, code);

    /// <summary>On-label answers, by the question's linkId.</summary>
    private static readonly Dictionary<string, DataType> OnLabel = new()
    {
        ["member.birthDate"] = new Date("1950-03-01"),
        ["tumorSizeCm"] = new Quantity(1.2m, "cm", FhirSystems.Ucum) { Unit = "cm" },
        ["focality"] = Value("unifocal"),
        ["erStatus"] = Value("positive"),
        ["prStatus"] = Value("positive"),
        ["her2Status"] = Value("negative"),
        ["ki67Percent"] = new Quantity(10m, "%", FhirSystems.Ucum) { Unit = "%" },
        ["genomicRisk"] = Value("low"),
        ["histology"] = Value("idc"),
        ["extensiveIntraductalComponent"] = new FhirBoolean(false),
        ["lymphovascularInvasion"] = new FhirBoolean(false),
        ["nodalStatus"] = Value("N0"),
        ["adjuvantEndocrineTherapy"] = new FhirBoolean(true),
        ["recurrent"] = new FhirBoolean(false),
        ["neoadjuvantTherapyIndicated"] = new FhirBoolean(false),
        ["inflammatoryFeatures"] = new FhirBoolean(false),
        ["adequateBreastSize"] = new FhirBoolean(true),
        ["breastImplants"] = new FhirBoolean(false),
        ["implantDistanceDocumented"] = new FhirBoolean(true),
    };

    private const string Canonical = "http://localhost/fhir/Questionnaire/0540-fda-prosense";

    /// <summary>
    /// The first call as SDC's adaptive flow makes it (sdc-questionnaireresponse-adapt): the response holds an adaptive
    /// Questionnaire with no question yet, derived from the questionnaire to answer.
    /// </summary>
    private static QuestionnaireResponse Start()
    {
        var adaptive = new Questionnaire
        {
            Id = "adaptive",
            Meta = new Meta { Profile = [Dtr.AdaptiveQuestionnaireProfile] },
            Title = "FDA label",
            Status = PublicationStatus.Active,
            SubjectType = [ResourceType.Patient],
            DerivedFrom = [Canonical],
            Text = new Narrative { Status = Narrative.NarrativeStatus.Generated, Div = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>FDA label</p></div>" },
        };
        adaptive.Extension.Add(new Extension(NextQuestion.QuestionnaireAdaptive, new FhirBoolean(true)));
        return new QuestionnaireResponse
        {
            Contained = [adaptive],
            Questionnaire = "#adaptive",
            Status = QuestionnaireResponse.QuestionnaireResponseStatus.InProgress,
            Subject = new ResourceReference("Patient/pat-1"),
            Authored = "2026-03-02T10:00:00Z",
        };
    }

    /// <summary>A first call that only names the questionnaire (no contained Questionnaire): accepted too.</summary>
    private static QuestionnaireResponse StartByCanonical() => new()
    {
        Questionnaire = Canonical,
        Status = QuestionnaireResponse.QuestionnaireResponseStatus.InProgress,
        Subject = new ResourceReference("Patient/pat-1"),
    };

    private async Task<QuestionnaireResponse> Next(Resource body)
    {
        // As the DTR kit checks the adaptive flow: a request is an SDC adaptive QuestionnaireResponse, an answer an SDC
        // QuestionnaireResponse (and an adaptive one), its contained Questionnaire a DTR adaptive Questionnaire.
        if (body is QuestionnaireResponse sent) Dtr.AssertValid(sent, Dtr.AdaptiveQuestionnaireResponseProfile);
        var (status, resource) = await Dtr.PostAsync(_client, Path, body);
        Assert.True(status == HttpStatusCode.OK, FhirJson.Serialize(resource));
        var response = Assert.IsType<QuestionnaireResponse>(resource);
        Dtr.AssertValid(response, Dtr.SdcQuestionnaireResponseProfile);
        Dtr.AssertValid(response, Dtr.AdaptiveQuestionnaireResponseProfile);
        foreach (var contained in response.Contained.OfType<Questionnaire>()) Dtr.AssertValid(contained, Dtr.AdaptiveQuestionnaireProfile);
        return response;
    }

    private static Questionnaire Contained(QuestionnaireResponse response) => response.Contained.OfType<Questionnaire>().Single();

    /// <summary>Answers the last question asked (when <paramref name="answers"/> has it) and asks for the next, until completed.</summary>
    private async Task<QuestionnaireResponse> AnswerUntilDone(Dictionary<string, DataType> answers)
    {
        var response = await Next(Start());
        for (var round = 0; response.Status != QuestionnaireResponse.QuestionnaireResponseStatus.Completed; round++)
        {
            Assert.True(round < 40, "the questions never end");
            var asked = Contained(response).Item[^1];
            var item = new QuestionnaireResponse.ItemComponent { LinkId = asked.LinkId, Text = asked.Text };
            if (answers.TryGetValue(asked.LinkId!, out var answer)) item.Answer.Add(new QuestionnaireResponse.AnswerComponent { Value = answer });
            response.Item.Add(item);
            response = await Next(response);
        }
        return response;
    }

    [Fact]
    public async Task TheFirstCall_AsksTheFirstQuestion_InAContainedAdaptiveQuestionnaire()
    {
        var response = await Next(Start());

        Assert.Equal(QuestionnaireResponse.QuestionnaireResponseStatus.InProgress, response.Status);
        var contained = Contained(response);
        Assert.Equal("#" + contained.Id, response.Questionnaire);
        Assert.True(Dtr.Has(contained, NextQuestion.QuestionnaireAdaptive));
        Assert.StartsWith("http://localhost/fhir/Questionnaire/0540-fda-prosense", Assert.Single(contained.DerivedFrom), StringComparison.Ordinal);
        Assert.Equal("member.birthDate", Assert.Single(contained.Item).LinkId);
    }

    [Fact]
    public async Task AFirstCallNamingOnlyTheCanonical_GetsTheAdaptiveQuestionnaireMadeForIt()
    {
        var (status, resource) = await Dtr.PostAsync(_client, Path, StartByCanonical());

        Assert.Equal(HttpStatusCode.OK, status);
        var response = Assert.IsType<QuestionnaireResponse>(resource);
        var contained = Contained(response);
        Assert.Equal("#" + contained.Id, response.Questionnaire);
        Assert.StartsWith(Canonical, Assert.Single(contained.DerivedFrom), StringComparison.Ordinal);
        Assert.Equal("member.birthDate", Assert.Single(contained.Item).LinkId);
        Dtr.AssertValid(contained, Dtr.AdaptiveQuestionnaireProfile);
    }

    [Fact]
    public async Task OnLabelAnswers_AskOnlyWhatCanStillChangeTheOutcome_ThenComplete()
    {
        var response = await AnswerUntilDone(OnLabel);

        Assert.Equal(QuestionnaireResponse.QuestionnaireResponseStatus.Completed, response.Status);
        var asked = Contained(response).Item.Select(i => i.LinkId).ToList();
        // Ki-67 below 15% settles "low proliferation" (the genomic risk is not asked); no implants settles the implant criterion.
        Assert.DoesNotContain("genomicRisk", asked);
        Assert.DoesNotContain("implantDistanceDocumented", asked);
        Assert.Equal(17, asked.Count);
        // A choice question's ValueSet travels contained in the response.
        var focality = Contained(response).Item.Single(i => i.LinkId == "focality");
        Assert.Contains(response.Contained.OfType<ValueSet>(), v => focality.AnswerValueSet == "#" + v.Id);
    }

    [Fact]
    public async Task AnAnswerOutsideTheLabel_CompletesAtOnce()
    {
        var answers = new Dictionary<string, DataType>(OnLabel) { ["member.birthDate"] = new Date("1990-03-01") };

        var response = await AnswerUntilDone(answers);

        Assert.Equal(QuestionnaireResponse.QuestionnaireResponseStatus.Completed, response.Status);
        Assert.Equal("member.birthDate", Assert.Single(Contained(response).Item).LinkId);
    }

    [Fact]
    public async Task AQuestionLeftUnanswered_IsNotAskedAgain_AndTheResponseCompletesWhenNothingIsLeftToAsk()
    {
        var answers = new Dictionary<string, DataType>(OnLabel);
        answers.Remove("histology");

        var response = await AnswerUntilDone(answers);

        Assert.Equal(QuestionnaireResponse.QuestionnaireResponseStatus.Completed, response.Status);
        Assert.Single(Contained(response).Item, i => i.LinkId == "histology");
    }

    [Fact]
    public async Task AnUnreadableAnswer_Is400NamingTheAnswer()
    {
        var response = await Next(Start());
        response.Item.Add(new QuestionnaireResponse.ItemComponent { LinkId = "tumorSizeCm", Answer = [new() { Value = new Quantity(2m, "[lb_av]", FhirSystems.Ucum) }] });

        var (status, resource) = await Dtr.PostAsync(_client, Path, response);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("QuestionnaireResponse.item[0].answer[0].valueQuantity", Assert.Single(Assert.Single(Assert.IsType<OperationOutcome>(resource).Issue).Expression));
    }

    [Fact]
    public async Task AQuestionnaireOfAnotherPayer_Is400()
    {
        var start = StartByCanonical();
        start.Questionnaire = "https://other.example/Questionnaire/x";

        var (status, resource) = await Dtr.PostAsync(_client, Path, start);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("QuestionnaireResponse.questionnaire", Assert.Single(Assert.Single(Assert.IsType<OperationOutcome>(resource).Issue).Expression));
    }
}
