using System.Net;
using System.Text;
using System.Text.Json;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Json;
using Coverage.Fhir;
using Coverage.Fhir.Dtr;
using Coverage.Fhir.Pas;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Task = System.Threading.Tasks.Task;

namespace Coverage.Server.Tests.Dtr;

/// <summary>
/// A reviewer asks for more through the same questionnaire (issue 17): a nurse, authenticated as herself, asks the
/// provider for what a pended PAS request lacks; the request names the DTR questionnaire the line's missing facts
/// generate (the canonical|version CRD names); the provider sees it through the API and through PAS (a PAS
/// CommunicationRequest with LOINC 102089-0, the line and the case number as its tracking number); the answers that
/// then arrive — as a PAS claim update carrying the QuestionnaireResponse, or through the REST endpoint — close the
/// request and re-evaluate the case.
/// </summary>
public sealed class ReviewerInformationRequestTests : IClassFixture<SqliteStorage>, IDisposable
{
    private readonly CoverageApp _app;
    private readonly HttpClient _provider;
    private readonly HttpClient _nurse;

    public ReviewerInformationRequestTests(SqliteStorage storage)
    {
        _app = new CoverageApp(storage, new FakeTimeProvider(CoverageApp.Start), ApiTokens.Configure);
        _provider = _app.CreateClient().With(ApiTokens.Create("system/Claim.c system/ClaimResponse.r system/Questionnaire.r coverage/cases.read coverage/cases.write", "portal-a"));
        _nurse = _app.CreateClient().With(ApiTokens.Person(ApiTokens.Nurse));
    }

    public void Dispose()
    {
        _provider.Dispose();
        _nurse.Dispose();
        _app.Dispose();
    }

