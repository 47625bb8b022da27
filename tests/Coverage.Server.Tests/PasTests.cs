using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Coverage.Fhir;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Time.Testing;
using Task = System.Threading.Tasks.Task;

namespace Coverage.Server.Tests;

/// <summary>Da Vinci PAS: $submit and $inquire over HTTP with Bundles built as a provider system builds them.</summary>
public sealed class PasTests : IClassFixture<SqliteStorage>, IDisposable
{
    private readonly SqliteStorage _storage;
    private readonly CoverageApp _app;
    private readonly HttpClient _client;

    public PasTests(SqliteStorage storage)
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

    /// <summary>A PAS request Bundle: Claim first, then Patient, insurer, provider and Coverage, linked by urn:uuid fullUrls.</summary>
    private static Bundle PasBundle(
        string requestId, string code = "0581T", string date = "2026-05-04", string plan = "standard", string? text = "US-guided cryoablation, left breast",
        string diagnosis = "C50.412", ClaimUseCode use = ClaimUseCode.Preauthorization, string codeSystem = Ehr.Cpt, params (string Code, string? Text)[] moreItems)
    {
        static string Urn() => $"urn:uuid:{Guid.NewGuid()}";
        var (patientUrl, insurerUrl, providerUrl, coverageUrl) = (Urn(), Urn(), Urn(), Urn());
        var claim = new Claim
        {
            Identifier = [new Identifier("http://provider.example/prior-auth", requestId)],
            Status = FinancialResourceStatusCodes.Active,
            Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/claim-type", "professional"),
            Use = use,
            Patient = new ResourceReference(patientUrl),
            Created = "2026-04-20T09:00:00Z",
            Insurer = new ResourceReference(insurerUrl),
            Provider = new ResourceReference(providerUrl),
            Priority = new CodeableConcept("http://terminology.hl7.org/CodeSystem/processpriority", "normal"),
            Diagnosis = [new Claim.DiagnosisComponent { Sequence = 1, Diagnosis = new CodeableConcept(Ehr.Icd10, diagnosis) }],
            Insurance = [new Claim.InsuranceComponent { Sequence = 1, Focal = true, Coverage = new ResourceReference(coverageUrl) }],
        };
        var items = new[] { (code, text) }.Concat(moreItems).ToList();
        for (var i = 0; i < items.Count; i++)
            claim.Item.Add(new Claim.ItemComponent
            {
                Sequence = i + 1,
                ProductOrService = new CodeableConcept(codeSystem, items[i].Item1) { Text = items[i].Item2 },
                Serviced = new Date(date),
                Quantity = new Quantity { Value = 1 },
            });
        var coverage = Ehr.Coverage(plan);
        coverage.Id = null;
        coverage.Beneficiary = new ResourceReference(patientUrl);
        var patient = Ehr.Patient(memberId: "M-PAS-1");
        patient.Id = null;
        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Collection,
            Identifier = new Identifier("http://provider.example/bundles", requestId),
            Timestamp = new DateTimeOffset(2026, 4, 20, 9, 0, 0, TimeSpan.Zero),
        };
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = Urn(), Resource = claim });
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = patientUrl, Resource = patient });
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = insurerUrl, Resource = new Organization { Name = "Example payer" } });
        // The provider named by its NPI, as a provider system names it: an inquiry or update must name the same provider.
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = providerUrl,
            Resource = new Organization { Name = "Example breast surgery clinic", Identifier = [new Identifier("http://hl7.org/fhir/sid/us-npi", "1234567893")] },
        });
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = coverageUrl, Resource = coverage });
        return bundle;
    }

    private Task<(HttpStatusCode Status, Resource Body)> Post(string operation, string body, string contentType = "application/fhir+json") =>
        Post(_client, operation, body, contentType);

    private static async Task<(HttpStatusCode Status, Resource Body)> Post(HttpClient client, string operation, string body, string contentType = "application/fhir+json")
    {
        using var content = new StringContent(body, Encoding.UTF8, contentType);
        using var response = await client.PostAsync(new Uri($"/fhir/Claim/${operation}", UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();
        var resource = FhirJson.Parse<Resource>(text, out var problems) ?? throw new InvalidOperationException(problems!.Issue[0].Diagnostics);
        FhirValidation.AssertValid(resource);
        return (response.StatusCode, resource);
    }

    private Task<(HttpStatusCode Status, Resource Body)> Post(string operation, Bundle bundle) => Post(operation, FhirJson.Serialize(bundle));

    /// <summary>The ClaimResponse of a $submit answer, or of an $inquire answer's one response Bundle.</summary>
    private static ClaimResponse ClaimResponseOf(Resource body)
    {
        var bundle = body is Parameters parameters ? Assert.IsType<Bundle>(Assert.Single(parameters.Parameter, p => p.Name == "return").Resource) : Assert.IsType<Bundle>(body);
        foreach (var entry in bundle.Entry) FhirValidation.AssertValid(entry.Resource!);
        return Assert.IsType<ClaimResponse>(bundle.Entry[0].Resource);
    }

    /// <summary>An item's X12 306 review action code, and its certification number (only a certified item has one).</summary>
    private static (string Code, string? Number) ReviewAction(ClaimResponse.ItemComponent item)
    {
        var reviewAction = Assert.Single(Assert.Single(item.Adjudication).Extension, e => e.Url == FhirSystems.PasReviewAction);
        var code = Assert.IsType<CodeableConcept>(reviewAction.Extension.Single(e => e.Url == FhirSystems.PasReviewActionCode).Value).Coding.Single();
        Assert.Equal(FhirSystems.X12ActionCode, code.System);
        return (code.Code!, (reviewAction.Extension.SingleOrDefault(e => e.Url == "number")?.Value as FhirString)?.Value);
    }

    /// <summary>The administration reference number (REF*NT) a pended or denied item carries: the case id.</summary>
    private static string? AdministrationNumber(ClaimResponse.ItemComponent item) =>
        (item.Extension.SingleOrDefault(e => e.Url == Coverage.Fhir.Pas.PasSystems.AdministrationReferenceNumber)?.Value as FhirString)?.Value;

    // ------------------------------------------------------------------ $submit

    [Fact]
    public async Task Submit_Cryoablation_IsPendedA4WithTheCaseAndThePolicy()
    {
        var request = PasBundle(Api.NewId());

        var (status, body) = await Post("submit", request);

        Assert.Equal(HttpStatusCode.OK, status);
        var bundle = Assert.IsType<Bundle>(body);
        var response = ClaimResponseOf(body);
        Assert.Equal(FinancialResourceStatusCodes.Active, response.Status);
        Assert.Equal(ClaimUseCode.Preauthorization, response.Use);
        // PAS 2.2.1: a pended answer is outcome complete with A4; no preAuthRef until something is certified.
        Assert.Equal(ClaimProcessingCodes.Complete, response.Outcome);
        Assert.Null(response.PreAuthRef);
        Assert.Equal(request.Identifier!.Value, bundle.Identifier!.Value);
        Assert.Equal(request.Identifier.System, bundle.Identifier.System);
        Assert.Equal("professional", response.Type.Coding.Single().Code);
        Assert.Equal(((Claim)request.Entry[0].Resource!).Identifier[0].Value, response.Request!.Identifier!.Value);
        Assert.Contains(bundle.Entry, e => e.FullUrl == response.Patient.Reference && e.Resource is Patient);
        Assert.Contains(bundle.Entry, e => e.FullUrl == response.Insurer.Reference && e.Resource is Organization);
        var item = Assert.Single(response.Item);
        Assert.Equal(1, item.ItemSequence);
        var (code, certification) = ReviewAction(item);
        Assert.Equal("A4", code);
        Assert.Null(certification);
        var number = AdministrationNumber(item);
        Assert.True(Guid.TryParse(number, out _));
        var note = Assert.Single(response.ProcessNote);
        Assert.Equal(item.NoteNumber.Single(), note.Number);
        Assert.Contains("physician review", note.Text, StringComparison.Ordinal);
        Assert.Contains("Policy 0540", note.Text, StringComparison.Ordinal);
        Assert.Contains("considered not medically necessary", note.Text, StringComparison.Ordinal);

        var (_, theCase, _) = await Api.Get(_client, $"/api/v1/cases/{number}");
        Assert.Equal("pending-physician-review", theCase.Str("status"));
    }

    [Fact]
    public async Task Submit_SameBundleAgain_GivesTheSameAnswer()
    {
        var request = PasBundle(Api.NewId());
        var first = ClaimResponseOf((await Post("submit", request)).Body);

        var second = ClaimResponseOf((await Post("submit", request)).Body);

        Assert.Equal(AdministrationNumber(first.Item[0]), AdministrationNumber(second.Item[0]));
        Assert.Equal(first.Outcome, second.Outcome);
        Assert.Equal(ReviewAction(first.Item[0]), ReviewAction(second.Item[0]));
        Assert.Equal(first.ProcessNote[0].Text, second.ProcessNote[0].Text);
    }

    [Fact]
    public async Task Inquire_AfterPhysicianUpholds_IsA3WithTheReviewersRationale()
    {
        var request = PasBundle(Api.NewId());
        var caseId = AdministrationNumber(ClaimResponseOf((await Post("submit", request)).Body).Item[0]);
        var (decided, _, _) = await Api.Post(_client, $"/api/v1/cases/{caseId}/decisions",
            Api.Decision((1, "uphold", "Cryoablation is not medically necessary under policy 0540 for this member.")));
        Assert.Equal(HttpStatusCode.OK, decided);

        var (status, body) = await Post("inquire", request);

        Assert.Equal(HttpStatusCode.OK, status);
        var response = ClaimResponseOf(body);
        Assert.Equal(ClaimProcessingCodes.Complete, response.Outcome);
        Assert.Equal("A3", ReviewAction(response.Item[0]).Code);
        Assert.Contains("not medically necessary under policy 0540 for this member", response.ProcessNote[0].Text, StringComparison.Ordinal);
        Assert.Contains("Coverage Policy", response.ProcessNote[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inquire_AfterOverturn_IsA1()
    {
        var request = PasBundle(Api.NewId());
        var caseId = AdministrationNumber(ClaimResponseOf((await Post("submit", request)).Body).Item[0]);
        await Api.Post(_client, $"/api/v1/cases/{caseId}/decisions", Api.Decision((1, "overturn", "Plan exception documented.")));

        var response = ClaimResponseOf((await Post("inquire", request)).Body);

        Assert.Equal("A1", ReviewAction(response.Item[0]).Code);
    }

    [Fact]
    public async Task Inquire_BeforeAnyDecision_IsStillA4()
    {
        var request = PasBundle(Api.NewId());
        await Post("submit", request);

        var response = ClaimResponseOf((await Post("inquire", request)).Body);

        Assert.Equal("A4", ReviewAction(response.Item[0]).Code);
        Assert.Equal(ClaimProcessingCodes.Complete, response.Outcome);
    }

    [Fact]
    public async Task Submit_InvalidCode_IsAnsweredDirectlyA3()
    {
        var response = ClaimResponseOf((await Post("submit", PasBundle(Api.NewId(), code: "0971T", date: "2025-11-20"))).Body);

        Assert.Equal("A3", ReviewAction(response.Item[0]).Code);
        Assert.Equal(ClaimProcessingCodes.Complete, response.Outcome);
        Assert.Contains("not a valid code", response.ProcessNote[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_PlanExclusion_IsAnsweredDirectlyA3()
    {
        var response = ClaimResponseOf((await Post("submit", PasBundle(Api.NewId(), plan: "example-ablation-exclusion"))).Body);

        Assert.Equal("A3", ReviewAction(response.Item[0]).Code);
        Assert.Contains("0581T is excluded by the member's plan", response.ProcessNote[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_LineThePolicyDoesNotAddress_IsNoActionRequired()
    {
        var response = ClaimResponseOf((await Post("submit", PasBundle(Api.NewId(), moreItems: ("19120", "Excision of breast lesion")))).Body);

        Assert.Equal(["A4", "NA"], response.Item.Select(i => ReviewAction(i).Code));
        Assert.Equal([1, 2], response.Item.Select(i => i.ItemSequence));
        Assert.Equal(ClaimProcessingCodes.Complete, response.Outcome);
    }

    [Fact]
    public async Task Submit_UnlistedCodeWithoutDescription_IsPendedForInformation()
    {
        var response = ClaimResponseOf((await Post("submit", PasBundle(Api.NewId(), code: "19499", text: null))).Body);

        Assert.Equal("A4", ReviewAction(response.Item[0]).Code);
        Assert.Contains("more information is needed", response.ProcessNote[0].Text, StringComparison.Ordinal);
        Assert.Contains("description", response.ProcessNote[0].Text, StringComparison.Ordinal);
    }

    // ------------------------------------------------------------------ claim updates (issue 16)

    /// <summary>The request again as a Claim update: Claim.related names the prior Claim by its identifier.</summary>
    private static Bundle AsUpdate(Bundle bundle, bool cancel = false)
    {
        var claim = (Claim)bundle.Entry[0].Resource!;
        claim.Related = [new Claim.RelatedClaimComponent
        {
            Claim = new ResourceReference { Identifier = new Identifier(claim.Identifier[0].System, claim.Identifier[0].Value) },
            Relationship = new CodeableConcept("http://terminology.hl7.org/CodeSystem/ex-relatedclaimrelationship", "prior"),
        }];
        if (cancel) claim.Extension.Add(new Extension(Coverage.Fhir.Pas.PasSystems.CertificationType, new CodeableConcept("https://codesystem.x12.org/005010/1322", "3")));
        return bundle;
    }

    [Fact]
    public async Task Update_OfALineAPhysicianDecided_IsAnErrorClaimResponse_ButTheRequestMayBeCancelled_KeepingTheDecision()
    {
        var requestId = Api.NewId();
        var caseId = AdministrationNumber(ClaimResponseOf((await Post("submit", PasBundle(requestId))).Body).Item[0]);
        await Api.Post(_client, $"/api/v1/cases/{caseId}/decisions", Api.Decision((1, "uphold", "Not medically necessary for this member.")));

        var (changed, refusal) = await Post("submit", AsUpdate(PasBundle(requestId, date: "2026-05-11")));
        var (cancelled, body) = await Post("submit", AsUpdate(PasBundle(requestId), cancel: true));

        // As the IG's RejectionResponseExample answers an update it cannot take: 200, outcome error, X12 901 33.
        Assert.Equal(HttpStatusCode.OK, changed);
        var refused = ClaimResponseOf(refusal);
        TheError(refused, "33", "Claim.related");
        Assert.Contains("decision stands", Assert.Single(refused.ProcessNote).Text, StringComparison.Ordinal);
        Assert.Empty(refused.Item);
        Assert.Equal(HttpStatusCode.OK, cancelled);
        var response = ClaimResponseOf(body);
        Assert.Equal("C", ReviewAction(Assert.Single(response.Item)).Code);
        var (_, theCase, _) = await Api.Get(_client, $"/api/v1/cases/{caseId}");
        Assert.Equal("cancelled", theCase.Str("status"));
        Assert.Equal("uphold", theCase.GetProperty("decisions")[0].Str("action"));
        Assert.Equal("not-covered", theCase.Str("finalOutcome")); // the upheld decision's final outcome stays, as history
    }

    [Fact]
    public async Task Update_WithAppealCertificationType_FilesAnAppealOfTheDenial_TheCaseStaysAsItWas()
    {
        // Issue 18: X12 1322 certificationType 2 (appeal – standard) on the Claim update contests the denial.
        var requestId = Api.NewId();
        var caseId = AdministrationNumber(ClaimResponseOf((await Post("submit", PasBundle(requestId))).Body).Item[0]);
        await Api.Post(_client, $"/api/v1/cases/{caseId}/decisions", Api.Decision((1, "uphold", "Not medically necessary for this member.")));
        var appeal = AsUpdate(PasBundle(requestId));
        ((Claim)appeal.Entry[0].Resource!).Extension.Add(new Extension(Coverage.Fhir.Pas.PasSystems.CertificationType, new CodeableConcept("https://codesystem.x12.org/005010/1322", "2")));

        var (status, body) = await Post("submit", appeal);

        Assert.Equal(HttpStatusCode.OK, status);
        var appealId = AdministrationNumber(ClaimResponseOf(body).Item[0]);
        Assert.NotEqual(caseId, appealId);
        var (_, filed, _) = await Api.Get(_client, $"/api/v1/cases/{appealId}");
        Assert.Equal("pas", filed.GetProperty("appeal").Str("filedBy"));
        Assert.Equal(caseId, filed.GetProperty("appeal").Str("of"));
        var (_, original, _) = await Api.Get(_client, $"/api/v1/cases/{caseId}");
        Assert.Equal("final", original.Str("status"));
        Assert.Equal("not-covered", original.Str("finalOutcome"));

        // An inquiry naming the request answers with the original determination, then the appeal's current result.
        var (inquired, answer) = await Post("inquire", PasBundle(requestId));
        Assert.Equal(HttpStatusCode.OK, inquired);
        var responses = Assert.IsType<Parameters>(answer).Parameter.Where(p => p.Name == "return")
            .Select(p => Assert.IsType<ClaimResponse>(Assert.IsType<Bundle>(p.Resource).Entry[0].Resource)).ToList();
        Assert.Equal([caseId, appealId], responses.Select(r => AdministrationNumber(r.Item[0])));
        Assert.Equal(["A3", "A4"], responses.Select(r => ReviewAction(r.Item[0]).Code));
    }

    [Fact]
    public async Task Inquire_ListingOneItem_AnswersEveryItemOfTheRequest()
    {
        // spec-46: the current results for all submitted items, matched by sequence and code.
        var requestId = Api.NewId();
        await Post("submit", PasBundle(requestId, moreItems: ("19120", "Excision of breast lesion")));
        var inquiry = PasBundle(requestId, moreItems: ("19120", "Excision of breast lesion"));
        ((Claim)inquiry.Entry[0].Resource!).Item.RemoveAt(0);

        var response = ClaimResponseOf((await Post("inquire", inquiry)).Body);

        Assert.Equal([1, 2], response.Item.Select(i => i.ItemSequence));
        Assert.Equal(["A4", "NA"], response.Item.Select(i => ReviewAction(i).Code));
    }

    // ------------------------------------------------------------------ errors

    [Theory]
    [InlineData("", "empty")]
    [InlineData("{ not json", "JSON")]
    [InlineData("""{"resourceType":"Bundle","type":"collection"}""", "no entries")]
    [InlineData("""{"resourceType":"Patient","id":"p"}""", "Bundle")]
    [InlineData("""{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","id":"p"}}]}""", "Claim")]
    [InlineData("""{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Claim","bogus":true}}]}""", "bogus")]
    // Resource type names are case-sensitive: Firely's reader would read these as a Bundle and a Claim.
    [InlineData("""{"resourceType":"bundle","type":"collection","entry":[{"resource":{"resourceType":"Claim","id":"c"}}]}""", "'Bundle'")]
    [InlineData("""{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"claim","id":"c"}}]}""", "case-sensitive")]
    // The SDK throws (rather than reports) on a single contained resource where a list is: a 500 before session 15.
    [InlineData("""{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Claim","contained":{"resourceType":"Organization"}}}]}""", "collection")]
    public async Task Submit_MalformedBundle_Is400WithOperationOutcome(string body, string mentions)
    {
        var (status, resource) = await Post("submit", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var outcome = Assert.IsType<OperationOutcome>(resource);
        Assert.Contains(outcome.Issue, i => i.Diagnostics?.Contains(mentions, StringComparison.OrdinalIgnoreCase) == true);
    }

    [Fact]
    public async Task Submit_BundleWithTooManyEntries_Is400()
    {
        var bundle = PasBundle(Api.NewId());
        for (var i = 0; i < 500; i++) bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = $"urn:uuid:{Guid.NewGuid()}", Resource = new Organization { Name = $"Org {i}" } });

        var (status, resource) = await Post("submit", bundle);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("at most 500", Assert.IsType<OperationOutcome>(resource).Issue[0].Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_ClaimNotPreauthorization_Is400NamingClaimUse()
    {
        var (status, resource) = await Post("submit", PasBundle(Api.NewId(), use: ClaimUseCode.Claim));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Claim.use", Assert.IsType<OperationOutcome>(resource).Issue[0].Expression.Single());
    }

    [Theory]
    [InlineData("submit", Bundle.BundleType.Transaction)]
    [InlineData("submit", Bundle.BundleType.Batch)]
    [InlineData("inquire", Bundle.BundleType.Transaction)]
    public async Task ABundleThatIsNoCollection_Is400NamingBundleType(string operation, Bundle.BundleType type)
    {
        var bundle = PasBundle(Api.NewId());
        bundle.Type = type;

        var (status, resource) = await Post(operation, bundle);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Bundle.type", Assert.IsType<OperationOutcome>(resource).Issue[0].Expression.Single());
    }

    [Theory]
    [InlineData("diagnosisSequence")]
    [InlineData("informationSequence")]
    [InlineData("careTeamSequence")]
    public async Task Submit_ItemPointingAtNoEntryOfTheClaim_Is400NamingThePointer(string element)
    {
        var bundle = PasBundle(Api.NewId());
        var item = ((Claim)bundle.Entry[0].Resource!).Item[0];
        switch (element)
        {
            case "diagnosisSequence": item.DiagnosisSequence = [9]; break;
            case "informationSequence": item.InformationSequence = [9]; break;
            default: item.CareTeamSequence = [9]; break;
        }

        var (status, resource) = await Post("submit", bundle);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var issue = Assert.IsType<OperationOutcome>(resource).Issue.Single();
        Assert.Equal($"Claim.item[0].{element}", issue.Expression.Single());
        Assert.Contains("9 names no", issue.Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_ACoverageOfAnotherPatient_Is400NamingTheBeneficiary()
    {
        var bundle = PasBundle(Api.NewId());
        var other = $"urn:uuid:{Guid.NewGuid()}";
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = other, Resource = Ehr.Patient(id: "pat-2", memberId: "M-OTHER") });
        bundle.Entry.Select(e => e.Resource).OfType<Hl7.Fhir.Model.Coverage>().Single().Beneficiary = new ResourceReference(other);

        var (status, resource) = await Post("submit", bundle);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Coverage.beneficiary", Assert.IsType<OperationOutcome>(resource).Issue.Single().Expression.Single());
    }

    [Fact]
    public async Task Submit_AnItemCodedWithTwoProcedureCodes_IsABusinessErrorNamingIt_TheSameCodeTwiceIsNot()
    {
        var bundle = PasBundle(Api.NewId());
        var service = ((Claim)bundle.Entry[0].Resource!).Item[0].ProductOrService;
        service.Coding.Add(new Coding(Ehr.Cpt, "19499"));

        var (status, resource) = await Post("submit", bundle);

        Assert.Equal(HttpStatusCode.OK, status);
        var error = Assert.Single(ClaimResponseOf(resource).Error);
        Assert.Equal("AG", error.Code.Coding.Single().Code);
        Assert.Equal(1, error.ItemSequence);

        // One code given under both of its systems (CPT is HCPCS Level I) is one service.
        ((Claim)bundle.Entry[0].Resource!).Identifier[0].Value = Api.NewId();
        service.Coding[1] = new Coding(FhirSystems.Hcpcs, "0581T");
        (status, resource) = await Post("submit", bundle);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(ClaimProcessingCodes.Complete, ClaimResponseOf(resource).Outcome);
    }

    [Fact]
    public async Task Submit_UnderACoverageNamingTwoPlans_Is400NamingItsClass_NotDecidedByTheFirst()
    {
        var bundle = PasBundle(Api.NewId());
        Ehr.TwoPlans(bundle.Entry.Select(e => e.Resource).OfType<Hl7.Fhir.Model.Coverage>().Single(), "example-fda-cryo-rider");

        var (answer, resource) = await Post("submit", bundle);

        Assert.Equal(HttpStatusCode.BadRequest, answer);
        var issue = Assert.IsType<OperationOutcome>(resource).Issue.Single();
        Assert.Equal("Coverage.class", issue.Expression.Single());
        Assert.Contains("'example-fda-cryo-rider'", issue.Diagnostics, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(FinancialResourceStatusCodes.Cancelled)]
    [InlineData(FinancialResourceStatusCodes.EnteredInError)]
    [InlineData(FinancialResourceStatusCodes.Draft)]
    public async Task Submit_UnderACoverageThatIsNotActive_Is400NamingItsStatus(FinancialResourceStatusCodes status)
    {
        var bundle = PasBundle(Api.NewId());
        bundle.Entry.Select(e => e.Resource).OfType<Hl7.Fhir.Model.Coverage>().Single().Status = status;

        var (answer, resource) = await Post("submit", bundle);

        Assert.Equal(HttpStatusCode.BadRequest, answer);
        Assert.Equal("Coverage.status", Assert.IsType<OperationOutcome>(resource).Issue.Single().Expression.Single());
    }

    [Fact]
    public async Task Submit_ItemPointingAtItsDiagnosis_IsAnswered()
    {
        var bundle = PasBundle(Api.NewId());
        ((Claim)bundle.Entry[0].Resource!).Item[0].DiagnosisSequence = [1];

        var (status, resource) = await Post("submit", bundle);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(ClaimProcessingCodes.Complete, ClaimResponseOf(resource).Outcome);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-2")]
    [InlineData("100000")]
    [InlineData("1.2345")]
    public async Task Submit_AQuantityThatIsNoNumberOfUnits_IsABusinessErrorNamingTheQuantity_NeverOneUnit(string quantity)
    {
        var bundle = PasBundle(Api.NewId());
        ((Claim)bundle.Entry[0].Resource!).Item[0].Quantity = new Quantity { Value = decimal.Parse(quantity, System.Globalization.CultureInfo.InvariantCulture) };

        var (status, resource) = await Post("submit", bundle);

        Assert.Equal(HttpStatusCode.OK, status);
        var response = ClaimResponseOf(resource);
        Assert.Equal(ClaimProcessingCodes.Error, response.Outcome);
        var error = Assert.Single(response.Error);
        Assert.Equal(1, error.ItemSequence);
        Assert.Equal("Claim.item[0].quantity", Assert.IsType<FhirString>(error.Extension.Single(e => e.Url!.EndsWith("extension-errorPath", StringComparison.Ordinal)).Value).Value);
    }

    [Theory]
    [InlineData("2")]
    [InlineData("1.5")]
    public async Task Submit_AQuantityOfUnits_IsTheLinesUnits(string quantity)
    {
        var bundle = PasBundle(Api.NewId());
        var units = decimal.Parse(quantity, System.Globalization.CultureInfo.InvariantCulture);
        ((Claim)bundle.Entry[0].Resource!).Item[0].Quantity = new Quantity { Value = units };

        var (status, resource) = await Post("submit", bundle);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(ClaimProcessingCodes.Complete, ClaimResponseOf(resource).Outcome);
        var request = Coverage.Fhir.Pas.PasRequest.Read(bundle, Catalogue.Facts, out _)!.Validate(Catalogue).Request!;
        Assert.Equal(units, request.ServiceLines[0].Units);
    }

    private static readonly Coverage.Engine.Catalogue.PolicyCatalogue Catalogue = Coverage.Engine.Catalogue.CatalogueLoader.Load(CoverageApp.RepositoryRoot);

    [Fact]
    public async Task Submit_ItemWithoutCptOrHcpcs_IsABusinessErrorNamingTheItem()
    {
        var (status, resource) = await Post("submit", PasBundle(Api.NewId(), codeSystem: "http://snomed.info/sct", code: "241490008"));

        Assert.Equal(HttpStatusCode.OK, status);
        var response = ClaimResponseOf(resource);
        Assert.Equal(ClaimProcessingCodes.Error, response.Outcome);
        var error = Assert.Single(response.Error);
        Assert.Equal("AG", error.Code.Coding.Single().Code);
        Assert.Equal(1, error.ItemSequence);
        Assert.Equal("Claim.item[0].productOrService", Assert.IsType<FhirString>(error.Extension.Single(e => e.Url!.EndsWith("extension-errorPath", StringComparison.Ordinal)).Value).Value);
    }

    // ------------------------------------------------------------------ a request for another payer

    /// <summary>The server told who its payer is (Coverage:Payer), as the CRD conformance tests configure it.</summary>
    private CoverageApp PayerApp() => new(_storage, new FakeTimeProvider(CoverageApp.Start), builder =>
    {
        builder.UseSetting("Coverage:Payer:Name", "Example payer");
        builder.UseSetting("Coverage:Payer:Identifiers:0", "http://payer.example/payer-id|EXAMPLE");
    });

    /// <summary>The Organization the request's Claim.insurer names.</summary>
    private static Organization Insurer(Bundle bundle) =>
        (Organization)bundle.Entry.Single(e => e.FullUrl == ((Claim)bundle.Entry[0].Resource!).Insurer!.Reference).Resource!;

    private static string ErrorPath(ClaimResponse.ErrorComponent error) =>
        Assert.IsType<FhirString>(error.Extension.Single(e => e.Url!.EndsWith("extension-errorPath", StringComparison.Ordinal)).Value).Value!;

    /// <summary>A business-error answer with one error: outcome error, the X12 901 code and the element at fault.</summary>
    private static ClaimResponse.ErrorComponent TheError(ClaimResponse response, string code, string errorPath)
    {
        Assert.Equal(ClaimProcessingCodes.Error, response.Outcome);
        var error = Assert.Single(response.Error);
        Assert.Equal((Coverage.Fhir.Pas.PasSystems.X12RejectReason, code), (error.Code.Coding.Single().System, error.Code.Coding.Single().Code));
        Assert.Equal(errorPath, ErrorPath(error));
        return error;
    }

    [Fact]
    public async Task Submit_AddressedToAnotherPayer_IsABusinessError79NamingTheInsurer_AndMakesNoCase()
    {
        using var app = PayerApp();
        using var client = app.CreateClient();
        var bundle = PasBundle(Api.NewId());
        Insurer(bundle).Name = "Another insurer";

        var (status, resource) = await Post(client, "submit", FhirJson.Serialize(bundle));

        Assert.Equal(HttpStatusCode.OK, status);
        var response = ClaimResponseOf(resource);
        TheError(response, "79", "Claim.insurer");
        Assert.Contains("Another insurer", Assert.Single(response.ProcessNote).Text, StringComparison.Ordinal);
        Assert.All(response.Item, item => Assert.Empty(item.Adjudication));

        // No case was made: the same request, sent to this payer, is decided (not a conflict with a request already held).
        Insurer(bundle).Name = "Example payer";
        (status, resource) = await Post(client, "submit", FhirJson.Serialize(bundle));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(ClaimProcessingCodes.Complete, ClaimResponseOf(resource).Outcome);
    }

    [Fact]
    public async Task Submit_ACoverageWithAnotherPayer_IsABusinessError79NamingCoveragePayor()
    {
        using var app = PayerApp();
        using var client = app.CreateClient();
        var bundle = PasBundle(Api.NewId());
        bundle.Entry.Select(e => e.Resource).OfType<Hl7.Fhir.Model.Coverage>().Single().Payor = [new ResourceReference { Display = "Another insurer" }];

        var (status, resource) = await Post(client, "submit", FhirJson.Serialize(bundle));

        Assert.Equal(HttpStatusCode.OK, status);
        var error = Assert.Single(ClaimResponseOf(resource).Error);
        Assert.Equal("79", error.Code.Coding.Single().Code);
        Assert.Equal("Coverage.payor", ErrorPath(error));
    }

    [Fact]
    public async Task Submit_AnInsurerNamedByThePayersIdentifier_IsDecided_AndAServerNotToldItsPayerDecidesAny()
    {
        using var app = PayerApp();
        using var client = app.CreateClient();
        var bundle = PasBundle(Api.NewId());
        var insurer = Insurer(bundle);
        insurer.Name = "Example payer's trade name";
        insurer.Identifier = [new Identifier("http://payer.example/payer-id", "EXAMPLE")];

        var (status, resource) = await Post(client, "submit", FhirJson.Serialize(bundle));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(ClaimProcessingCodes.Complete, ClaimResponseOf(resource).Outcome);

        // Without Coverage:Payer the server cannot tell another payer from its own, and decides (as CRD answers).
        var elsewhere = PasBundle(Api.NewId());
        Insurer(elsewhere).Name = "Another insurer";
        (status, resource) = await Post("submit", elsewhere);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(ClaimProcessingCodes.Complete, ClaimResponseOf(resource).Outcome);
    }

    [Fact]
    public async Task Submit_IsDecidedUnderTheFocalInsurance_NotAnotherCoverageListedBeforeIt()
    {
        // The member's other coverage (a plan this payer does not administer) listed first, not focal; ours second, focal.
        var bundle = PasBundle(Api.NewId());
        var claim = (Claim)bundle.Entry[0].Resource!;
        var other = Ehr.Coverage("gold");
        other.Id = null;
        other.Beneficiary = claim.Patient;
        var otherUrl = $"urn:uuid:{Guid.NewGuid()}";
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = otherUrl, Resource = other });
        claim.Insurance.Insert(0, new Claim.InsuranceComponent { Sequence = 2, Focal = false, Coverage = new ResourceReference(otherUrl) });

        var (status, resource) = await Post("submit", bundle);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(ClaimProcessingCodes.Complete, ClaimResponseOf(resource).Outcome);

        // Two focal insurances name no one Coverage to decide under.
        claim.Identifier[0].Value = Api.NewId();
        claim.Insurance[0].Focal = true;
        (status, resource) = await Post("submit", bundle);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Claim.insurance", Assert.IsType<OperationOutcome>(resource).Issue.Single().Expression.Single());
    }

    [Fact]
    public async Task Submit_UnknownPlan_IsABusinessErrorThatListsNoPlans()
    {
        var (status, resource) = await Post("submit", PasBundle(Api.NewId(), plan: "gold"));

        Assert.Equal(HttpStatusCode.OK, status);
        var response = ClaimResponseOf(resource);
        Assert.Equal(ClaimProcessingCodes.Error, response.Outcome);
        Assert.Equal("78", Assert.Single(response.Error).Code.Coding.Single().Code);
        var note = Assert.Single(response.ProcessNote).Text;
        Assert.Contains("'gold' is not a plan this payer administers", note, StringComparison.Ordinal);
        Assert.DoesNotContain("standard", FhirJson.Serialize(resource), StringComparison.Ordinal);
        Assert.DoesNotContain("example-fda-cryo-rider", FhirJson.Serialize(resource), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_SameIdentifierDifferentRequest_IsANewRequest_EachKeepsItsAnswer_AndAnUpdateChangesTheLatest()
    {
        var requestId = Api.NewId();
        var first = ClaimResponseOf((await Post("submit", PasBundle(requestId))).Body);

        var (status, resource) = await Post("submit", PasBundle(requestId, date: "2026-05-05"));

        // A provider's system may send another request under a Claim identifier it used (the PAS kit's presets do): a
        // case of its own, answered as any new request is.
        Assert.Equal(HttpStatusCode.OK, status);
        var second = ClaimResponseOf(resource);
        Assert.Equal(ClaimProcessingCodes.Complete, second.Outcome);
        Assert.Equal("A4", ReviewAction(second.Item[0]).Code);
        var (firstCase, secondCase) = (AdministrationNumber(first.Item[0])!, AdministrationNumber(second.Item[0])!);
        Assert.NotEqual(firstCase, secondCase);
        // Each Bundle sent again is a resubmission of its own request, not a third case.
        Assert.Equal(firstCase, AdministrationNumber(ClaimResponseOf((await Post("submit", PasBundle(requestId))).Body).Item[0]));
        Assert.Equal(secondCase, AdministrationNumber(ClaimResponseOf((await Post("submit", PasBundle(requestId, date: "2026-05-05"))).Body).Item[0]));
        // An inquiry naming the identifier and one request's service finds that request.
        var (_, inquired) = await Post("inquire", PasBundle(requestId, date: "2026-05-05"));
        Assert.Equal(secondCase, AdministrationNumber(ClaimResponseOf(inquired).Item[0]));

        // An update under the identifier changes the request the provider sent last; the first stays as it was.
        var (updated, _) = await Post("submit", AsUpdate(PasBundle(requestId, date: "2026-05-06")));

        Assert.Equal(HttpStatusCode.OK, updated);
        var (_, secondAudit, _) = await Api.Get(_client, $"/api/v1/cases/{secondCase}/audit");
        var (_, firstAudit, _) = await Api.Get(_client, $"/api/v1/cases/{firstCase}/audit");
        var secondActions = secondAudit.GetProperty("events").EnumerateArray().Select(e => (Action: e.Str("action"), Detail: e.Str("detail"))).ToList();
        Assert.Single(secondActions, e => e.Action == "case-updated");
        Assert.Contains("this is a new request under it", secondActions.Single(e => e.Action == "case-created").Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(firstAudit.GetProperty("events").EnumerateArray(), e => e.Str("action") == "case-updated");
    }

    [Fact]
    public async Task Submit_UnderAnIdentifierNamingAsManyRequestsAsOneMay_IsAnErrorClaimResponse_AtClaimIdentifier()
    {
        var requestId = Api.NewId();
        var day = new DateOnly(2026, 5, 4);
        for (var n = 0; n < Coverage.Store.Commands.SubmitCase.MaxUsesPerRequestId; n++)
            Assert.Equal(ClaimProcessingCodes.Complete, ClaimResponseOf((await Post("submit", PasBundle(requestId, date: $"{day.AddDays(n):yyyy-MM-dd}"))).Body).Outcome);

        var (status, resource) = await Post("submit", PasBundle(requestId, date: "2026-12-01"));

        Assert.Equal(HttpStatusCode.OK, status);
        var refused = ClaimResponseOf(resource);
        TheError(refused, "33", "Claim.identifier");
        Assert.Contains($"already names {Coverage.Store.Commands.SubmitCase.MaxUsesPerRequestId} different requests of this member",
            Assert.Single(refused.ProcessNote).Text, StringComparison.Ordinal);
        Assert.Empty(refused.Item);
        // Each of the requests it names is still answered when sent again.
        Assert.Equal(ClaimProcessingCodes.Complete, ClaimResponseOf((await Post("submit", PasBundle(requestId, date: "2026-05-04"))).Body).Outcome);
    }

    [Fact]
    public async Task Inquire_UnknownRequest_Is200WithNoResponseBundle()
    {
        var (status, resource) = await Post("inquire", PasBundle(Api.NewId()));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(Assert.IsType<Parameters>(resource).Parameter);
    }

    [Fact]
    public async Task Submit_WrongContentType_Is415()
    {
        var (status, resource) = await Post("submit", FhirJson.Serialize(PasBundle(Api.NewId())), "text/plain");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        var outcome = Assert.IsType<OperationOutcome>(resource);
        Assert.Equal(OperationOutcome.IssueType.NotSupported, Assert.Single(outcome.Issue).Code);
    }

    // ------------------------------------------------------------------ metadata

    [Fact]
    public async Task Metadata_IsAValidCapabilityStatementListingTheOperations()
    {
        using var response = await _client.GetAsync(new Uri("/fhir/metadata", UriKind.Relative));
        var statement = FhirJson.Parse<CapabilityStatement>(await response.Content.ReadAsStringAsync(), out _)!;

        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType!.MediaType);
        FhirValidation.AssertValid(statement);
        Assert.Equal(FHIRVersion.N4_0_1, statement.FhirVersion);
        var claim = statement.Rest.Single().Resource.Single(r => r.Type == "Claim");
        Assert.Equal(["submit", "inquire"], claim.Operation.Select(o => o.Name));
        Assert.Contains(FhirSystems.PasSubmitOperation, claim.Operation.Select(o => o.Definition));
    }

    [Fact]
    public async Task Submit_SampleBundleFromTheReadme_Works()
    {
        var sample = JsonNode.Parse(CoverageApp.Sample("pas-submit-bundle.json"))!;
        sample["entry"]![0]!["resource"]!["identifier"]![0]!["value"] = Api.NewId();

        var (status, body) = await Post("submit", sample.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("A4", ReviewAction(ClaimResponseOf(body).Item[0]).Code);
    }
}
