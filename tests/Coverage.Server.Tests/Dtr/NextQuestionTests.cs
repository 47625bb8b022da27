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

    /// <summary>Answers on the label until the form asks <paramref name="linkId"/> (its question left unanswered).</summary>
    private async Task<QuestionnaireResponse> AnsweredUntilAsked(string linkId)
    {
        var response = await Next(Start());
        while (Contained(response).Item[^1].LinkId != linkId)
        {
            var asked = Contained(response).Item[^1];
            response.Item.Add(new QuestionnaireResponse.ItemComponent { LinkId = asked.LinkId, Answer = [new() { Value = OnLabel[asked.LinkId!] }] });
            response = await Next(response);
            Assert.Equal(QuestionnaireResponse.QuestionnaireResponseStatus.InProgress, response.Status);
        }
        return response;
    }

    private async Task<OperationOutcome> Refused(QuestionnaireResponse response)
    {
        var (status, resource) = await Dtr.PostAsync(_client, Path, response);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        return Assert.IsType<OperationOutcome>(resource);
    }

    [Fact]
    public async Task AnUnreadableAnswer_Is400NamingTheAnswer()
    {
        var response = await AnsweredUntilAsked("tumorSizeCm");
        response.Item.Add(new QuestionnaireResponse.ItemComponent { LinkId = "tumorSizeCm", Answer = [new() { Value = new Quantity(2m, "[lb_av]", FhirSystems.Ucum) }] });

        var outcome = await Refused(response);

        Assert.Equal($"QuestionnaireResponse.item[{response.Item.Count - 1}].answer[0].valueQuantity", Assert.Single(Assert.Single(outcome.Issue).Expression));
    }

    [Theory]
    [InlineData("tumorSizeCm")] // a fact the form asks, but not yet asked: answering ahead would be read as a fact
    [InlineData("not-a-question")] // a linkId of nothing: it was passed over
    public async Task AnAnswerToAQuestionNotAsked_Is400NamingItsLinkId(string linkId)
    {
        var response = await Next(Start());
        response.Item.Add(new QuestionnaireResponse.ItemComponent { LinkId = "member.birthDate", Answer = [new() { Value = new Date("1950-03-01") }] });
        response.Item.Add(new QuestionnaireResponse.ItemComponent { LinkId = linkId, Answer = [new() { Value = new Quantity(1.2m, "cm", FhirSystems.Ucum) }] });

        var issue = Assert.Single((await Refused(response)).Issue);

        Assert.Equal("QuestionnaireResponse.item[1].linkId", Assert.Single(issue.Expression));
        Assert.Contains("not a question of the form", issue.Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AQuestionAnsweredTwice_OrAnItemNestedInAnAnswer_Is400()
    {
        var response = await Next(Start());
        response.Item.Add(new QuestionnaireResponse.ItemComponent { LinkId = "member.birthDate", Answer = [new() { Value = new Date("1950-03-01") }] });
        response.Item.Add(new QuestionnaireResponse.ItemComponent { LinkId = "member.birthDate", Answer = [new() { Value = new Date("1990-03-01") }] });
        var nested = await Next(Start());
        var answer = new QuestionnaireResponse.AnswerComponent { Value = new Date("1950-03-01") };
        answer.Item.Add(new QuestionnaireResponse.ItemComponent { LinkId = "member.birthDate", Answer = [new() { Value = new Date("1990-03-01") }] });
        nested.Item.Add(new QuestionnaireResponse.ItemComponent { LinkId = "member.birthDate", Answer = [answer] });

        Assert.Equal("QuestionnaireResponse.item[1].linkId", Assert.Single(Assert.Single((await Refused(response)).Issue).Expression));
        Assert.Equal("QuestionnaireResponse.item[0].answer[0].item", Assert.Single(Assert.Single((await Refused(nested)).Issue).Expression));
    }

    [Fact]
    public async Task AContainedFormWithAQuestionThisFormDoesNotAsk_Is400NamingIt()
    {
        var response = await Next(Start());
        Contained(response).Item.Add(new Questionnaire.ItemComponent { LinkId = "favouriteColour", Type = Questionnaire.QuestionnaireItemType.String, Text = "?" });
        response.Item.Add(new QuestionnaireResponse.ItemComponent { LinkId = "favouriteColour", Answer = [new() { Value = new FhirString("blue") }] });

        var issue = Assert.Single((await Refused(response)).Issue);

        Assert.Equal("QuestionnaireResponse.contained[0].item[1].linkId", Assert.Single(issue.Expression));
    }

    [Fact]
    public async Task AFirstCallByCanonicalWithAnswers_Is400_NothingHasBeenAskedYet()
    {
        var start = StartByCanonical();
        start.Item.Add(new QuestionnaireResponse.ItemComponent { LinkId = "member.birthDate", Answer = [new() { Value = new Date("1950-03-01") }] });

        Assert.Equal("QuestionnaireResponse.item[0].linkId", Assert.Single(Assert.Single((await Refused(start)).Issue).Expression));
    }

    [Fact]
    public async Task ManyAnswersToNothing_AreAnsweredWithABoundedList()
    {
        var response = await Next(Start());
        for (var i = 0; i < 5_000; i++) response.Item.Add(new QuestionnaireResponse.ItemComponent { LinkId = $"x{i}", Answer = [new() { Value = new FhirBoolean(true) }] });

        var outcome = await Refused(response);

        Assert.Equal(ClinicalFactReader.MaxProblems, outcome.Issue.Count);
        Assert.Equal("QuestionnaireResponse.item[0].linkId", Assert.Single(outcome.Issue[0].Expression));
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
