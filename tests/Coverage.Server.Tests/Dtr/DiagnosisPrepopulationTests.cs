using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coverage.Fhir;
using Coverage.Fhir.Dtr;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;
using Task = System.Threading.Tasks.Task;

namespace Coverage.Server.Tests.Dtr;

/// <summary>
/// A criterion that reads the diagnoses (the test catalogue Fixtures/dtr-diagnoses: "C79.51 or C40.*", and pain after
/// radiotherapy): its questionnaire asks for the diagnoses as a repeating open choice pre-populated from the record's
/// active, confirmed Conditions in the criterion's set (CQL with its ELM, the set a ValueSet of the package); the
/// package validates against the DTR profiles; answering the item with ICD-10-CM codings decides the criterion through
/// the REST information endpoint, and an answer that is no ICD-10-CM coding is refused naming it.
/// </summary>
public sealed class DiagnosisPrepopulationTests : IClassFixture<SqliteStorage>, IDisposable
{
    public static readonly string Catalogue = Path.Combine(CoverageApp.RepositoryRoot, "tests", "Coverage.Server.Tests", "Fixtures", "dtr-diagnoses");

    private readonly CoverageApp _app;
    private readonly HttpClient _client;
    private readonly ITestOutputHelper _output;

    public DiagnosisPrepopulationTests(SqliteStorage storage, ITestOutputHelper output)
    {
        _output = output;
        _app = new CoverageApp(storage, new FakeTimeProvider(CoverageApp.Start), builder =>
        {
            ApiTokens.Configure(builder);
            builder.UseSetting("Catalogue:Path", Catalogue);
        });
        _client = _app.CreateClient().With(ApiTokens.Create(ApiTokens.AllScopes + " system/Questionnaire.r"));
    }

    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
    }

    /// <summary>The package of an order for the ablation without a diagnosis: the statement's diagnosis criterion is open.</summary>
    private async Task<Bundle> Package()
    {
        var (status, resource) = await Dtr.PostAsync(_client, "/fhir/Questionnaire/$questionnaire-package", Dtr.PackageRequest(Ehr.Coverage("standard"), Ehr.Order("20982", diagnosis: null)));
        Assert.True(status == HttpStatusCode.OK, FhirJson.Serialize(resource));
        return Assert.Single(Dtr.Bundles(Assert.IsType<Parameters>(resource)));
    }

    [Fact]
    public async Task TheDiagnosesItem_IsPrePopulatedByTheLibrary_WhoseCqlAndElmTestTheCriterionsSet()
    {
        var bundle = await Package();

        var questionnaire = Dtr.QuestionnaireOf(bundle);
        Assert.Equal(["diagnoses", "painAfterRadiotherapy"], questionnaire.Item.Select(i => i.LinkId));
        var item = questionnaire.Item[0];
        Assert.Equal(Questionnaire.QuestionnaireItemType.OpenChoice, item.Type);
        Assert.True(item.Repeats);
        Assert.False(item.Required);
        var library = Assert.IsType<Hl7.Fhir.Model.Library>(Dtr.LibraryOf(bundle));
        Assert.Equal(library.Url, Dtr.Value<Canonical>(questionnaire, QuestionnaireBuilder.CqfLibrary).Value);
        var expression = Dtr.Value<Expression>(item, QuestionnaireBuilder.InitialExpression);
        Assert.Equal("text/cql", expression.Language);
        Assert.Equal($"\"{library.Name}\".\"Diagnoses\"", expression.Expression_);
        var elmReference = Dtr.Value<Expression>(expression, QuestionnaireBuilder.AlternativeExpression);
        Assert.Equal("application/elm+json", elmReference.Language);
        Assert.Equal($$"""{"type":"ExpressionRef","libraryName":"{{library.Name}}","name":"Diagnoses"}""", elmReference.Expression_);
        // The pain has no standard code in the catalogue: the provider answers it.
        Assert.False(Dtr.Has(questionnaire.Item[1], QuestionnaireBuilder.InitialExpression));

        // The CQL: active and not doubted Conditions, their ICD-10-CM codings in the criterion's set (not the policy's whole condition, C41.*).
        var cql = Encoding.UTF8.GetString(library.Content.Single(c => c.ContentType == "text/cql").Data!);
        _output.WriteLine(cql);
        Assert.Contains("define \"Diagnoses\":", cql, StringComparison.Ordinal);
        Assert.Contains("[Condition] C", cql, StringComparison.Ordinal);
        Assert.Contains("S.code.value in { 'active', 'recurrence', 'relapse' }", cql, StringComparison.Ordinal);
        Assert.Contains("and not exists (C.verificationStatus.coding V", cql, StringComparison.Ordinal);
        Assert.Contains("V.code.value in { 'unconfirmed', 'provisional', 'differential', 'refuted', 'entered-in-error' }", cql, StringComparison.Ordinal);
        Assert.Contains($"D.system.value = '{FhirSystems.Icd10Cm}'", cql, StringComparison.Ordinal);
        Assert.Contains("and (N in { 'C7951' }\n              or StartsWith(N, 'C40'))", cql, StringComparison.Ordinal);
        Assert.DoesNotContain("C41", cql, StringComparison.Ordinal);

        // The ELM says the same: a flattened query over the Conditions whose return tests the same codes and category.
        using var elm = JsonDocument.Parse(library.Content.Single(c => c.ContentType == "application/elm+json").Data!);
        var statement = elm.RootElement.GetProperty("library").GetProperty("statements").GetProperty("def").EnumerateArray().Single(d => d.Str("name") == "Diagnoses");
        var flatten = statement.GetProperty("expression");
        Assert.Equal("Flatten", flatten.Str("type"));
        var conditions = flatten.GetProperty("operand");
        Assert.Equal("{http://hl7.org/fhir}Condition", conditions.GetProperty("source")[0].GetProperty("expression").Str("dataType"));
        var inSet = conditions.GetProperty("return").GetProperty("expression").GetProperty("where").GetProperty("operand")[1];
        Assert.Equal("Or", inSet.Str("type"));
        Assert.Equal("C7951", inSet.GetProperty("operand")[0].GetProperty("operand")[1].GetProperty("element")[0].Str("value"));
        Assert.Equal("StartsWith", inSet.GetProperty("operand")[1].Str("type"));
        Assert.Equal("C40", inSet.GetProperty("operand")[1].GetProperty("operand")[1].Str("value"));

        // The criterion's set is a ValueSet of the package, named by the Library's Condition data requirement.
        var valueSet = Assert.Single(bundle.Entry.Select(e => e.Resource).OfType<ValueSet>());
        var requirement = Assert.Single(library.DataRequirement, d => d.Type == FHIRAllTypes.Condition);
        Assert.Equal($"{valueSet.Url}|{valueSet.Version}", Assert.Single(requirement.CodeFilter).ValueSet);
        Assert.Equal(questionnaire.Version, valueSet.Version);
        Assert.Equal(2, valueSet.Compose!.Include.Count);
        Assert.All(valueSet.Compose.Include, i => Assert.Equal(FhirSystems.Icd10Cm, i.System));
        Assert.Equal("C79.51", Assert.Single(valueSet.Compose.Include[0].Concept).Code);
        var category = Assert.Single(valueSet.Compose.Include[1].Filter);
        Assert.Equal(("concept", (FilterOperator?)FilterOperator.IsA, "C40"), (category.Property, category.Op, category.Value));
        // The catalogue does not list the codes under C40: no expansion is made up.
        Assert.Null(valueSet.Expansion);
    }

    [Fact]
    public async Task ThePackage_ValidatesAgainstTheDtrProfiles()
    {
        var (_, resource) = await Dtr.PostAsync(_client, "/fhir/Questionnaire/$questionnaire-package", Dtr.PackageRequest(Ehr.Coverage("standard"), Ehr.Order("20982", diagnosis: null)));
        var parameters = Assert.IsType<Parameters>(resource);
        var bundle = Assert.Single(Dtr.Bundles(parameters));

        AssertValid(parameters, QuestionnairePackage.OutputProfile);
        AssertValid(bundle, QuestionnairePackage.Profile);
        AssertValid(Dtr.QuestionnaireOf(bundle), Dtr.StandardQuestionnaireProfile);
        AssertValid(Dtr.LibraryOf(bundle)!, Dtr.SdcLibraryProfile);
        foreach (var entry in bundle.Entry) AssertValid(entry.Resource!, "http://hl7.org/fhir/StructureDefinition/" + entry.Resource!.TypeName);
    }

    [Fact]
    public async Task TheValueSet_IsServedByItsCanonical()
    {
        var packaged = Assert.Single((await Package()).Entry.Select(e => e.Resource).OfType<ValueSet>());

        var (status, resource) = await Get($"/fhir/ValueSet/{packaged.Id}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(packaged.IsExactly(resource), FhirJson.Serialize(resource));
    }

    [Fact]
    public async Task AnsweringTheDiagnoses_DecidesTheCriterion_AndKeepsEachDiagnosissOrigin()
    {
        var bundle = await Package();
        var questionnaire = Dtr.QuestionnaireOf(bundle);
        var caseId = await PendingCase("DX-1");

        // The DTR client filled C79.51 from the record (what the Library's Diagnoses gives), the provider typed the pain.
        var response = Answers(questionnaire, (Icd("C79.51"), "auto"));
        var (status, theCase, _) = await Api.Post(_client, $"/api/v1/cases/{caseId}/information", Information(response));

        Assert.Equal(HttpStatusCode.OK, status);
        var line = theCase.GetProperty("determination").GetProperty("lines")[0];
        Assert.Equal("covered", line.Str("outcome"));
        Assert.All(line.GetProperty("criteria").EnumerateArray(), c => Assert.Equal("met", c.Str("result")));
        var (_, history, _) = await Api.Get(_client, $"/api/v1/cases/{caseId}/information");
        var information = history.GetProperty("additions")[0].GetProperty("information");
        Assert.Equal(["C79.51"], information.GetProperty("diagnoses").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal("auto", information.GetProperty("informationOrigin").Str("diagnoses.C79.51"));
        Assert.Equal("manual", information.GetProperty("informationOrigin").Str("painAfterRadiotherapy"));
        Assert.Equal($"{questionnaire.Url}|{questionnaire.Version}", information.Str("questionnaire"));
    }

    [Fact]
    public async Task ADiagnosisOutsideTheCriterionsSet_LeavesItNotMet()
    {
        var questionnaire = Dtr.QuestionnaireOf(await Package());
        var caseId = await PendingCase("DX-2");

        // C41.9 is the policy's condition (the code is right for it) but not the criterion's set.
        var (status, theCase, _) = await Api.Post(_client, $"/api/v1/cases/{caseId}/information", Information(Answers(questionnaire, (Icd("C41.9"), "manual"))));

        Assert.Equal(HttpStatusCode.OK, status);
        var line = theCase.GetProperty("determination").GetProperty("lines")[0];
        Assert.Equal("not-medically-necessary", line.Str("outcome"));
        var criterion = line.GetProperty("criteria").EnumerateArray().Single(c => c.Str("id") == "limb-or-metastatic-bone-malignancy");
        Assert.Equal("not-met", criterion.Str("result"));
    }

    [Theory]
    [InlineData("text")]
    [InlineData("other-system")]
    public async Task ADiagnosisAnswerThatIsNoIcd10CmCoding_IsRefusedNamingTheAnswer(string kind)
    {
        var questionnaire = Dtr.QuestionnaireOf(await Package());
        var caseId = await PendingCase("DX-3-" + kind);
        DataType answer = kind == "text" ? new FhirString("bone metastasis") : new Coding("http://snomed.info/sct", "94222008");

        var (status, problem, _) = await Api.Post(_client, $"/api/v1/cases/{caseId}/information", Information(Answers(questionnaire, (answer, "manual"))));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var expected = kind == "text" ? "questionnaireResponse.item[0].answer[0].valueString" : "questionnaireResponse.item[0].answer[0].valueCoding";
        Assert.Contains(expected, problem.GetRawText(), StringComparison.Ordinal);
        var (_, unchanged, _) = await Api.Get(_client, $"/api/v1/cases/{caseId}");
        Assert.Equal("pending-information", unchanged.Str("status"));
    }

    /// <summary>
    /// PAS $submit with the QuestionnaireResponse in supportingInfo: the claim's own diagnosis (C41.9) is the policy's
    /// condition but not the criterion's set; the questionnaire's diagnosis (C79.51) is added to the request's, and
    /// decides: certified (A1). Without it the criterion is not met and the line is pended for a physician (A4).
    /// </summary>
    [Theory]
    [InlineData(true, "A1")]
    [InlineData(false, "A4")]
    public async Task ThroughPasSubmit_TheQuestionnairesDiagnosisIsTheRequests(bool answered, string action)
    {
        var questionnaire = Dtr.QuestionnaireOf(await Package());
        var response = answered ? Answers(questionnaire, (Icd("C79.51"), "auto")) : Answers(questionnaire);
        var responseUrl = PasRequestBundles.Urn();
        var support = new Claim.SupportingInformationComponent
        {
            Sequence = 1,
            Category = new CodeableConcept("http://hl7.org/fhir/us/davinci-pas/CodeSystem/PASTempCodes", "additionalInformation"),
            Value = new ResourceReference(responseUrl),
        };
        var member = $"M-DX-PAS-{answered}";
        var bundle = PasRequestBundles.OneLine(new CodeableConcept(FhirSystems.Cpt, "20982"), "C41.9", Ehr.Coverage("standard", memberId: member),
            Ehr.Patient(birthDate: "1960-02-02", memberId: member), "Example bone clinic", [support], (responseUrl, response));
        response.Subject = new ResourceReference(PasRequestBundles.PatientUrl(bundle));

        var (status, resource) = await Dtr.PostAsync(_client, "/fhir/Claim/$submit", bundle);

        Assert.True(status == HttpStatusCode.OK, FhirJson.Serialize(resource));
        var claimResponse = Assert.IsType<ClaimResponse>(Assert.IsType<Bundle>(resource).Entry[0].Resource);
        var review = Assert.Single(Assert.Single(Assert.Single(claimResponse.Item).Adjudication).Extension, e => e.Url == FhirSystems.PasReviewAction);
        Assert.Equal(action, Assert.IsType<CodeableConcept>(review.Extension.Single(e => e.Url == FhirSystems.PasReviewActionCode).Value).Coding.Single().Code);
    }

    [Fact]
    public async Task ThroughPasSubmit_ADiagnosisAnswerThatIsNoIcd10CmCoding_IsRefusedNamingTheAnswer()
    {
        var questionnaire = Dtr.QuestionnaireOf(await Package());
        var response = Answers(questionnaire, (new FhirString("bone metastasis"), "manual"));
        var responseUrl = PasRequestBundles.Urn();
        var support = new Claim.SupportingInformationComponent
        {
            Sequence = 1,
            Category = new CodeableConcept("http://hl7.org/fhir/us/davinci-pas/CodeSystem/PASTempCodes", "additionalInformation"),
            Value = new ResourceReference(responseUrl),
        };
        var bundle = PasRequestBundles.OneLine(new CodeableConcept(FhirSystems.Cpt, "20982"), "C41.9", Ehr.Coverage("standard", memberId: "M-DX-PAS-BAD"),
            Ehr.Patient(birthDate: "1960-02-02", memberId: "M-DX-PAS-BAD"), "Example bone clinic", [support], (responseUrl, response));

        var (status, resource) = await Dtr.PostAsync(_client, "/fhir/Claim/$submit", bundle);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var issue = Assert.Single(Assert.IsType<OperationOutcome>(resource).Issue);
        Assert.EndsWith(".item[0].answer[0].valueString", issue.Expression.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NextQuestion_ReadsTheDiagnosesAnswer_AndCompletesOnceTheCriteriaAreDecided()
    {
        var questionnaire = Dtr.QuestionnaireOf(await Package());
        var canonical = $"{questionnaire.Url}|{questionnaire.Version}";
        var first = new QuestionnaireResponse { Questionnaire = canonical, Status = QuestionnaireResponse.QuestionnaireResponseStatus.InProgress, Authored = "2026-05-04T09:30:00Z" };

        var (_, asked) = await Dtr.PostAsync(_client, "/fhir/Questionnaire/$next-question", first);
        var response = Assert.IsType<QuestionnaireResponse>(asked);
        var contained = response.Contained.OfType<Questionnaire>().Single();
        Assert.Equal("diagnoses", Assert.Single(contained.Item).LinkId);

        // The diagnoses question repeats (Questionnaire.item.repeats): an item may give several.
        Assert.True(contained.Item[0].Repeats);
        response.Item.Add(new QuestionnaireResponse.ItemComponent
        {
            LinkId = "diagnoses", Answer = [new QuestionnaireResponse.AnswerComponent { Value = Icd("C40.21") }, new QuestionnaireResponse.AnswerComponent { Value = Icd("I10") }],
        });
        var (_, second) = await Dtr.PostAsync(_client, "/fhir/Questionnaire/$next-question", response);
        response = Assert.IsType<QuestionnaireResponse>(second);
        Assert.Equal("painAfterRadiotherapy", response.Contained.OfType<Questionnaire>().Single().Item.Last().LinkId);

        response.Item.Add(new QuestionnaireResponse.ItemComponent { LinkId = "painAfterRadiotherapy", Answer = [new QuestionnaireResponse.AnswerComponent { Value = new FhirBoolean(true) }] });
        var (_, third) = await Dtr.PostAsync(_client, "/fhir/Questionnaire/$next-question", response);
        Assert.Equal(QuestionnaireResponse.QuestionnaireResponseStatus.Completed, Assert.IsType<QuestionnaireResponse>(third).Status);

        // A diagnosis written as text is not read as one.
        response.Item[0].Answer[0].Value = new FhirString("C40.21");
        var (status, refused) = await Dtr.PostAsync(_client, "/fhir/Questionnaire/$next-question", response);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("QuestionnaireResponse.item[0].answer[0].valueString", Assert.Single(Assert.IsType<OperationOutcome>(refused).Issue).Expression.Single());
    }

    /// <summary>A case for the ablation without a diagnosis, the pain stated: it waits for the diagnoses.</summary>
    private async Task<string> PendingCase(string requestId)
    {
        var (status, created, _) = await Api.Post(_client, "/api/v1/determinations", $$"""
            {"requestId": "{{requestId}}", "member": {"id": "M-{{requestId}}", "birthDate": "1960-02-02"}, "dateOfService": "2026-06-15",
             "serviceLines": [{"sequence": 1, "code": "20982"}]}
            """);
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("pending-information", created.Str("status"));
        var needed = created.GetProperty("determination").GetProperty("lines")[0].GetProperty("factsNeeded").EnumerateArray().Select(f => f.Str("fact"));
        Assert.Equal(["diagnoses", "painAfterRadiotherapy"], needed);
        return created.Str("caseId");
    }

    /// <summary>The QuestionnaireResponse a DTR client sends: the diagnoses given, and the pain after radiotherapy typed (true).</summary>
    private static QuestionnaireResponse Answers(Questionnaire questionnaire, params (DataType Value, string Origin)[] diagnoses)
    {
        static QuestionnaireResponse.AnswerComponent Answer(DataType value, string origin)
        {
            var answer = new QuestionnaireResponse.AnswerComponent { Value = value };
            answer.Extension.Add(new Extension { Url = ClinicalFactReader.InformationOrigin, Extension = [new Extension("source", new Code(origin))] });
            return answer;
        }
        var response = new QuestionnaireResponse
        {
            Questionnaire = $"{questionnaire.Url}|{questionnaire.Version}",
            Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
            Authored = "2026-05-04T09:30:00Z",
        };
        response.Item.Add(new QuestionnaireResponse.ItemComponent { LinkId = "diagnoses", Text = questionnaire.Item[0].Text, Answer = [.. diagnoses.Select(d => Answer(d.Value, d.Origin))] });
        response.Item.Add(new QuestionnaireResponse.ItemComponent { LinkId = "painAfterRadiotherapy", Text = questionnaire.Item[1].Text, Answer = [Answer(new FhirBoolean(true), "manual")] });
        return response;
    }

    private static string Information(QuestionnaireResponse response) =>
        new JsonObject { ["questionnaireResponse"] = JsonNode.Parse(FhirJson.Serialize(response)) }.ToJsonString();

    private static Coding Icd(string code) => new(FhirSystems.Icd10Cm, code);

    private async Task<(HttpStatusCode, Resource)> Get(string path)
    {
        using var response = await _client.GetAsync(new Uri(path, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, FhirJson.Parse<Resource>(text, out _)!);
    }

    private void AssertValid(Resource resource, string profile)
    {
        var issues = Dtr.Issues(resource, profile);
        foreach (var issue in issues) _output.WriteLine($"{profile}: {issue}");
        Assert.DoesNotContain(issues, i => i.IsError);
    }
}
