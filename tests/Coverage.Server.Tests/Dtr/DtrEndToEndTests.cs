using System.Net;
using System.Text;
using System.Text.Json;
using Coverage.Fhir;
using Coverage.Fhir.Dtr;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Task = System.Threading.Tasks.Task;

namespace Coverage.Server.Tests.Dtr;

/// <summary>
/// CRD → DTR → PAS for the FDA-labelled cryoablation rider (issue 17's "done means"): order-sign answers doc-needed with
/// the questionnaire's canonical; $questionnaire-package gives the questionnaire; the DTR client fills the birth date and
/// the tumor size from the EHR's FHIR server (by the Library's data requirements) and the provider the rest; the PAS
/// $submit carrying the QuestionnaireResponse in supportingInfo is certified (A1) with the case final, and with an
/// off-label answer it is pended for a physician's review.
/// </summary>
public sealed class DtrEndToEndTests : IClassFixture<SqliteStorage>, IDisposable
{
    private readonly FakeFhirServer _ehr = new();
    private readonly CoverageApp _app;
    private readonly HttpClient _client;
    private string? _canonical;

    public DtrEndToEndTests(SqliteStorage storage)
    {
        _app = new CoverageApp(storage, new FakeTimeProvider(CoverageApp.Start));
        _client = _app.CreateClient();
        _ehr.Add("Patient/pat-1", Ehr.Patient(birthDate: "1950-03-01", memberId: "M-DTR-1"));
        _ehr.Add("Observation?patient=pat-1&code=http://loinc.org|21889-1", Ehr.SearchSet(new Observation
        {
            Id = "obs-size",
            Status = ObservationStatus.Final,
            Subject = new ResourceReference("Patient/pat-1"),
            Code = new CodeableConcept(FhirSystems.Loinc, "21889-1", "Size Tumor"),
            Value = new Quantity(12m, "mm", FhirSystems.Ucum) { Unit = "mm" },
        }));
    }

    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
    }

    /// <summary>What the provider answers by hand: every ProSense criterion met unless the test changes one.</summary>
    private static Dictionary<string, DataType> ManualAnswers() => new()
    {
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

    private static Coding Value(string code) => new(FhirSystems.ClinicalFactValue, code, code);

    [Fact]
    public async Task RiderPlan_OnLabelAnswers_AreCertifiedA1_AndTheCaseIsFinal()
    {
        var response = await CrdThenDtrThenPas(ManualAnswers());

        Assert.Equal(ClaimProcessingCodes.Complete, response.Outcome);
        Assert.Equal("A1", ActionCode(Assert.Single(response.Item)));
        var (_, theCase, _) = await Api.Get(_client, $"/api/v1/cases/{response.PreAuthRef}");
        Assert.Equal("covered", theCase.Str("finalOutcome"));
        // The facts came from the questionnaire (the EHR's tumor size of 12 mm is 1.2 cm, within the label's 1.5 cm): every label criterion is met.
        var label = theCase.GetProperty("determination").GetProperty("lines")[0].GetProperty("fdaLabel");
        Assert.Equal("on-label", label.Str("status"));
        Assert.Empty(label.GetProperty("unknown").EnumerateArray());
    }

    [Fact]
    public async Task AnswersSentThroughPasSubmit_AreKeptInTheCasesInformationHistory_WithTheirOriginQuestionAndQuestionnaire()
    {
        var response = await CrdThenDtrThenPas(ManualAnswers());

        var (status, history, _) = await Api.Get(_client, $"/api/v1/cases/{response.PreAuthRef}/information");

        Assert.Equal(HttpStatusCode.OK, status);
        var addition = Assert.Single(history.GetProperty("additions").EnumerateArray());
        var information = addition.GetProperty("information");
        Assert.Equal(_canonical, information.Str("questionnaire"));
        var origins = information.GetProperty("informationOrigin");
        Assert.Equal("auto", origins.Str("tumorSizeCm"));
        Assert.Equal("auto", origins.Str("member.birthDate"));
        Assert.Equal("manual", origins.Str("histology"));
        Assert.Equal(1.2m, information.GetProperty("clinical").GetProperty("tumorSizeCm").GetDecimal());
        Assert.Equal("1950-03-01", information.GetProperty("member").Str("birthDate"));
        // The question each value answered, in the words the form showed (the fact's documentation in the catalogue).
        var catalogue = _app.Services.GetRequiredService<Coverage.Engine.Catalogue.PolicyCatalogue>();
        Assert.Equal(catalogue.Facts.Find("tumorSizeCm")!.Documentation, information.GetProperty("questions").Str("tumorSizeCm"));
        var (_, audit, _) = await Api.Get(_client, $"/api/v1/cases/{response.PreAuthRef}/audit");
        var created = Assert.Single(audit.GetProperty("events").EnumerateArray(), e => e.Str("action") == "case-created");
        Assert.Contains("questionnaire response", created.Str("detail"), StringComparison.Ordinal);
        Assert.Equal(created.Str("actor"), addition.Str("actor")); // the authenticated PAS submitter, never a name from the Bundle
    }

    [Fact]
    public async Task RiderPlan_AnOffLabelAnswer_IsPendedForAPhysician()
    {
        var answers = ManualAnswers();
        answers["recurrent"] = new FhirBoolean(true);

        var response = await CrdThenDtrThenPas(answers);

        var item = Assert.Single(response.Item);
        Assert.Equal("A4", ActionCode(item));
        Assert.Null(response.PreAuthRef);
        Assert.Contains("not medically necessary", Assert.Single(response.ProcessNote).Text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task APendedCase_CompletedThroughTheInformationEndpoint_WithTheQuestionnaireResponse_KeepsEachAnswersOrigin()
    {
        // PAS without answers: the rider's label cannot be assessed, the line waits for information.
        var unanswered = new QuestionnaireResponse { Status = QuestionnaireResponse.QuestionnaireResponseStatus.InProgress, Subject = new ResourceReference("Patient/pat-1") };
        using var content = new StringContent(FhirJson.Serialize(PasWithQuestionnaireResponse(unanswered)), Encoding.UTF8, "application/fhir+json");
        using var submitted = await _client.PostAsync(new Uri("/fhir/Claim/$submit", UriKind.Relative), content);
        var pended = Assert.IsType<ClaimResponse>(FhirJson.Parse<Bundle>(await submitted.Content.ReadAsStringAsync(), out _)!.Entry[0].Resource);
        Assert.Equal("A4", ActionCode(Assert.Single(pended.Item)));
        var caseId = ((FhirString)pended.Item[0].Extension.Single(e => e.Url == Coverage.Fhir.Pas.PasSystems.AdministrationReferenceNumber).Value!).Value;

        var response = new QuestionnaireResponse { Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed, Subject = new ResourceReference("Patient/pat-1") };
        var answers = new Dictionary<string, DataType>(ManualAnswers()) { ["tumorSizeCm"] = new Quantity(1.2m, "cm", FhirSystems.Ucum) { Unit = "cm" } };
        foreach (var (linkId, value) in answers)
        {
            var answer = new QuestionnaireResponse.AnswerComponent { Value = value };
            answer.Extension.Add(new Extension { Url = ClinicalFactReader.InformationOrigin, Extension = [new Extension("source", new Code(linkId == "tumorSizeCm" ? "auto" : "manual"))] });
            response.Item.Add(new QuestionnaireResponse.ItemComponent { LinkId = linkId, Answer = [answer] });
        }
        var body = new System.Text.Json.Nodes.JsonObject { ["questionnaireResponse"] = System.Text.Json.Nodes.JsonNode.Parse(FhirJson.Serialize(response)) };
        var (status, theCase, _) = await Api.Post(_client, $"/api/v1/cases/{caseId}/information", body.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("covered", theCase.Str("finalOutcome"));
        var (_, history, _) = await Api.Get(_client, $"/api/v1/cases/{caseId}/information");
        var origins = history.GetProperty("additions")[0].GetProperty("information").GetProperty("informationOrigin");
        Assert.Equal("auto", origins.Str("tumorSizeCm"));
        Assert.Equal("manual", origins.Str("histology"));
    }

    private async Task<ClaimResponse> CrdThenDtrThenPas(Dictionary<string, DataType> manual)
    {
        // 1. CRD order-sign: conditional, documentation needed, and the questionnaire to give it in.
        var order = Ehr.Order("0581T", diagnosis: "C50.412");
        var hook = Ehr.HookRequest("order-sign", new System.Text.Json.Nodes.JsonObject { ["draftOrders"] = Ehr.Node(Ehr.Collection(order)) },
            patient: Ehr.Patient(birthDate: "1950-03-01", memberId: "M-DTR-1"), coverage: Ehr.SearchSet(Ehr.Coverage("example-fda-cryo-rider", memberId: "M-DTR-1")));
        using var hookContent = new StringContent(hook.ToJsonString(), Encoding.UTF8, "application/json");
        using var hookResponse = await _client.PostAsync(new Uri("/cds-services/order-sign", UriKind.Relative), hookContent);
        Assert.Equal(HttpStatusCode.OK, hookResponse.StatusCode);
        var action = JsonDocument.Parse(await hookResponse.Content.ReadAsStringAsync()).RootElement.GetProperty("systemActions")[0];
        var updated = FhirJson.Parse<ServiceRequest>(action.GetProperty("resource").GetRawText(), out _)!;
        var information = updated.Extension.Single(e => e.Url == FhirSystems.CrdCoverageInformation);
        Assert.Equal("conditional", ((Code)information.Extension.Single(e => e.Url == "covered").Value!).Value);
        Assert.Equal("clinical", ((Code)information.Extension.Single(e => e.Url == "doc-needed").Value!).Value);
        var canonical = ((Canonical)information.Extension.Single(e => e.Url == "questionnaire").Value!).Value!;
        _canonical = canonical;

        // 2. DTR $questionnaire-package for that canonical.
        var (status, packaged) = await Dtr.PostAsync(_client, "/fhir/Questionnaire/$questionnaire-package", Dtr.CanonicalRequest(Ehr.Coverage("example-fda-cryo-rider"), canonical));
        Assert.Equal(HttpStatusCode.OK, status);
        var bundle = Assert.Single(Dtr.Bundles((Parameters)packaged));
        var questionnaire = Dtr.QuestionnaireOf(bundle);
        Assert.Equal(canonical, $"{questionnaire.Url}|{questionnaire.Version}");
        var library = Dtr.LibraryOf(bundle)!;

        // 3. The DTR client fills what the Library's data requirements find in the EHR (auto), the provider the rest (manual).
        //    A DTR QuestionnaireResponse (dtr-questionnaireresponse): the order and the coverage it answers for, what it
        //    is for (CRD's doc-purpose, with the prior authorization), when it was authored, each answer's origin.
        var response = new QuestionnaireResponse
        {
            Questionnaire = canonical,
            Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
            Subject = new ResourceReference("Patient/pat-1"),
            Authored = "2026-05-04T09:30:00Z",
            Extension =
            [
                new Extension(Dtr.QrContext, new ResourceReference("ServiceRequest/" + order.Id)),
                new Extension(Dtr.QrContext, new ResourceReference("Coverage/cov-1")),
                new Extension(Dtr.IntendedUse, new CodeableConcept("http://hl7.org/fhir/us/davinci-crd/CodeSystem/temp", "withpa")),
            ],
        };
        var patient = (Patient)(await _ehr.GetAsync("Patient/pat-1"))!;
        var observationCodes = library.DataRequirement.Single(d => d.Type == FHIRAllTypes.Observation).CodeFilter.Single().Code;
        foreach (var item in questionnaire.Item)
        {
            DataType? answer = null;
            var origin = "manual";
            if (item.LinkId == "member.birthDate")
                (answer, origin) = (new Date(patient.BirthDate), "auto");
            else if (Dtr.Has(item, QuestionnaireBuilder.InitialExpression))
            {
                var code = observationCodes.Single(c => item.Code.Any(i => i.System == c.System && i.Code == c.Code));
                var found = (Bundle)(await _ehr.GetAsync($"Observation?patient=pat-1&code={code.System}|{code.Code}"))!;
                (answer, origin) = (((Observation)found.Entry[0].Resource!).Value, "auto");
            }
            else if (manual.TryGetValue(item.LinkId!, out var given)) answer = given;
            var responseItem = new QuestionnaireResponse.ItemComponent { LinkId = item.LinkId, Text = item.Text };
            if (answer is not null)
            {
                var answered = new QuestionnaireResponse.AnswerComponent { Value = answer };
                var informationOrigin = new Extension { Url = ClinicalFactReader.InformationOrigin, Extension = [new Extension("source", new Code(origin))] };
                // dtrx-1: a manual (or overridden) answer names who gave it; an automatic one names nobody.
                if (origin != "auto") informationOrigin.Extension.Add(new Extension { Url = "author", Extension = [new Extension("practitioner", new ResourceReference("Practitioner/pract-1"))] });
                answered.Extension.Add(informationOrigin);
                responseItem.Answer.Add(answered);
            }
            response.Item.Add(responseItem);
        }
        Dtr.AssertValid(response, Dtr.QuestionnaireResponseProfile);

        // 4. PAS $submit with the QuestionnaireResponse in the Bundle, referenced from supportingInfo.
        var submitted = PasWithQuestionnaireResponse(response);
        FhirValidation.AssertValid(submitted);
        using var content = new StringContent(FhirJson.Serialize(submitted), Encoding.UTF8, "application/fhir+json");
        using var answer2 = await _client.PostAsync(new Uri("/fhir/Claim/$submit", UriKind.Relative), content);
        var text = await answer2.Content.ReadAsStringAsync();
        Assert.True(answer2.StatusCode == HttpStatusCode.OK, text);
        return Assert.IsType<ClaimResponse>(FhirJson.Parse<Bundle>(text, out _)!.Entry[0].Resource);
    }

    private static Bundle PasWithQuestionnaireResponse(QuestionnaireResponse response)
    {
        var responseUrl = PasRequestBundles.Urn();
        Claim.SupportingInformationComponent answers = new()
        {
            Sequence = 1,
            Category = new CodeableConcept("http://hl7.org/fhir/us/davinci-pas/CodeSystem/PASTempCodes", "additionalInformation"),
            Value = new ResourceReference(responseUrl),
        };
        var bundle = PasRequestBundles.OneLine(new CodeableConcept(FhirSystems.Cpt, "0581T"), "C50.412",
            Ehr.Coverage("example-fda-cryo-rider", memberId: "M-DTR-1"), Ehr.Patient(birthDate: "1950-03-01", memberId: "M-DTR-1"),
            "Example breast surgery", [answers], (responseUrl, response));
        response.Subject = new ResourceReference(PasRequestBundles.PatientUrl(bundle));
        return bundle;
    }

    private static string ActionCode(ClaimResponse.ItemComponent item)
    {
        var reviewAction = Assert.Single(Assert.Single(item.Adjudication).Extension, e => e.Url == FhirSystems.PasReviewAction);
        return Assert.IsType<CodeableConcept>(reviewAction.Extension.Single(e => e.Url == FhirSystems.PasReviewActionCode).Value).Coding.Single().Code!;
    }
}
