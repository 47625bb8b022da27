using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Coverage.Fhir;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Time.Testing;
using Task = System.Threading.Tasks.Task;

namespace Coverage.Server.Tests.Conformance.MustSupport;

/// <summary>
/// The PAS kit's must-support group for responses (pas_server_v221_must_support, issue 16), run as the kit runs it: the
/// kit's own must-support payloads (Fixtures/pas-kit/must-support-pa-submit-request-payload.json and
/// must-support-pa-inquire-request-payload.json, SOURCES.md) are submitted and inquired about, the responses gathered
/// as the kit gathers them (<see cref="KitMustSupport"/>), and every element of each response test's list must be
/// observed, except those this payer declares it never populates (pas-v221-not-populated.json, each with its reason),
/// which must never be. Every response is valid against PAS 2.2.1.
///
/// The payloads are adapted only as the kit expects an operator to adapt them so that the payer decides them
/// (Fixtures/SOURCES.md): items coded with procedure codes our catalogue decides, their diagnosis, the plan, a fresh
/// request id per run; and one run names the Bundle's own PractitionerRole as the provider (the kit's payloads all
/// name an Organization), so that a PractitionerRole requestor is answered. Nothing else is changed.
/// </summary>
public sealed class PasMustSupportTests : IClassFixture<SqliteStorage>, IDisposable
{
    private const string ResponseBundle = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/profile-pas-response-bundle";
    private const string InquiryResponseBundle = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/profile-pas-inquiry-response-bundle";

    private readonly CoverageApp _app;
    private readonly HttpClient _provider;
    private readonly HttpClient _nurse;

    public PasMustSupportTests(SqliteStorage storage)
    {
        _app = new CoverageApp(storage, new FakeTimeProvider(CoverageApp.Start), builder =>
        {
            ApiTokens.Configure(builder);
            // The catalogue that decides HIFU for bone metastases (C9734), which a request can meet in full: a certified item.
            builder.UseSetting("Catalogue:Path", Path.Combine(CoverageApp.RepositoryRoot, "catalogues", "with-related-resources"));
        });
        _provider = _app.CreateClient().With(ApiTokens.Create("system/Claim.c system/ClaimResponse.r system/Questionnaire.r coverage/cases.read coverage/cases.write", "portal-a"));
        _nurse = _app.CreateClient().With(ApiTokens.Person(ApiTokens.Nurse));
    }

    public void Dispose()
    {
        _provider.Dispose();
        _nurse.Dispose();
        _app.Dispose();
    }

    // ------------------------------------------------------------------ the kit's payloads, adapted

    private static JsonNode Fixture(string path) => JsonNode.Parse(File.ReadAllText(Path.Combine(IgValidator.FixturesFolder, path)))!;

    private static JsonObject KitSubmission(int index) => Fixture("pas-kit/must-support-pa-submit-request-payload.json")[index]!.AsObject();
    private static JsonObject KitInquiry() => Fixture("pas-kit/must-support-pa-inquire-request-payload.json")[0]!.AsObject();

    private static JsonObject Claim(JsonObject bundle) => bundle["entry"]![0]!["resource"]!.AsObject();

    private static IEnumerable<JsonObject> Resources(JsonObject bundle, string type) =>
        bundle["entry"]!.AsArray().Select(e => e!["resource"]!.AsObject()).Where(r => (string?)r["resourceType"] == type);

    /// <summary>Every Claim of the Bundle (the kit's carry a prior Claim too) gets one fresh identifier value, as each run of the kit should.</summary>
    private static JsonObject Fresh(JsonObject bundle, string id)
    {
        foreach (var claim in Resources(bundle, "Claim")) claim["identifier"]![0]!["value"] = id;
        return bundle;
    }

