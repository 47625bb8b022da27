using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Coverage.Fhir;
using Coverage.Fhir.Pas;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Time.Testing;
using Task = System.Threading.Tasks.Task;

namespace Coverage.Server.Tests.Conformance;

/// <summary>
/// PAS 2.2.1 (issue 16, PAS items 1–8) with the payloads the Inferno PAS v2.2.1 server suite sends and the IG's own
/// examples (Fixtures/pas-kit, Fixtures/pas-ig; SOURCES.md), asserting what the kit asserts: claim_operation_logic.rb
/// (200/201; $inquire answers Parameters), pas_claim_response_decision_test.rb (reviewActionCode A1/A3/A4),
/// server_claim_update_response_tests.rb (spec-34 echo, spec-46 all items), pas_submission_error_test.rb (the
/// non-conformant Bundle is a 4xx OperationOutcome), server_response_bundle_validation_test.rb (the response Bundles
/// are valid: here against PAS 2.2.1 with IgValidator.Pas221). The kit reuses Claim identifier 111099 in every payload;
/// tests sharing this class's database give each run its own (<see cref="Fresh"/>), nothing else is changed unless said.
/// </summary>
public sealed class PasKitTests : IClassFixture<SqliteStorage>, IDisposable
{
    private const string ResponseBundle = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/profile-pas-response-bundle";
    private const string InquiryResponseBundle = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/profile-pas-inquiry-response-bundle";

    /// <summary>cross_suite/pas_constants.rb X12_ADJUDICATION_CODES: approval, denial, pended.</summary>
    private static readonly string[] KitDecisionCodes = ["A1", "A3", "A4"];

    private readonly CoverageApp _app;
    private readonly HttpClient _client;

    public PasKitTests(SqliteStorage storage)
    {
        _app = new CoverageApp(storage, new FakeTimeProvider(CoverageApp.Start));
        _client = _app.CreateClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
    }

    private static string Fixture(string path) => File.ReadAllText(Path.Combine(IgValidator.FixturesFolder, path));

    /// <summary>One request of a kit input (an input may hold an array of Bundles, posted one by one).</summary>
    private static JsonObject Kit(string path, int index = 0) =>
        JsonNode.Parse(Fixture(path)) is JsonArray array ? array[index]!.AsObject() : JsonNode.Parse(Fixture(path))!.AsObject();

    /// <summary>The Claims of a Bundle (an update carries the prior Claim too).</summary>
    private static IEnumerable<JsonObject> Claims(JsonObject bundle) =>
        bundle["entry"]!.AsArray().Select(e => e!["resource"]!.AsObject()).Where(r => (string?)r["resourceType"] == "Claim");

    /// <summary>Gives every Claim of the Bundle the same fresh identifier value (the kit reuses 111099), so that tests do not meet each other's cases.</summary>
    private static JsonObject Fresh(JsonObject bundle, string id)
    {
        foreach (var claim in Claims(bundle)) claim["identifier"]![0]!["value"] = id;
        return bundle;
    }

    /// <summary>
    /// The adaptation of Fixtures/SOURCES.md ("Adapted copies") applied to a payload that has no adapted copy (the claim
    /// update's modify-cancel and cancel-all): each item's X12 1365 service type → CPT 0581T, G89.4 → C50.412.
    /// </summary>
    private static JsonObject Adapt(JsonObject bundle)
    {
        foreach (var claim in Claims(bundle))
        {
            foreach (var item in claim["item"]?.AsArray() ?? [])
                item!["productOrService"] = JsonNode.Parse("""{"coding":[{"system":"http://www.ama-assn.org/go/cpt","code":"0581T"}]}""");
            foreach (var coding in claim["diagnosis"]?.AsArray().SelectMany(d => d!["diagnosisCodeableConcept"]?["coding"]?.AsArray() ?? []) ?? [])
                if ((string?)coding!["code"] == "G89.4") coding["code"] = "C50.412";
        }
        return bundle;
    }

