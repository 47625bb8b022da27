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
/// PAS $submit reads a request exactly or refuses it (docs/decisions.md, "PAS submissions read exactly: the Coverage,
/// status, modifier extensions and dates", session 38; attack sweep finding F3). Every request here is the PAS kit's
/// approval payload as adapted for our catalogue (Fixtures/pas-kit/approval-pa-submit-request-payload.adapted.json,
/// SOURCES.md "Adapted copies"; from the Inferno PAS kit's preset input `pa_submit_request_payload`), with the
/// change each test names and, where the plan or the member's age matters, its items dated 2026-05-04. Error
/// ClaimResponses are validated against PAS 2.2.1 (IgValidator.Pas221).
/// </summary>
public sealed class PasReadExactlyTests : IClassFixture<SqliteStorage>, IDisposable
{
    private const string ResponseBundle = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/profile-pas-response-bundle";
    private const string Payload = "pas-kit/approval-pa-submit-request-payload.adapted.json";

    private readonly CoverageApp _app;
    private readonly HttpClient _client;

    public PasReadExactlyTests(SqliteStorage storage)
    {
        _app = new CoverageApp(storage, new FakeTimeProvider(CoverageApp.Start));
        _client = _app.CreateClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
    }

    /// <summary>The kit's adapted approval payload under a fresh Claim identifier (the kit reuses 111099).</summary>
    private static JsonObject Request()
    {
        var bundle = JsonNode.Parse(File.ReadAllText(Path.Combine(IgValidator.FixturesFolder, Payload)))!.AsObject();
        Claim(bundle)["identifier"]![0]!["value"] = Api.NewId();
        return bundle;
    }

    private static JsonObject Claim(JsonObject bundle) => bundle["entry"]![0]!["resource"]!.AsObject();

    private static JsonArray Items(JsonObject bundle) => Claim(bundle)["item"]!.AsArray();

    private static JsonObject Resource(JsonObject bundle, string type) =>
        bundle["entry"]!.AsArray().Select(e => e!["resource"]!.AsObject()).Single(r => (string?)r["resourceType"] == type);

    /// <summary>Every item on 2026-05-04, a day the catalogue's policies and plans are in effect.</summary>
    private static JsonObject Dated(JsonObject bundle)
    {
        foreach (var item in Items(bundle))
        {
            item!.AsObject().Remove("servicedPeriod");
            item["servicedDate"] = "2026-05-04";
        }
        return bundle;
    }

    private static JsonObject WithPlan(JsonObject bundle, string plan)
    {
        foreach (var c in Resource(bundle, "Coverage")["class"]!.AsArray())
            if ((string?)c!["type"]!["coding"]![0]!["code"] == "plan") c["value"] = plan;
        return bundle;
    }