    private static void Code(JsonObject item, string system, string code) =>
        item["productOrService"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = system, ["code"] = code }) };

    /// <summary>
    /// The plan (the kit's PLAN-001) → our catalogue's standard plan; the Claim's diagnosis → <paramref name="diagnosis"/>;
    /// the items' 2016 dates of service → the same days of 2026 (no policy of the catalogue is in force in 2016: its
    /// items would need no prior authorization).
    /// </summary>
    private static void PlanAndDiagnosis(JsonObject bundle, string diagnosis)
    {
        foreach (var item in Resources(bundle, "Claim").SelectMany(c => c["item"]?.AsArray() ?? []))
        {
            if (item!["servicedDate"] is { } date) item["servicedDate"] = ((string)date!).Replace("2016-", "2026-", StringComparison.Ordinal);
            if (item["servicedPeriod"] is JsonObject period)
                foreach (var end in new[] { "start", "end" })
                    if (period[end] is { } day) period[end] = ((string)day!).Replace("2016-", "2026-", StringComparison.Ordinal);
        }
        foreach (var coverage in Resources(bundle, "Coverage"))
            foreach (var @class in coverage["class"]?.AsArray() ?? [])
                if ((string?)@class!["type"]!["coding"]![0]!["code"] == "plan") @class["value"] = "standard";
        foreach (var claim in Resources(bundle, "Claim"))
            foreach (var coding in claim["diagnosis"]?.AsArray().SelectMany(d => d!["diagnosisCodeableConcept"]?["coding"]?.AsArray() ?? []) ?? [])
                coding!["code"] = diagnosis;
    }

    /// <summary>
    /// The kit's first must-support submission, its item 1 a request our catalogue certifies: HIFU (C9734) for painful
    /// bone metastases (C79.51) with every criterion's fact in supportingInfo (as PasClinicalFactTests sends them);
    /// item 2 CPT 0581T, which the same policy does not certify on these facts. Its provider is the Bundle's
    /// PractitionerRole.
    /// </summary>
    private static JsonObject Certifiable(string id)
    {
        var bundle = Fresh(KitSubmission(0), id);
        var claim = Claim(bundle);
        Code(claim["item"]![0]!.AsObject(), FhirSystems.Hcpcs, "C9734");
        Code(claim["item"]![1]!.AsObject(), FhirSystems.Cpt, "0581T");
        PlanAndDiagnosis(bundle, "C79.51");
        var facts = claim["supportingInfo"]!.AsArray();
        var next = facts.Max(f => (int)f!["sequence"]!) + 1;
        JsonObject Fact(string name, JsonObject value)
        {
            var fact = new JsonObject { ["sequence"] = next++, ["category"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = FhirSystems.ClinicalFact, ["code"] = name }) } };
            foreach (var (key, v) in value) fact[key] = v?.DeepClone();
            return fact;
        }
        facts.Add(Fact("lesionDistanceFromSkinAndNervesCm", new JsonObject { ["valueQuantity"] = new JsonObject { ["value"] = 25, ["system"] = FhirSystems.Ucum, ["code"] = "mm", ["unit"] = "mm" } }));
        facts.Add(Fact("mirelsScore", new JsonObject { ["valueQuantity"] = new JsonObject { ["value"] = 6 } }));
        facts.Add(Fact("requiresSurgicalStabilization", new JsonObject { ["valueBoolean"] = false }));
        facts.Add(Fact("clinicallySignificantComorbidities", new JsonObject { ["valueBoolean"] = false }));
        facts.Add(Fact("painRefractoryToRadiation", new JsonObject { ["valueBoolean"] = true }));
        var role = bundle["entry"]!.AsArray().First(e => (string?)e!["resource"]!["resourceType"] == "PractitionerRole")!;
        claim["provider"] = new JsonObject { ["reference"] = "PractitionerRole/" + (string)role["resource"]!["id"]! };
        return bundle;
    }

    /// <summary>The kit's second must-support submission as HIFU (C9734) for bone metastases (C79.51) without the facts its criteria need: pended (A4).</summary>
    private static JsonObject Pendable(string id)
    {
        var bundle = Fresh(KitSubmission(1), id);
        var claim = Claim(bundle);
        foreach (var item in claim["item"]!.AsArray()) Code(item!.AsObject(), FhirSystems.Hcpcs, "C9734");
        PlanAndDiagnosis(bundle, "C79.51");
        return bundle;
    }

    /// <summary>
    /// The same request sent again as it was, not as an update of itself: the kit's Claim relates to a prior Claim
    /// (Claim.related), which makes a resubmission an update to evaluate again; without it, the request is answered
    /// with its case as it stands.
    /// </summary>
    private static JsonObject Resent(JsonObject bundle)
    {
        var copy = bundle.DeepClone().AsObject();
        Claim(copy).Remove("related");
        return copy;
    }

    /// <summary>The kit's inquiry about a request: its identifier, provider and items' codes those of the request's Claim.</summary>
    private static JsonObject InquiryAbout(JsonObject submitted)
    {
        var inquiry = KitInquiry();
        var claim = Claim(inquiry);
        var original = Claim(submitted);
        claim["identifier"]![0]!["value"] = original["identifier"]![0]!["value"]!.DeepClone();
        claim["provider"] = original["provider"]!.DeepClone();
        var items = original["item"]!.AsArray();
        foreach (var item in claim["item"]!.AsArray())
        {
            var sequence = (int)item!["sequence"]!;
            if (items.FirstOrDefault(i => (int)i!["sequence"]! == sequence) is { } same) item["productOrService"] = same["productOrService"]!.DeepClone();
        }
        PlanAndDiagnosis(inquiry, (string)original["diagnosis"]![0]!["diagnosisCodeableConcept"]!["coding"]![0]!["code"]!);
        return inquiry;
    }

    // ------------------------------------------------------------------ posting and gathering

    private async Task<JsonObject> Post(string operation, JsonObject body)
    {
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/fhir+json");
        using var response = await _provider.PostAsync(new Uri($"/fhir/Claim/${operation}", UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{operation}: {(int)response.StatusCode} {text}");
        AssertValid(operation, text);
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Each response Bundle valid against PAS 2.2.1 (the kit's server_response_bundle_validation_test).</summary>
    private static void AssertValid(string operation, string text)
    {
        var resource = FhirJson.Parse<Resource>(text, out var problems) ?? throw new InvalidOperationException(problems!.Issue[0].Diagnostics);
        var bundles = resource is Parameters parameters ? parameters.Parameter.Select(p => (Bundle)p.Resource!).ToList() : [Assert.IsType<Bundle>(resource)];
        foreach (var bundle in bundles)
        {
            var errors = IgValidator.Pas221.Errors(bundle, operation == "inquire" ? InquiryResponseBundle : ResponseBundle);
            Assert.True(errors.Count == 0, string.Join("\n", errors));
        }
    }

    private static string CaseNumber(JsonObject response) => (string)ClaimResponse(response)["identifier"]![0]!["value"]!;

    private static JsonObject ClaimResponse(JsonObject bundle) => bundle["entry"]![0]!["resource"]!.AsObject();

    /// <summary>
    /// The run: a certified-and-pended submission, a pended one, the kit's payload verbatim (its service-type items are
    /// answered with errors), a reviewer's request for information and the pended request sent again (its answer now asks
    /// for it), and an inquiry about each decided request. Returns the bodies of each operation's responses.
    /// </summary>
    private async Task<(List<JsonObject> Submit, List<JsonObject> Inquire)> Run()
    {
        var submits = new List<JsonObject>();
        var inquiries = new List<JsonObject>();
        var certifiable = Certifiable(Api.NewId());
        var pendable = Pendable(Api.NewId());
        submits.Add(await Post("submit", certifiable));
        var pended = await Post("submit", pendable);
        submits.Add(pended);
        submits.Add(await Post("submit", Fresh(KitSubmission(0), Api.NewId())));

        var (asked, answer, _) = await Api.Post(_nurse, $"/api/v1/cases/{CaseNumber(pended)}/information-requests", """{"needed":"Complete the questionnaire for the lesion."}""");
        Assert.True(asked == HttpStatusCode.OK, answer.ToString());
        submits.Add(await Post("submit", Resent(pendable)));

        inquiries.Add(await Post("inquire", InquiryAbout(certifiable)));
        inquiries.Add(await Post("inquire", InquiryAbout(pendable)));
        return (submits, inquiries);
    }

    private sealed record Declared(string Element, IReadOnlyList<string> Operations, string Reason)
    {
        public bool Covers(string element, string operation) => Operations.Contains(operation)
            && (element == Element || element.StartsWith(Element + ".", StringComparison.Ordinal) || element.StartsWith(Element + ":", StringComparison.Ordinal));
    }

    private static List<Declared> NotPopulated() =>
        [.. JsonNode.Parse(File.ReadAllText(Path.Combine(KitMustSupport.Folder, "pas-v221-not-populated.json")))!["elements"]!.AsArray()
            .Select(e => new Declared((string)e!["element"]!, [.. e["operations"]!.AsArray().Select(o => (string)o!)], (string)e["reason"]!))];

    // ------------------------------------------------------------------ the kit's group

    [Fact]
    public async Task TheKitsPayloads_ShowEveryMustSupportElement_ButTheDeclaredOnes_AndNeverTheDeclaredOnes()
    {
        var (submits, inquiries) = await Run();
        var kit = KitMustSupport.Load();
        var declared = NotPopulated();
        var missing = new List<string>();
        var shown = new List<string>();

        foreach (var test in kit.Tests)
        {
            var gathered = (test.Operation == "submit" ? submits : inquiries).SelectMany(KitMustSupport.Gathered).ToList();
            var notSeen = KitMustSupport.Missing(test, gathered);
            missing.AddRange(notSeen.Where(e => !declared.Any(d => d.Covers(e, test.Operation))).Select(e => $"{test.Test}: {e}"));
            shown.AddRange(test.Elements.Where(e => declared.Any(d => d.Covers(e, test.Operation)) && !notSeen.Contains(e)).Select(e => $"{test.Test}: {e}"));
        }

        Assert.True(missing.Count == 0, "not observed and not declared:\n" + string.Join("\n", missing));
        Assert.True(shown.Count == 0, "declared as never populated, yet observed:\n" + string.Join("\n", shown));
    }

    [Fact]
    public async Task AnInquiry_AboutAPendedRequest_RepeatsItsItemsAsSubmitted_AboutAFinalOne_AsTheInquiryGivesThem()
    {
        // The kit's inquiry items carry trace numbers 1122334 (items 1 and 3) and none on item 2; its submissions
        // carry 1122334 on both items. A pended case keeps its submission: item 2's answer repeats it. A final case
        // does not (docs/decisions.md): the answer repeats the inquiry's items.
        var pendable = Pendable(Api.NewId());
        var certifiable = Certifiable(Api.NewId());
        var pended = ClaimResponse(await Post("submit", pendable));
        var final = ClaimResponse(await Post("submit", certifiable));
        Assert.Equal("A4", ActionCode(pended["item"]![1]!));
        Assert.Equal("A1", ActionCode(final["item"]![0]!));

        var aboutPended = ClaimResponse(Returned(await Post("inquire", InquiryAbout(pendable))));
        var aboutFinal = ClaimResponse(Returned(await Post("inquire", InquiryAbout(certifiable))));

        Assert.Equal(["1122334"], TraceNumbers(aboutPended["item"]![1]!));
        Assert.Empty(TraceNumbers(aboutFinal["item"]![1]!));
        Assert.Equal(["1122334"], TraceNumbers(aboutFinal["item"]![0]!));
    }

    private static JsonObject Returned(JsonObject parameters) => Assert.Single(parameters["parameter"]!.AsArray())!["resource"]!.AsObject();

    private static string ActionCode(JsonNode item) =>
        (string)item["adjudication"]![0]!["extension"]![0]!["extension"]!.AsArray().First(e => (string?)e!["url"] == FhirSystems.PasReviewActionCode)!["valueCodeableConcept"]!["coding"]![0]!["code"]!;

    private static List<string> TraceNumbers(JsonNode item) =>
        [.. (item["extension"]?.AsArray() ?? []).Where(e => (string?)e!["url"] == Coverage.Fhir.Pas.PasSystems.ItemTraceNumber).Select(e => (string)e!["valueIdentifier"]!["value"]!)];

    [Fact]
    public void TheDeclaredList_NamesOnlyElementsOfTheKitsLists_EachWithAReason()
    {
        var kit = KitMustSupport.Load();

        foreach (var declared in NotPopulated())
        {
            Assert.False(string.IsNullOrWhiteSpace(declared.Reason), declared.Element);
            Assert.Contains(kit.Tests, t => declared.Operations.Contains(t.Operation) && t.Elements.Any(e => declared.Covers(e, t.Operation)));
        }
    }
}