    private async Task<(HttpStatusCode Status, Resource Body, HttpResponseMessage Response)> Post(
        string operation, string body, string? accept = null, string contentType = "application/fhir+json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/fhir/Claim/${operation}") { Content = new StringContent(body, Encoding.UTF8, contentType) };
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        var response = await _client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var resource = FhirJson.Parse<Resource>(text, out var problems) ?? throw new InvalidOperationException(problems!.Issue[0].Diagnostics);
        // Response Bundles echo the request's resources with their PAS meta.profile, which base R4 cannot resolve: those
        // are validated against PAS 2.2.1 itself (AssertValid below); the rest against base R4.
        if (resource is not Bundle and not Parameters) FhirValidation.AssertValid(resource);
        return (response.StatusCode, resource, response);
    }

    private Task<(HttpStatusCode Status, Resource Body, HttpResponseMessage Response)> Post(string operation, JsonObject bundle) => Post(operation, bundle.ToJsonString());

    private static ClaimResponse ClaimResponseOf(Bundle bundle) => Assert.IsType<ClaimResponse>(bundle.Entry[0].Resource);

    private static string ActionCode(ClaimResponse.ItemComponent item) =>
        Assert.IsType<CodeableConcept>(Assert.Single(Assert.Single(item.Adjudication).Extension, e => e.Url == FhirSystems.PasReviewAction)
            .Extension.Single(e => e.Url == FhirSystems.PasReviewActionCode).Value).Coding.Single(c => c.System == FhirSystems.X12ActionCode).Code!;

    private static string? AdministrationNumber(ClaimResponse.ItemComponent item) =>
        (item.Extension.SingleOrDefault(e => e.Url == PasSystems.AdministrationReferenceNumber)?.Value as FhirString)?.Value;

    /// <summary>The response Bundles of an $inquire answer (PAS 2.2.1: Parameters, parameter 'return', as the kit reads them).</summary>
    private static List<Bundle> Returned(Resource body) =>
        [.. Assert.IsType<Parameters>(body).Parameter.Select(p => { Assert.Equal("return", p.Name); return Assert.IsType<Bundle>(p.Resource); })];

    private static void AssertValid(Bundle bundle, string profile)
    {
        var errors = IgValidator.Pas221.Errors(bundle, profile);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    // ------------------------------------------------------------------ item 6: structural 4xx, business errors 200

    [Theory]
    [InlineData("submit")]
    [InlineData("inquire")]
    public async Task TheKitsNonconformantBundle_IsA4xxOperationOutcome(string operation)
    {
        // pas_server_v221_prior_auth_submission_error: "HTTP status code should not be within the 2xx range" + an OperationOutcome.
        var (status, body, _) = await Post(operation, Fixture("pas-kit/nonconformant-pas-bundle.json"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.IsType<OperationOutcome>(body);
    }

    [Fact]
    public async Task TheKitsApprovalPayload_Verbatim_IsAnErrorClaimResponse_ItsServiceTypeItemsAreNotProcedures()
    {
        // Items coded X12 1365 "3" (Consultation), a service type category, not a CPT/HCPCS procedure: X12 901 AG on each item.
        var request = Fresh(Kit("pas-kit/approval-pa-submit-request-payload.json"), Api.NewId());

        var (status, body, _) = await Post("submit", request);

        Assert.Equal(HttpStatusCode.OK, status);
        var bundle = Assert.IsType<Bundle>(body);
        Assert.Equal("A12345", bundle.Identifier?.Value);
        var response = ClaimResponseOf(bundle);
        Assert.Equal(ClaimProcessingCodes.Error, response.Outcome);
        Assert.Equal([1, 2], response.Error.Select(e => e.ItemSequence));
        Assert.All(response.Error, e => Assert.Equal((PasSystems.X12RejectReason, "AG"), (e.Code.Coding.Single().System, e.Code.Coding.Single().Code)));
        Assert.Null(response.PreAuthRef);
        Assert.Empty(response.Item);
        AssertValid(bundle, ResponseBundle);
    }

    [Fact]
    public async Task AnUnknownPlan_IsAnErrorClaimResponse_NamingNoPlanOfOurs()
    {
        var request = Fresh(Kit("pas-kit/approval-pa-submit-request-payload.adapted.json"), Api.NewId());
        var coverage = request["entry"]!.AsArray().Select(e => e!["resource"]!).Single(r => (string?)r["resourceType"] == "Coverage");
        foreach (var c in coverage["class"]!.AsArray()) c!["value"] = "PLAN-001";

        var (status, body, _) = await Post("submit", request);

        Assert.Equal(HttpStatusCode.OK, status);
        var response = ClaimResponseOf(Assert.IsType<Bundle>(body));
        Assert.Equal(ClaimProcessingCodes.Error, response.Outcome);
        Assert.Equal("78", Assert.Single(response.Error).Code.Coding.Single().Code);
        var json = FhirJson.Serialize(body);
        Assert.Contains("PLAN-001", json, StringComparison.Ordinal);
        foreach (var plan in new[] { "standard", "example-ablation-exclusion", "example-fda-cryo-rider", "example-mandate-over-exclusion" })
            Assert.DoesNotContain($"'{plan}'", json, StringComparison.Ordinal);
        Assert.DoesNotContain("known:", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingDateOfService_IsAnErrorClaimResponse_57()
    {
        var request = Fresh(Kit("pas-kit/approval-pa-submit-request-payload.adapted.json"), Api.NewId());
        foreach (var item in Claims(request).First()["item"]!.AsArray())
        {
            item!.AsObject().Remove("servicedDate");
            item.AsObject().Remove("servicedPeriod");
        }

        var (status, body, _) = await Post("submit", request);

        Assert.Equal(HttpStatusCode.OK, status);
        var response = ClaimResponseOf(Assert.IsType<Bundle>(body));
        Assert.Equal(ClaimProcessingCodes.Error, response.Outcome);
        Assert.Equal("57", Assert.Single(response.Error).Code.Coding.Single().Code);
    }

    [Fact]
    public async Task TheCase_IsTheBeneficiarysMemberId_AndItsInquiryFindsIt()
    {
        // The kit's Coverage gives subscriberId 12345678901 and identifier:memberid MEM-1234567 (PAS 2.2.1 requires the
        // slice): the member is named by the beneficiary's own number, on submission and inquiry alike.
        var id = Api.NewId();
        var submitted = ClaimResponseOf(Assert.IsType<Bundle>((await Post("submit", Fresh(Kit("pas-kit/pended-pa-submit-request-payload.adapted.json"), id))).Body));
        var caseId = AdministrationNumber(submitted.Item[0])!;
        var inquiry = Fresh(Kit("pas-kit/pended-pa-inquire-request-payload.adapted.json"), id);
        inquiry["entry"]!.AsArray().Select(e => e!["resource"]!).Single(r => (string?)r["id"] == "InsurerExample")["identifier"]![0]!["value"] = "7893120007";

        var (_, theCase, _) = await Api.Get(_client, $"/api/v1/cases/{caseId}");
        var (_, answer, _) = await Post("inquire", inquiry);

        Assert.Equal("MEM-1234567", theCase.Str("memberId"));
        Assert.Single(Returned(answer));
    }

    [Fact]
    public async Task AMemberIdTooLong_IsAnErrorClaimResponse_72_NamingTheElementItCameFrom()
    {
        var request = Fresh(Kit("pas-kit/approval-pa-submit-request-payload.adapted.json"), Api.NewId());
        var coverage = request["entry"]!.AsArray().Select(e => e!["resource"]!).Single(r => (string?)r["resourceType"] == "Coverage");
        coverage["identifier"]!.AsArray().Single(i => (string?)i!["type"]?["coding"]?[0]?["code"] == "MB")!["value"] = new string('9', 200);

        var (status, body, _) = await Post("submit", request);

        Assert.Equal(HttpStatusCode.OK, status);
        var response = ClaimResponseOf(Assert.IsType<Bundle>(body));
        var error = Assert.Single(response.Error);
        Assert.Equal("72", error.Code.Coding.Single().Code);
        Assert.Equal("Coverage.identifier:memberid", Assert.IsType<FhirString>(error.GetExtensionValue<DataType>(PasSystems.ErrorPath)).Value);
        Assert.StartsWith("Coverage.identifier:memberid: ", Assert.Single(response.ProcessNote).Text, StringComparison.Ordinal);
    }

    // ------------------------------------------------------------------ items 2 and 7: outcome, identifiers, review actions

    [Fact]
    public async Task TheKitsApprovalPayload_Adapted_IsComplete_WithTheSubmittersTransactionIdentifier_AndValidAgainstPas221()
    {
        var (status, body, _) = await Post("submit", Fresh(Kit("pas-kit/approval-pa-submit-request-payload.adapted.json"), Api.NewId()));

        Assert.Equal(HttpStatusCode.OK, status);
        var bundle = Assert.IsType<Bundle>(body);
        Assert.Equal(("http://davinci-pas.org/SUBMITTER_TRANSACTION_IDENTIFIER", "A12345"), (bundle.Identifier?.System, bundle.Identifier?.Value));
        var response = ClaimResponseOf(bundle);
        Assert.Equal(ClaimProcessingCodes.Complete, response.Outcome);
        Assert.Equal([1, 2], response.Item.Select(i => i.ItemSequence));
        Assert.All(response.Item, i => Assert.Contains(ActionCode(i), KitDecisionCodes));
        // Pended or denied items carry the administration reference number, never a certification number.
        Assert.All(response.Item.Where(i => ActionCode(i) is "A3" or "A4"), i => Assert.NotNull(AdministrationNumber(i)));
        if (response.Item.All(i => ActionCode(i) != "A1")) Assert.Null(response.PreAuthRef);
        AssertValid(bundle, ResponseBundle);
        // PAS 2.0.1 where 2.2.1 has the same shape (2.0.1 has no item-level administrationReferenceNumber): the
        // insurer and requestor Organizations, which 2.0.1 too requires to be active.
        var insurer = bundle.Entry.Select(e => e.Resource).OfType<Organization>().Single(o => o.Id == "InsurerExample");
        var requestor = bundle.Entry.Select(e => e.Resource).OfType<Organization>().Single(o => o.Id == "UMOExample");
        Assert.Empty(IgValidator.Pas201.Errors(insurer, "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/profile-insurer"));
        Assert.Empty(IgValidator.Pas201.Errors(requestor, "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/profile-requestor"));
    }

    [Theory]
    [InlineData("pas-kit/approval-pa-submit-request-payload.adapted.json")]
    [InlineData("pas-kit/approval-pa-submit-request-payload.json")]
    public async Task TheClaimResponsesReferences_ResolveInTheResponseBundle_ByFhirsBundleRules(string payload)
    {
        // The kit's Claims name the patient, insurer and provider relatively ("Organization/InsurerExample") beside RESTful
        // fullUrls; the ClaimResponse's entry is a urn:uuid, from which a relative reference does not resolve (FHIR R4
        // Bundle reference resolution; the HL7 validator the kit runs reports it as an error when it validates a
        // notification's focus Bundle). ClaimResponse.request names the Claim, which the response does not carry.
        var (_, body, _) = await Post("submit", Fresh(Kit(payload), Api.NewId()));

        var bundle = Assert.IsType<Bundle>(body);
        var response = ClaimResponseOf(bundle);
        var holder = Assert.IsType<string>(bundle.Entry[0].FullUrl);
        foreach (var reference in new[] { response.Patient, response.Insurer, response.Requestor }.Select(r => Assert.IsType<string>(r?.Reference)))
            Assert.True(Resolves(bundle, holder, reference), $"{reference} does not resolve from {holder}");
        // Resolved, they are what the kit then validates them against (ClaimResponse.insurer → profile-insurer,
        // ClaimResponse.requestor → profile-requestor, as its generated claimresponse metadata names them).
        var insurer = Assert.IsType<Organization>(bundle.Entry.Single(e => e.FullUrl == response.Insurer.Reference).Resource);
        var requestor = Assert.IsType<Organization>(bundle.Entry.Single(e => e.FullUrl == response.Requestor!.Reference).Resource);
        Assert.Equal(("InsurerExample", "UMOExample"), (insurer.Id, requestor.Id));
        Assert.Empty(IgValidator.Pas221.Errors(insurer, "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/profile-insurer"));
        Assert.Empty(IgValidator.Pas221.Errors(requestor, "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/profile-requestor"));
    }

    /// <summary>FHIR R4 Bundle reference resolution: an absolute reference names an entry's fullUrl; a relative one resolves only against a RESTful fullUrl of the entry holding it.</summary>
    private static bool Resolves(Bundle bundle, string holderFullUrl, string reference)
    {
        if (Uri.TryCreate(reference, UriKind.Absolute, out _)) return bundle.Entry.Count(e => e.FullUrl == reference) == 1;
        var parts = holderFullUrl.Split('/');
        if (!holderFullUrl.StartsWith("http", StringComparison.Ordinal) || parts.Length < 3) return false;
        var root = string.Join('/', parts[..^2]);
        return bundle.Entry.Count(e => e.FullUrl == $"{root}/{reference}") == 1;
    }

    [Fact]
    public async Task APendedAnswer_IsCompleteWithA4_NoPreAuthRef_AndSaysNoHumanReviewedIt()
    {
        // Fixtures/pas-ig/2.2.1/Bundle-ReferralPendingAuthorizationResponseBundleExample.json: outcome complete, A4, administrationReferenceNumber.
        var request = Fresh(Kit("pas-kit/pended-pa-submit-request-payload.adapted.json"), Api.NewId());
        foreach (var item in Claims(request).First()["item"]!.AsArray())
        {
            item!.AsObject().Remove("servicedPeriod");
            item["servicedDate"] = "2026-05-04";
        }

        var (_, body, _) = await Post("submit", request);

        Assert.True(body is Bundle, FhirJson.Serialize(body));
        var response = ClaimResponseOf((Bundle)body);
        Assert.Equal(ClaimProcessingCodes.Complete, response.Outcome);
        Assert.All(response.Item, i => Assert.Equal("A4", ActionCode(i)));
        Assert.Null(response.PreAuthRef);
        Assert.All(response.Item, i => Assert.True(Guid.TryParse(AdministrationNumber(i), out _)));
        var reviewer = Assert.Single(response.Extension, e => e.Url == PasSystems.ClaimResponseReviewer);
        Assert.False(Assert.IsType<FhirBoolean>(reviewer.Extension.Single(e => e.Url == "wasHumanReviewedFlag").Value).Value);
        AssertValid(Assert.IsType<Bundle>(body), ResponseBundle);
    }

    // ------------------------------------------------------------------ items 1, 3, 4: $inquire

    [Fact]
    public async Task TheKitsPendedInquiry_Verbatim_Is200Parameters_WithNoBundle_ItNamesNoRequestWeHold()
    {
        // claim_operation_logic.rb (v2.2.1 inquire): "Expected Parameters resource for v2.2.1 inquire response".
        // Its items (HCPCS G0154, B4185) are not the lines of any case: matched by member, provider, identifier and item, not by the TRN alone.
        await Post("submit", Kit("pas-kit/approval-pa-submit-request-payload.adapted.json"));

        var (status, body, _) = await Post("inquire", Kit("pas-kit/pended-pa-inquire-request-payload.json"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(Returned(body));
    }

    [Fact]
    public async Task TheIgsInquiryExample_IsNotValidatedLikeASubmission()
    {
        // Its item has no serviced[x] and a service type code: an inquiry, not a submission; 200, none matching.
        var (status, body, _) = await Post("inquire", Fixture("pas-ig/2.2.1/Bundle-PASClaimInquiryBundleExample.json"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(Returned(body));
    }

    [Fact]
    public async Task TheKitsPendedInquiry_Adapted_ReturnsTheCase_AllItsItems_ValidAgainstPas221()
    {
        var id = Api.NewId();
        var submitted = ClaimResponseOf(Assert.IsType<Bundle>((await Post("submit", Fresh(Kit("pas-kit/pended-pa-submit-request-payload.adapted.json"), id))).Body));
        var inquiry = Fresh(Kit("pas-kit/pended-pa-inquire-request-payload.adapted.json"), id);
        // The kit's inquiry names the insurer by a 6-digit NPI (789312), which US Core's us-core-16 refuses; we echo the
        // parties as the request carried them, so the submission's NPI is given here.
        inquiry["entry"]!.AsArray().Select(e => e!["resource"]!).Single(r => (string?)r["id"] == "InsurerExample")["identifier"]![0]!["value"] = "7893120007";

        var (status, body, _) = await Post("inquire", inquiry);

        Assert.Equal(HttpStatusCode.OK, status);
        var bundle = Assert.Single(Returned(body));
        var response = ClaimResponseOf(bundle);
        Assert.Equal(submitted.Item.Select(i => i.ItemSequence), response.Item.Select(i => i.ItemSequence));
        Assert.Equal(submitted.Item.Select(ActionCode), response.Item.Select(ActionCode));
        AssertValid(bundle, InquiryResponseBundle);
    }

    [Fact]
    public async Task AnInquiry_FromAnotherProvider_OrWithOtherItems_GetsNothing()
    {
        var id = Api.NewId();
        await Post("submit", Fresh(Kit("pas-kit/pended-pa-submit-request-payload.adapted.json"), id));

        var otherProvider = Fresh(Kit("pas-kit/pended-pa-inquire-request-payload.adapted.json"), id);
        var provider = otherProvider["entry"]!.AsArray().Select(e => e!["resource"]!).First(r => (string?)r["id"] == "UMOExample");
        provider["identifier"] = JsonNode.Parse("""[{"system":"http://hl7.org/fhir/sid/us-npi","value":"1999999992"}]""");
        var otherItems = Fresh(Kit("pas-kit/pended-pa-inquire-request-payload.adapted.json"), id);
        foreach (var item in Claims(otherItems).First()["item"]!.AsArray())
            item!["productOrService"] = JsonNode.Parse("""{"coding":[{"system":"http://www.ama-assn.org/go/cpt","code":"19120"}]}""");

        Assert.Empty(Returned((await Post("inquire", otherProvider)).Body));
        Assert.Empty(Returned((await Post("inquire", otherItems)).Body));
    }

    [Fact]
    public async Task AnInquiry_QuotingTheAdministrationReferenceNumber_UnderAnotherTrn_FindsTheCase()
    {
        var id = Api.NewId();
        var submitted = ClaimResponseOf(Assert.IsType<Bundle>((await Post("submit", Fresh(Kit("pas-kit/pended-pa-submit-request-payload.adapted.json"), id))).Body));
        var number = AdministrationNumber(submitted.Item[0])!;
        var inquiry = Fresh(Kit("pas-kit/pended-pa-inquire-request-payload.adapted.json"), Api.NewId());
        Claims(inquiry).First()["extension"]!.AsArray().Single(e => (string?)e!["url"] == PasSystems.AdministrationReferenceNumber)!["valueString"] = number;

        var bundle = Assert.Single(Returned((await Post("inquire", inquiry)).Body));

        Assert.Equal(number, AdministrationNumber(ClaimResponseOf(bundle).Item[0]));
    }

    // ------------------------------------------------------------------ item 5: claim updates and cancellations

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TheKitsClaimUpdates_ChangeTheSameCase_EchoEveryItem_AndCancel(bool afterTheApprovalUnderTheSameIdentifier)
    {
        // The server preset sends the approval workflow and the claim-update group's initial request under one Claim
        // identifier (111099) for one member, with other services: each is a request of its own (the initial request a
        // new case, answered as the kit asserts), the updates change the request sent last, and the approval keeps its
        // answer (docs/decisions.md, "a PAS Claim identifier used again").
        var id = Api.NewId();
        var approval = Fresh(Kit("pas-kit/approval-pa-submit-request-payload.adapted.json"), id);
        var approvalCase = afterTheApprovalUnderTheSameIdentifier
            ? ClaimResponseOf(Assert.IsType<Bundle>((await Post("submit", approval)).Body)).Identifier.Single().Value
            : null;
        var (initialStatus, initialBody, _) = await Post("submit", Fresh(Kit("pas-kit/claim-update-initial-submit-payload.adapted.json"), id));
        Assert.Equal(HttpStatusCode.OK, initialStatus);
        AssertValid(Assert.IsType<Bundle>(initialBody), ResponseBundle);
        var initial = ClaimResponseOf(Assert.IsType<Bundle>(initialBody));
        Assert.Equal(ClaimProcessingCodes.Complete, initial.Outcome);
        // The ClaimResponse names the case it answers for; an update answers for the same one.
        var caseId = initial.Identifier.Single().Value;
        Assert.True(Guid.TryParse(caseId, out _));
        Assert.NotEqual(approvalCase, caseId);

        // pas_server_v221_claim_update_item_sequence_echo_test (spec-34) and …_current_results_test (spec-46): for every
        // item-bearing update, the returned itemSequences are exactly the submitted ones.
        var steps = new[]
        {
            Fresh(Kit("pas-kit/claim-update-add-item-submit-payload.adapted.json"), id),
            Fresh(Adapt(Kit("pas-kit/claim-update-modify-cancel-submit-payload.json")), id),
        };
        foreach (var step in steps)
        {
            var (status, body, _) = await Post("submit", step);
            Assert.Equal(HttpStatusCode.OK, status);
            var response = ClaimResponseOf(Assert.IsType<Bundle>(body));
            var submitted = Claims(step).First()["item"]!.AsArray().Select(i => (int)i!["sequence"]!).ToList();
            Assert.Equal(submitted, response.Item.Select(i => i.ItemSequence!.Value));
            Assert.Equal(caseId, response.Identifier.Single().Value);
            AssertValid(Assert.IsType<Bundle>(body), ResponseBundle);
        }

        var (cancelStatus, cancelBody, _) = await Post("submit", Fresh(Adapt(Kit("pas-kit/claim-update-cancel-all-submit-payload.json")), id));

        Assert.Equal(HttpStatusCode.OK, cancelStatus);
        var cancelled = ClaimResponseOf(Assert.IsType<Bundle>(cancelBody));
        Assert.All(cancelled.Item, i => Assert.Equal("C", ActionCode(i)));
        Assert.Equal([1, 2], cancelled.Item.Select(i => i.ItemSequence!.Value));
        var (_, theCase, _) = await Api.Get(_client, $"/api/v1/cases/{caseId}");
        Assert.Equal("cancelled", theCase.Str("status"));
        var (_, audit, _) = await Api.Get(_client, $"/api/v1/cases/{caseId}/audit");
        var events = audit.GetProperty("events").EnumerateArray().ToList();
        var actions = events.Select(e => e.Str("action")).ToList();
        Assert.Equal(2, actions.Count(a => a == "case-updated"));
        Assert.Single(actions, "case-cancelled");
        var details = string.Join("\n", events.Select(e => e.Str("detail")));
        Assert.True(details.Contains("changed line(s) 1; cancelled line(s) 2", StringComparison.Ordinal), details);
        Assert.Contains("added line(s) 2", details, StringComparison.Ordinal);
        Assert.Contains("changed line(s) 1; cancelled line(s) 2", details, StringComparison.Ordinal);
        Assert.Contains("Cancelled by the provider", details, StringComparison.Ordinal);
        if (approvalCase is null) return;
        // The approval is untouched, and its Bundle sent again is a resubmission of its own case.
        var (_, again, _) = await Post("submit", approval);
        Assert.Equal(approvalCase, ClaimResponseOf(Assert.IsType<Bundle>(again)).Identifier.Single().Value);
        var (_, approvalAudit, _) = await Api.Get(_client, $"/api/v1/cases/{approvalCase}/audit");
        Assert.Equal(["case-created", "case-resubmitted"],
            approvalAudit.GetProperty("events").EnumerateArray().Select(e => e.Str("action")).Where(a => a is not ("case-read" or "audit-read")));
    }

    [Fact]
    public async Task ACancellation_OfARequestWeDoNotHold_IsAnErrorClaimResponse_AnUpdateWithServicesIsANewRequest()
    {
        var (status, body, _) = await Post("submit", Fresh(Adapt(Kit("pas-kit/claim-update-cancel-all-submit-payload.json")), Api.NewId()));
        var (_, added, _) = await Post("submit", Fresh(Kit("pas-kit/claim-update-add-item-submit-payload.adapted.json"), Api.NewId()));

        Assert.Equal(HttpStatusCode.OK, status);
        var response = ClaimResponseOf(Assert.IsType<Bundle>(body));
        Assert.Equal(ClaimProcessingCodes.Error, response.Outcome);
        Assert.Equal("AA", Assert.Single(response.Error).Code.Coding.Single().Code);
        var asNew = ClaimResponseOf(Assert.IsType<Bundle>(added));
        Assert.Equal(ClaimProcessingCodes.Complete, asNew.Outcome);
        Assert.Equal([1, 2], asNew.Item.Select(i => i.ItemSequence!.Value));
    }

    [Fact]
    public async Task AnUpdate_NamingTheSameValueUnderAnotherIdentifierSystem_DoesNotTouchTheCase()
    {
        var id = Api.NewId();
        var initial = ClaimResponseOf(Assert.IsType<Bundle>((await Post("submit", Fresh(Kit("pas-kit/claim-update-initial-submit-payload.adapted.json"), id))).Body));
        var caseId = initial.Identifier.Single().Value;
        var cancel = Fresh(Adapt(Kit("pas-kit/claim-update-cancel-all-submit-payload.json")), id);
        foreach (var claim in Claims(cancel)) claim["identifier"]![0]!["system"] = "http://another-system.example/prior-auth";

        var (status, body, _) = await Post("submit", cancel);

        Assert.True(status == HttpStatusCode.OK, (body as OperationOutcome)?.Issue[0].Diagnostics);
        var response = ClaimResponseOf(Assert.IsType<Bundle>(body));
        Assert.Equal(ClaimProcessingCodes.Error, response.Outcome);
        Assert.Equal("AA", Assert.Single(response.Error).Code.Coding.Single().Code);
        var (_, theCase, _) = await Api.Get(_client, $"/api/v1/cases/{caseId}");
        Assert.NotEqual("cancelled", theCase.Str("status"));

        // The same cancellation under the request's own identifier system cancels it (after the kit's step adding the
        // line 2 it cancels).
        await Post("submit", Fresh(Kit("pas-kit/claim-update-add-item-submit-payload.adapted.json"), id));
        var (_, ownBody, _) = await Post("submit", Fresh(Adapt(Kit("pas-kit/claim-update-cancel-all-submit-payload.json")), id));
        Assert.True(ownBody is Bundle, (ownBody as OperationOutcome)?.Issue[0].Diagnostics);
        Assert.All(ClaimResponseOf(Assert.IsType<Bundle>(ownBody)).Item, i => Assert.Equal("C", ActionCode(i)));
        var (_, after, _) = await Api.Get(_client, $"/api/v1/cases/{caseId}");
        Assert.Equal("cancelled", after.Str("status"));
    }

    // ------------------------------------------------------------------ item 8: Parameters-wrapped input, 406

    [Fact]
    public async Task Submit_WrappedInParameters_IsTheSameAsTheBundle()
    {
        var bundle = Fresh(Kit("pas-kit/approval-pa-submit-request-payload.adapted.json"), Api.NewId());
        var wrapped = new JsonObject { ["resourceType"] = "Parameters", ["parameter"] = new JsonArray(new JsonObject { ["name"] = "resource", ["resource"] = bundle.DeepClone() }) };

        var (status, body, _) = await Post("submit", wrapped.ToJsonString());
        var (_, direct, _) = await Post("submit", bundle);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(ClaimResponseOf(Assert.IsType<Bundle>(direct)).Item.Select(ActionCode), ClaimResponseOf(Assert.IsType<Bundle>(body)).Item.Select(ActionCode));
    }

    [Fact]
    public async Task Parameters_WithoutTheResourceParameter_Is400()
    {
        var (status, body, _) = await Post("submit", """{"resourceType":"Parameters","parameter":[{"name":"other","valueString":"x"}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("'resource'", Assert.IsType<OperationOutcome>(body).Issue[0].Diagnostics, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/fhir+xml")]
    [InlineData("application/xml, text/turtle")]
    [InlineData("application/fhir+json;q=0, application/fhir+xml")]
    public async Task AnAcceptThatExcludesJson_Is406OperationOutcome(string accept)
    {
        var (status, body, response) = await Post("submit", Kit("pas-kit/approval-pa-submit-request-payload.adapted.json").ToJsonString(), accept);

        Assert.Equal(HttpStatusCode.NotAcceptable, status);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(OperationOutcome.IssueType.NotSupported, Assert.Single(Assert.IsType<OperationOutcome>(body).Issue).Code);
    }

    [Theory]
    [InlineData("application/fhir+json")]
    [InlineData("application/json")]
    [InlineData("*/*")]
    [InlineData("application/fhir+xml;q=0.9, application/fhir+json;q=0.5")]
    public async Task AnAcceptThatTakesJson_IsAnswered(string accept)
    {
        var (status, _, _) = await Post("inquire", Fixture("pas-ig/2.2.1/Bundle-PASClaimInquiryBundleExample.json"), accept);

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Format_Xml_Is406()
    {
        using var response = await _client.GetAsync(new Uri("/fhir/metadata?_format=xml", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
    }

    // ------------------------------------------------------------------ the version declared

    [Fact]
    public async Task Metadata_DeclaresPas221()
    {
        using var response = await _client.GetAsync(new Uri("/fhir/metadata", UriKind.Relative));
        var statement = FhirJson.Parse<CapabilityStatement>(await response.Content.ReadAsStringAsync(), out _)!;

        FhirValidation.AssertValid(statement);
        Assert.Contains("http://hl7.org/fhir/us/davinci-pas/ImplementationGuide/hl7.fhir.us.davinci-pas|2.2.1", statement.ImplementationGuide);
        Assert.Equal(["http://hl7.org/fhir/us/davinci-pas/CapabilityStatement/IntermediaryCapabilities|2.2.1"], statement.Instantiates);
    }
}