    private async Task<(HttpStatusCode Status, Resource Body)> Submit(JsonObject bundle)
    {
        using var content = new StringContent(bundle.ToJsonString(), Encoding.UTF8, "application/fhir+json");
        using var response = await _client.PostAsync(new Uri("/fhir/Claim/$submit", UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();
        var resource = FhirJson.Parse<Resource>(text, out var problems) ?? throw new InvalidOperationException(problems!.Issue[0].Diagnostics);
        if (resource is not Bundle) FhirValidation.AssertValid(resource);
        return (response.StatusCode, resource);
    }

    /// <summary>A 400 OperationOutcome whose one issue names <paramref name="expression"/>.</summary>
    private static OperationOutcome.IssueComponent Refused(HttpStatusCode status, Resource body, string expression)
    {
        Assert.True(status == HttpStatusCode.BadRequest, $"{status}: {FhirJson.Serialize(body)}");
        var issue = Assert.Single(Assert.IsType<OperationOutcome>(body).Issue);
        Assert.Equal(expression, issue.Expression.Single());
        return issue;
    }

    /// <summary>The answer's ClaimResponse, its Bundle valid against PAS 2.2.1.</summary>
    private static ClaimResponse Answer(HttpStatusCode status, Resource body)
    {
        Assert.True(status == HttpStatusCode.OK, $"{status}: {FhirJson.Serialize(body)}");
        var bundle = Assert.IsType<Bundle>(body);
        var errors = IgValidator.Pas221.Errors(bundle, ResponseBundle);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        return Assert.IsType<ClaimResponse>(bundle.Entry[0].Resource);
    }

    private static string ActionCode(ClaimResponse.ItemComponent item) =>
        Assert.IsType<CodeableConcept>(Assert.Single(Assert.Single(item.Adjudication).Extension, e => e.Url == FhirSystems.PasReviewAction)
            .Extension.Single(e => e.Url == FhirSystems.PasReviewActionCode).Value).Coding.Single(c => c.System == FhirSystems.X12ActionCode).Code!;

    private static string CaseId(ClaimResponse response) =>
        (Assert.Single(response.Item[0].Extension, e => e.Url == PasSystems.AdministrationReferenceNumber).Value as FhirString)!.Value!;

    // ------------------------------------------------------------------ a, b, c: the Coverage is the Bundle's

    [Fact]
    public async Task AClaimWhoseCoverageIsNotInTheBundle_Is400NamingIt_NotDecidedUnderTheDefaultPlan()
    {
        // Control: under the plan that excludes ablation, the line is excluded by the plan (A3), not pended.
        var (controlStatus, controlBody) = await Submit(WithPlan(Dated(Request()), "example-ablation-exclusion"));
        var control = Answer(controlStatus, controlBody);
        Assert.Equal(ClaimProcessingCodes.Complete, control.Outcome);
        Assert.All(control.Item, i => Assert.Equal("A3", ActionCode(i)));

        // The same Claim with the Coverage entry taken out: Claim.insurance[0].coverage names nothing in the Bundle.
        var request = WithPlan(Dated(Request()), "example-ablation-exclusion");
        var entries = request["entry"]!.AsArray();
        entries.Remove(entries.Single(e => (string?)e!["resource"]!["resourceType"] == "Coverage"));

        var (status, body) = await Submit(request);

        var issue = Refused(status, body, "Claim.insurance[0].coverage");
        Assert.Contains("must reference a Coverage in the Bundle", issue.Diagnostics, StringComparison.Ordinal);
        Assert.DoesNotContain("standard", issue.Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AClaimWithNoInsurance_Is400()
    {
        var request = Dated(Request());
        Claim(request).Remove("insurance");

        var (status, body) = await Submit(request);

        // Base R4 already makes Claim.insurance 1..*: the reader refuses it before the mapping looks.
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("insurance", FhirJson.Serialize(Assert.IsType<OperationOutcome>(body)), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ACoverageReferenceThatNamesTheClaimItself_Is400()
    {
        var request = Dated(Request());
        Claim(request)["insurance"]![0]!["coverage"]!["reference"] = (string?)request["entry"]![0]!["fullUrl"];

        var (status, body) = await Submit(request);

        Refused(status, body, "Claim.insurance[0].coverage");
    }

    // ------------------------------------------------------------------ d: Claim.status is fixed to active

    [Theory]
    [InlineData("cancelled")]
    [InlineData("entered-in-error")]
    [InlineData("draft")]
    public async Task AClaimThatIsNotActive_Is400NamingClaimStatus(string claimStatus)
    {
        var request = Dated(Request());
        Claim(request)["status"] = claimStatus;

        var (status, body) = await Submit(request);

        var issue = Refused(status, body, "Claim.status");
        Assert.Contains($"'{claimStatus}'", issue.Diagnostics, StringComparison.Ordinal);
        Assert.Contains("certificationType 3", issue.Diagnostics, StringComparison.Ordinal);
    }

    // ------------------------------------------------------------------ e: modifier extensions

    [Fact]
    public async Task AnUnknownModifierExtension_OnTheClaim_AnItem_OrAnotherResource_Is400NamingIt()
    {
        var onClaim = Dated(Request());
        Claim(onClaim)["modifierExtension"] = JsonNode.Parse("""[{"url":"http://example.org/do-not-perform","valueBoolean":true}]""");
        var onItem = Dated(Request());
        // The kit's item already carries PAS infoCancelled (false) as modifierExtension[0]; the unknown one is [1].
        Items(onItem)[0]!["modifierExtension"]!.AsArray().Add(JsonNode.Parse("""{"url":"http://example.org/x","valueBoolean":true}"""));
        var onPatient = Dated(Request());
        Resource(onPatient, "Patient")["modifierExtension"] = JsonNode.Parse("""[{"url":"http://example.org/deceased-twin","valueBoolean":true}]""");
        var patientIndex = onPatient["entry"]!.AsArray().Select((e, i) => (e, i)).Single(x => (string?)x.e!["resource"]!["resourceType"] == "Patient").i;

        var claim = await Submit(onClaim);
        var item = await Submit(onItem);
        var patient = await Submit(onPatient);

        Assert.Contains("http://example.org/do-not-perform", Refused(claim.Status, claim.Body, "Claim.modifierExtension[0]").Diagnostics, StringComparison.Ordinal);
        Refused(item.Status, item.Body, "Claim.item[0].modifierExtension[1]");
        Refused(patient.Status, patient.Body, $"Bundle.entry[{patientIndex}].resource.modifierExtension[0]");
    }

    [Fact]
    public async Task InfoCancelled_OnAnItemThatIsNotCancelled_Is400_ItsFalseIsTaken()
    {
        // The kit's payload flags its items and two supportingInfo infoCancelled false: decided as before.
        var (okStatus, okBody) = await Submit(Dated(Request()));
        Assert.Equal(ClaimProcessingCodes.Complete, Answer(okStatus, okBody).Outcome);

        // PAS spec-70: an item taken out of the request (infoCancelled true) carries certificationType 3 as well.
        var request = Dated(Request());
        Items(request)[0]!["modifierExtension"]![0]!["valueBoolean"] = true;

        var (status, body) = await Submit(request);

        Assert.Contains("spec-70", Refused(status, body, "Claim.item[0].modifierExtension").Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASupportingInfoFlaggedInfoCancelled_IsNotRead()
    {
        // A clinical fact the reader refuses (a size in mg), in a supportingInfo the provider took out of the request.
        static JsonObject WithUnreadableFact(bool cancelled)
        {
            var request = Dated(Request());
            var info = JsonNode.Parse($$"""
                {"sequence":99,"category":{"coding":[{"system":"{{FhirSystems.ClinicalFact}}","code":"tumorSizeCm"}]},
                 "valueQuantity":{"value":12,"system":"http://unitsofmeasure.org","code":"mg","unit":"mg"} }
                """)!.AsObject();
            if (cancelled) info["modifierExtension"] = JsonNode.Parse($$"""[ {"url":"{{PasModifierExtensions.InfoCancelled}}","valueBoolean":true} ]""");
            Claim(request)["supportingInfo"]!.AsArray().Add(info);
            return request;
        }

        var read = await Submit(WithUnreadableFact(cancelled: false));
        var notRead = await Submit(WithUnreadableFact(cancelled: true));

        Assert.Equal(HttpStatusCode.BadRequest, read.Status);
        Assert.Equal(ClaimProcessingCodes.Complete, Answer(notRead.Status, notRead.Body).Outcome);
    }

    // ------------------------------------------------------------------ f, g, h: dates (PAS FullDateRule, FHIR per-1)

    [Theory]
    [InlineData("servicedDate", "2026", "servicedDate")]
    [InlineData("servicedDate", "2026-05", "servicedDate")]
    [InlineData("servicedPeriod", "2026", "servicedPeriod.start")]
    [InlineData("servicedPeriod", "2026-05", "servicedPeriod.start")]
    [InlineData("servicedPeriod", "2026-05-04T09:00:00Z", "servicedPeriod.start")]
    public async Task ADateOfServiceThatIsNotAFullDate_Is400NamingIt_NotDecidedOnItsFirstDay(string element, string value, string named)
    {
        var request = Dated(Request());
        var item = Items(request)[0]!.AsObject();
        item.Remove("servicedDate");
        if (element == "servicedDate") item["servicedDate"] = value;
        else item["servicedPeriod"] = new JsonObject { ["start"] = value, ["end"] = "2026-12-31" };

        var (status, body) = await Submit(request);

        Assert.Contains("FullDateRule", Refused(status, body, $"Claim.item[0].{named}").Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AServicedPeriodThatEndsBeforeItStarts_Is400NamingIt()
    {
        // The kit's second item is served over a period (2016-08-10 to 2016-08-12).
        var reversed = Request();
        Items(reversed)[1]!["servicedPeriod"] = new JsonObject { ["start"] = "2016-08-12", ["end"] = "2016-08-10" };
        var oneDay = Request();
        Items(oneDay)[1]!["servicedPeriod"] = new JsonObject { ["start"] = "2016-08-12", ["end"] = "2016-08-12" };

        var (status, body) = await Submit(reversed);
        var (oneDayStatus, oneDayBody) = await Submit(oneDay);

        Assert.Contains("before start", Refused(status, body, "Claim.item[1].servicedPeriod").Diagnostics, StringComparison.Ordinal);
        Assert.Equal(ClaimProcessingCodes.Complete, Answer(oneDayStatus, oneDayBody).Outcome);
    }

    [Fact]
    public async Task ABillablePeriodThatEndsBeforeItStarts_Is400_AndOneThatNamesNoDay_IsAnError57WhenItIsTheDateOfService()
    {
        var reversed = Dated(Request());
        Claim(reversed)["billablePeriod"] = new JsonObject { ["start"] = "2026-05-04T10:00:00Z", ["end"] = "2026-05-04T09:00:00Z" };
        // No item dated: the billable period's start is the date of service, and "2026-05" names no day of it.
        var partial = Request();
        foreach (var item in Items(partial)) { item!.AsObject().Remove("servicedDate"); item.AsObject().Remove("servicedPeriod"); }
        Claim(partial)["billablePeriod"] = new JsonObject { ["start"] = "2026-05" };

        var (status, body) = await Submit(reversed);
        var (partialStatus, partialBody) = await Submit(partial);

        Refused(status, body, "Claim.billablePeriod");
        var response = Answer(partialStatus, partialBody);
        Assert.Equal(ClaimProcessingCodes.Error, response.Outcome);
        var error = Assert.Single(response.Error);
        Assert.Equal("57", error.Code.Coding.Single().Code);
        Assert.Contains(error.Extension, e => e.Url == PasSystems.ErrorPath && e.Value is FhirString { Value: "Claim.billablePeriod.start" });
    }

    [Fact]
    public async Task ABirthDateToTheYear_Is400NamingPatientBirthDate_NoAgeIsGuessed()
    {
        // PAS 2.2.1 profile-beneficiary's FullDateRule: Patient.birthDate is YYYY-MM-DD. Echoed in the answer as sent, a
        // year alone would also make our response Bundle invalid against PAS 2.2.1.
        var partial = Dated(Request());
        Resource(partial, "Patient")["birthDate"] = "1987";
        var absent = Dated(Request());
        Resource(absent, "Patient").Remove("birthDate");

        var (status, body) = await Submit(partial);
        var (absentStatus, absentBody) = await Submit(absent);

        Assert.Contains("'1987'", Refused(status, body, "Patient.birthDate").Diagnostics, StringComparison.Ordinal);
        // No birth date at all is allowed (0..1): the age is unknown and the case asks for it, never a guess.
        var (_, theCase, _) = await Api.Get(_client, $"/api/v1/cases/{CaseId(Answer(absentStatus, absentBody))}");
        var line = theCase.GetProperty("determination").GetProperty("lines")[0];
        Assert.True(line.TryGetProperty("fdaLabel", out var label), line.ToString());
        Assert.Contains("age-70-or-older", label.GetProperty("unknown").EnumerateArray().Select(u => u.GetString()));
    }
}