    [Fact]
    public async Task TheRequest_NamesTheLinesQuestionnaire_IsSeenThroughPasAndTheApi_AndAPasUpdateWithTheAnswers_ClosesIt()
    {
        var first = PasBundle(answers: null);
        var caseId = AdministrationNumber(ClaimResponseOf(await Pas("submit", first)).Item[0]);

        // A provider's own client cannot ask; the nurse can, and the case stays waiting for information.
        var (refused, _, _) = await Api.Post(_provider, $"/api/v1/cases/{caseId}/information-requests", """{"needed":"Anything"}""");
        var (status, asked, _) = await Api.Post(_nurse, $"/api/v1/cases/{caseId}/information-requests", """{"needed":"Complete the device's labeled-indication questionnaire."}""");

        Assert.Equal(HttpStatusCode.Forbidden, refused);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("pending-information", asked.Str("status"));
        var expected = ExpectedCanonical(asked);
        var named = Assert.Single(asked.GetProperty("informationRequestQuestionnaires").EnumerateArray());
        Assert.Equal(expected, named.Str("canonical"));
        Assert.Equal(1, named.GetProperty("sequence").GetInt32());

        // REST: the provider's GET shows the open request and its questionnaire.
        var (_, seen, _) = await Api.Get(_provider, $"/api/v1/cases/{caseId}");
        Assert.Equal("Complete the device's labeled-indication questionnaire.", seen.Str("informationRequest"));
        Assert.Equal(expected, seen.GetProperty("informationRequestQuestionnaires")[0].Str("canonical"));

        // PAS: the inquiry's answer carries the request as PAS 2.2.1 expresses it.
        var inquiry = (Parameters)await Pas("inquire", first);
        var response = ClaimResponseOf(Assert.Single(inquiry.Parameter, p => p.Name == "return").Resource!);
        FhirValidation.AssertValid(response);
        var reference = Assert.Single(response.CommunicationRequest);
        var returned = Assert.IsType<Bundle>(Assert.Single(inquiry.Parameter, p => p.Name == "return").Resource);
        var communication = Assert.IsType<CommunicationRequest>(Assert.Single(returned.Entry, e => e.FullUrl == reference.Reference).Resource);
        Assert.Equal(RequestStatus.Active, communication.Status);
        Assert.Equal(PasSystems.QuestionnaireRequestLoinc, ((FhirString)Assert.Single(communication.Payload).Content).Value);
        Assert.Equal(1, ((PositiveInt)communication.Extension.Single(e => e.Url == PasSystems.ServiceLineNumber).Value!).Value);
        Assert.Equal(caseId, Assert.Single(communication.Identifier).Value);
        Assert.Contains(expected, Assert.Single(communication.Note).Text, StringComparison.Ordinal);
        Assert.Equal("A4", ReviewAction(Assert.Single(response.Item)));
        Assert.Contains("A reviewer asks for more information", Assert.Single(response.ProcessNote).Text, StringComparison.Ordinal);
        Assert.Contains(expected, response.ProcessNote[0].Text, StringComparison.Ordinal);

        // DTR: the tracking number is the context id $questionnaire-package takes; it gives the questionnaire named.
        var byContext = new Parameters();
        byContext.Parameter.Add(new Parameters.ParameterComponent { Name = "coverage", Resource = Ehr.Coverage("example-fda-cryo-rider", memberId: "M-DTR-9") });
        byContext.Parameter.Add(new Parameters.ParameterComponent { Name = "context", Value = new FhirString(communication.Identifier[0].Value) });
        var (packaged, package) = await Dtr.PostAsync(_provider, "/fhir/Questionnaire/$questionnaire-package", byContext);
        Assert.Equal(HttpStatusCode.OK, packaged);
        var served = Dtr.QuestionnaireOf(Assert.Single(Dtr.Bundles((Parameters)package)));
        Assert.Equal(expected, $"{served.Url}|{served.Version}");
        byContext.Parameter[1].Value = new FhirString(Guid.NewGuid().ToString());
        var (unknown, outcome) = await Dtr.PostAsync(_provider, "/fhir/Questionnaire/$questionnaire-package", byContext);
        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Equal("Parameters.parameter", Assert.IsType<OperationOutcome>(outcome).Issue[0].Expression.Single());

        // The provider answers with the questionnaire, in a claim update of the same request.
        var update = (Bundle)first.DeepCopy();
        var claim = (Claim)update.Entry[0].Resource!;
        var responseUrl = PasRequestBundles.Urn();
        var answers = Answers(expected);
        answers.Subject = claim.Patient;
        update.Entry.Add(new Bundle.EntryComponent { FullUrl = responseUrl, Resource = answers });
        claim.SupportingInfo.Add(new Claim.SupportingInformationComponent
        {
            Sequence = 1,
            Category = new CodeableConcept("http://hl7.org/fhir/us/davinci-pas/CodeSystem/PASTempCodes", "additionalInformation"),
            Value = new ResourceReference(responseUrl),
        });
        claim.Related = [new Claim.RelatedClaimComponent
        {
            Claim = new ResourceReference { Identifier = new Identifier(claim.Identifier[0].System, claim.Identifier[0].Value) },
            Relationship = new CodeableConcept("http://terminology.hl7.org/CodeSystem/ex-relatedclaimrelationship", "prior"),
        }];
        var answered = ClaimResponseOf(await Pas("submit", update));

        Assert.Equal("A1", ReviewAction(Assert.Single(answered.Item)));
        Assert.Empty(answered.CommunicationRequest);
        var (_, closed, _) = await Api.Get(_provider, $"/api/v1/cases/{caseId}");
        Assert.Equal("final", closed.Str("status"));
        Assert.Equal(JsonValueKind.Null, closed.GetProperty("informationRequest").ValueKind);
        Assert.Equal(JsonValueKind.Null, closed.GetProperty("informationRequestQuestionnaires").ValueKind);
        var (_, history, _) = await Api.Get(_nurse, $"/api/v1/cases/{caseId}/information");
        var addition = Assert.Single(history.GetProperty("additions").EnumerateArray());
        Assert.Equal("portal-a", addition.Str("actor"));
        Assert.Equal(expected, addition.GetProperty("information").Str("questionnaire"));
        var (_, audit, _) = await Api.Get(_nurse, $"/api/v1/cases/{caseId}/audit");
        var request = Assert.Single(audit.GetProperty("events").EnumerateArray(), e => e.Str("action") == "information-requested");
        Assert.Equal(ApiTokens.Nurse, request.Str("actor"));
        Assert.Contains(expected, request.Str("detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnswersThroughTheRestEndpoint_CloseTheRequest_AndReEvaluate()
    {
        var caseId = AdministrationNumber(ClaimResponseOf(await Pas("submit", PasBundle(answers: null))).Item[0]);
        var (_, asked, _) = await Api.Post(_nurse, $"/api/v1/cases/{caseId}/information-requests", """{"needed":"The questionnaire, please."}""");
        var canonical = ExpectedCanonical(asked);

        var body = new System.Text.Json.Nodes.JsonObject { ["questionnaireResponse"] = System.Text.Json.Nodes.JsonNode.Parse(FhirJson.Serialize(Answers(canonical))) };
        var (status, theCase, _) = await Api.Post(_provider, $"/api/v1/cases/{caseId}/information", body.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("final", theCase.Str("status"));
        Assert.Equal("covered", theCase.Str("finalOutcome"));
        Assert.Equal(JsonValueKind.Null, theCase.GetProperty("informationRequest").ValueKind);
    }

    [Fact]
    public async Task ADecidedCase_CannotBeAskedForInformation()
    {
        var caseId = ClaimResponseOf(await Pas("submit", PasBundle(Answers(null)))).PreAuthRef;

        var (status, _, _) = await Api.Post(_nurse, $"/api/v1/cases/{caseId}/information-requests", """{"needed":"More."}""");

        Assert.Equal(HttpStatusCode.Conflict, status);
    }

    /// <summary>The questionnaire CRD names for the case's line (the one mapping CRD's coverage-information uses).</summary>
    private string ExpectedCanonical(JsonElement theCase)
    {
        var catalogue = _app.Services.GetRequiredService<PolicyCatalogue>();
        var determination = DeterminationReader.Read(theCase.GetProperty("determination").GetRawText());
        return Assert.Single(new DtrCanonicals("http://localhost/fhir").QuestionnairesFor(catalogue, determination.Lines[0]));
    }

    private async Task<Resource> Pas(string operation, Bundle bundle)
    {
        using var content = new StringContent(FhirJson.Serialize(bundle), Encoding.UTF8, "application/fhir+json");
        using var answer = await _provider.PostAsync(new Uri($"/fhir/Claim/${operation}", UriKind.Relative), content);
        var text = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == HttpStatusCode.OK, text);
        return FhirJson.Parse<Resource>(text, out _)!;
    }

    private static ClaimResponse ClaimResponseOf(Resource answer) => Assert.IsType<ClaimResponse>(((Bundle)answer).Entry[0].Resource);

    private static string AdministrationNumber(ClaimResponse.ItemComponent item) =>
        ((FhirString)item.Extension.Single(e => e.Url == PasSystems.AdministrationReferenceNumber).Value!).Value!;

    private static string ReviewAction(ClaimResponse.ItemComponent item)
    {
        var reviewAction = Assert.Single(Assert.Single(item.Adjudication).Extension, e => e.Url == FhirSystems.PasReviewAction);
        return Assert.IsType<CodeableConcept>(reviewAction.Extension.Single(e => e.Url == FhirSystems.PasReviewActionCode).Value).Coding.Single().Code!;
    }

    /// <summary>The rider plan's cryoablation request; with a QuestionnaireResponse in supportingInfo when there are answers.</summary>
    private static Bundle PasBundle(QuestionnaireResponse? answers)
    {
        var responseUrl = PasRequestBundles.Urn();
        Claim.SupportingInformationComponent[] supporting = answers is null ? [] :
        [
            new()
            {
                Sequence = 1,
                Category = new CodeableConcept("http://hl7.org/fhir/us/davinci-pas/CodeSystem/PASTempCodes", "additionalInformation"),
                Value = new ResourceReference(responseUrl),
            },
        ];
        (string, Resource)[] more = answers is null ? [] : [(responseUrl, answers)];
        var bundle = PasRequestBundles.OneLine(new CodeableConcept(FhirSystems.Cpt, "0581T"), "C50.412",
            Ehr.Coverage("example-fda-cryo-rider", memberId: "M-DTR-9"), Ehr.Patient(birthDate: "1950-03-01", memberId: "M-DTR-9"),
            "Example breast surgery", supporting, more);
        if (answers is not null) answers.Subject = new ResourceReference(PasRequestBundles.PatientUrl(bundle));
        return bundle;
    }

    /// <summary>Every label criterion answered as met; the tumor size taken from the record (auto), the rest typed (manual).</summary>
    private static QuestionnaireResponse Answers(string? canonical)
    {
        static Coding Value(string code) => new(FhirSystems.ClinicalFactValue, code, code);
        var answers = new Dictionary<string, DataType>
        {
            ["tumorSizeCm"] = new Quantity(1.2m, "cm", FhirSystems.Ucum) { Unit = "cm" },
            ["focality"] = Value("unifocal"),
            ["erStatus"] = Value("positive"),
            ["prStatus"] = Value("positive"),
            ["her2Status"] = Value("negative"),
            ["ki67Percent"] = new Quantity(10m, "%", FhirSystems.Ucum) { Unit = "%" },
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
        };
        var response = new QuestionnaireResponse { Questionnaire = canonical, Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed };
        foreach (var (linkId, value) in answers)
        {
            var answer = new QuestionnaireResponse.AnswerComponent { Value = value };
            answer.Extension.Add(new Extension { Url = ClinicalFactReader.InformationOrigin, Extension = [new Extension("source", new Code(linkId == "tumorSizeCm" ? "auto" : "manual"))] });
            response.Item.Add(new QuestionnaireResponse.ItemComponent { LinkId = linkId, Answer = [answer] });
        }
        return response;
    }
}
