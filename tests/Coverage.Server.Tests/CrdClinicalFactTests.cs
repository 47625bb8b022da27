using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coverage.Fhir;
using Coverage.Fhir.Crd;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Coverage.Server.Tests.ClinicalFactReaderTests;
using Task = System.Threading.Tasks.Task;

namespace Coverage.Server.Tests;

/// <summary>
/// CRD with criteria-based policies (the with-related-resources catalogue): the Observations an order's
/// supportingInfo references, and the patient's Observations the hook prefetches, decide the criteria; without
/// them the answer is conditional on clinical documentation, never a guess.
/// </summary>
public sealed class CrdClinicalFactTests : IClassFixture<SqliteStorage>, IDisposable
{
    private readonly FakeFhirServer _fhirServer = new();
    private readonly CoverageApp _app;
    private readonly HttpClient _client;

    private readonly SqliteStorage _storage;

    public CrdClinicalFactTests(SqliteStorage storage)
    {
        _storage = storage;
        _app = new CoverageApp(storage, new FakeTimeProvider(CoverageApp.Start), builder =>
        {
            builder.UseSetting("Catalogue:Path", Path.Combine(CoverageApp.RepositoryRoot, "catalogues", "with-related-resources"));
            builder.UseSetting("Coverage:AllowedFhirServers:0", FakeFhirServer.BaseUrl);
            builder.ConfigureTestServices(services =>
                services.AddHttpClient<FhirServerClient>().ConfigurePrimaryHttpMessageHandler(() => _fhirServer));
        });
        _client = _app.CreateClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> Call(JsonNode request, string service = "order-sign")
    {
        using var content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync(new Uri($"/cds-services/{service}", UriKind.Relative), content);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static Observation Observation(string id, string fact, DataType value, string effective = "2026-04-01") => new()
    {
        Id = id,
        Status = ObservationStatus.Final,
        Subject = new ResourceReference("Patient/pat-1"),
        Code = Fact(fact),
        Effective = new FhirDateTime(effective),
        Value = value,
    };

    /// <summary>Every CG-MED-81 HIFU criterion met (age from the patient's birth date).</summary>
    private static List<Observation> HifuCriteriaMet() =>
    [
        Observation("obs-distance", "lesionDistanceFromSkinAndNervesCm", Ucum(15m, "mm")),
        Observation("obs-mirels", "mirelsScore", new Integer(6)),
        Observation("obs-stabilization", "requiresSurgicalStabilization", new FhirBoolean(false)),
        Observation("obs-comorbidities", "clinicallySignificantComorbidities", new FhirBoolean(false)),
        Observation("obs-refractory", "painRefractoryToRadiation", new FhirBoolean(true)),
    ];

    private static ServiceRequest Order(string code, string diagnosis, string system = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets", string date = "2026-05-04") => new()
    {
        Id = "sr-1",
        Status = RequestStatus.Draft,
        Intent = RequestIntent.Order,
        Subject = new ResourceReference("Patient/pat-1"),
        Code = new CodeableConcept(system, code),
        Occurrence = new FhirDateTime(date),
        ReasonCode = [new CodeableConcept(Ehr.Icd10, diagnosis)],
    };

    /// <summary>The HIFU order with the Observations contained and referenced from supportingInfo.</summary>
    private static ServiceRequest HifuOrderCiting(IEnumerable<Observation> observations)
    {
        var order = Order("C9734", "C79.51");
        foreach (var observation in observations)
        {
            order.Contained.Add(observation);
            order.SupportingInfo.Add(new ResourceReference("#" + observation.Id));
        }
        return order;
    }

    private static ServiceRequest AnsweredOrder(JsonElement body)
    {
        var order = FhirJson.Parse<ServiceRequest>(Assert.Single(body.GetProperty("systemActions").EnumerateArray()).GetProperty("resource").GetRawText(), out var problems)
            ?? throw new InvalidOperationException(problems!.Issue[0].Diagnostics);
        FhirValidation.AssertValid(order);
        return order;
    }

    private static Extension Information(ServiceRequest order) => Assert.Single(order.Extension, e => e.Url == FhirSystems.CrdCoverageInformation);

    private static string? Code(Extension info, string name) => (info.Extension.SingleOrDefault(e => e.Url == name)?.Value as Code)?.Value;

    private static OperationOutcome Outcome(JsonElement body)
    {
        var outcome = FhirJson.Parse<OperationOutcome>(body.GetRawText(), out var problems) ?? throw new InvalidOperationException(problems!.Issue[0].Diagnostics);
        FhirValidation.AssertValid(outcome);
        return outcome;
    }

    // ------------------------------------------------------------------ discovery

    [Fact]
    public async Task Discovery_PrefetchesThePatientsObservationsCodedAsFacts()
    {
        var (status, body, _) = await Api.Get(_client, "/cds-services");

        Assert.Equal(HttpStatusCode.OK, status);
        foreach (var service in body.GetProperty("services").EnumerateArray())
            Assert.Equal($"Observation?patient={{{{context.patientId}}}}&code={FhirSystems.ClinicalFact}|,http://loinc.org|21889-1",
                service.GetProperty("prefetch").Str(CdsServices.ObservationsKey));
    }

    // ------------------------------------------------------------------ order-sign

    [Fact]
    public async Task OrderSign_SupportingInfoObservationsMeetEveryCriterion_IsCovered()
    {
        var (status, body) = await Call(Ehr.OrderSign(HifuOrderCiting(HifuCriteriaMet())));

        Assert.Equal(HttpStatusCode.OK, status);
        var info = Information(AnsweredOrder(body));
        Assert.Equal("covered", Code(info, "covered"));
        Assert.Equal("auth-needed", Code(info, "pa-needed"));
        Assert.Null(Code(info, "doc-needed"));
        Conformance.CrdCards.AssertNoneRepeatsCoverageInformation(body); // resp-25
    }

    [Fact]
    public async Task OrderSign_PrefetchedObservationsMeetEveryCriterion_IsCovered()
    {
        var request = Ehr.OrderSign(Order("C9734", "C79.51"));
        request["prefetch"]![CdsServices.ObservationsKey] = Ehr.Node(Ehr.SearchSet([.. HifuCriteriaMet()]));

        var (status, body) = await Call(request);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("covered", Code(Information(AnsweredOrder(body)), "covered"));
    }

    [Fact]
    public async Task OrderSign_OrdersSupportingInfoOverridesAnOlderRecord()
    {
        var older = Observation("obs-old", "painRefractoryToRadiation", new FhirBoolean(false), effective: "2025-01-01");
        var request = Ehr.OrderSign(HifuOrderCiting(HifuCriteriaMet()));
        request["prefetch"]![CdsServices.ObservationsKey] = Ehr.Node(Ehr.SearchSet(older));

        var (_, body) = await Call(request);

        Assert.Equal("covered", Code(Information(AnsweredOrder(body)), "covered"));
    }

    [Fact]
    public async Task OrderSign_WithoutTheFacts_IsConditionalOnClinicalDocumentation()
    {
        var (status, body) = await Call(Ehr.OrderSign(HifuOrderCiting(HifuCriteriaMet().Where(o => o.Id != "obs-refractory"))));

        Assert.Equal(HttpStatusCode.OK, status);
        var info = Information(AnsweredOrder(body));
        Assert.Equal("conditional", Code(info, "covered"));
        Assert.Equal("auth-needed", Code(info, "pa-needed"));
        Assert.Equal("clinical", Code(info, "doc-needed"));
        Assert.Equal("OTH", Code(info, "info-needed"));
    }

    [Fact]
    public async Task OrderSign_CriterionNotMet_IsNotCoveredAsNotMedicallyNecessary()
    {
        var facts = HifuCriteriaMet();
        facts[2] = Observation("obs-stabilization", "requiresSurgicalStabilization", new FhirBoolean(true));

        var (_, body) = await Call(Ehr.OrderSign(HifuOrderCiting(facts)));

        var info = Information(AnsweredOrder(body));
        Assert.Equal("not-covered", Code(info, "covered"));
        Assert.Equal("no-auth", Code(info, "pa-needed")); // crd-ci-q2 as CRD 2.0.1 writes it
        Assert.DoesNotContain(info.Extension, e => e.Url is "info-needed"); // crd-ci-q3
        Assert.Contains("not medically necessary", Assert.IsType<CodeableConcept>(info.Extension.Single(e => e.Url == "reason").Value).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrderSign_LittWithOneDrugRegimen_IsNotCoveredAsInvestigational()
    {
        var order = Order("61736", "G40.219", system: Ehr.Cpt);
        foreach (var (fact, value) in new (string, DataType)[]
                 {
                     ("nonEpilepticAttacksRuledOut", new FhirBoolean(true)), ("seizureTypeAndSyndromeDefined", new FhirBoolean(true)),
                     ("disablingSeizures", new FhirBoolean(true)), ("antiepilepticDrugRegimensTried", new Integer(1)),
                     ("epileptogenicFocus", new CodeableConcept(FhirSystems.ClinicalFactValue, "temporal-lobe")), ("focusAccessibleByLitt", new FhirBoolean(true)),
                 })
        {
            order.Contained.Add(Observation("obs-" + fact, fact, value));
            order.SupportingInfo.Add(new ResourceReference("#obs-" + fact));
        }

        var (status, body) = await Call(Ehr.OrderSign(order));

        Assert.Equal(HttpStatusCode.OK, status);
        var info = Information(AnsweredOrder(body));
        Assert.Equal("not-covered", Code(info, "covered"));
        Assert.Contains("investigational", Assert.IsType<CodeableConcept>(info.Extension.Single(e => e.Url == "reason").Value).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrderSign_SupportingInfoReadFromTheFhirServer_WhenAccessIsGiven()
    {
        var facts = HifuCriteriaMet();
        foreach (var observation in facts) _fhirServer.Add($"Observation/{observation.Id}", observation);
        var order = Order("C9734", "C79.51");
        order.SupportingInfo.AddRange(facts.Select(o => new ResourceReference($"Observation/{o.Id}")));
        var request = Ehr.OrderSign(order);
        request["fhirServer"] = FakeFhirServer.BaseUrl;
        request["fhirAuthorization"] = new JsonObject { ["access_token"] = "token-9", ["token_type"] = "Bearer" };

        var (_, body) = await Call(request);

        Assert.Equal("covered", Code(Information(AnsweredOrder(body)), "covered"));
        Assert.Contains(_fhirServer.Requests, r => r.Url.Contains("/Observation?patient=pat-1&code=", StringComparison.Ordinal));
    }

    /// <summary>
    /// A FHIR server that stops answering holds a call no longer than the call's read budget, all its reads together
    /// (Coverage:FhirReadBudgetSeconds): the Observations still unread are missing, their facts unknown, and the answer
    /// comes. It used to wait out each read's timeout in turn — twenty cited Observations, ten seconds each.
    /// </summary>
    [Fact]
    public async Task OrderSign_AFhirServerThatStopsAnswering_HoldsTheCallNoLongerThanItsReadBudget()
    {
        using var app = new CoverageApp(_storage, new FakeTimeProvider(CoverageApp.Start), builder =>
        {
            builder.UseSetting("Catalogue:Path", Path.Combine(CoverageApp.RepositoryRoot, "catalogues", "with-related-resources"));
            builder.UseSetting("Coverage:AllowedFhirServers:0", FakeFhirServer.BaseUrl);
            builder.UseSetting("Coverage:FhirReadBudgetSeconds", "1");
            builder.ConfigureTestServices(services =>
                services.AddHttpClient<FhirServerClient>().ConfigurePrimaryHttpMessageHandler(() => _fhirServer));
        });
        using var client = app.CreateClient();
        _fhirServer.Silent = true;
        var order = Order("C9734", "C79.51");
        order.SupportingInfo.AddRange(Enumerable.Range(0, CrdService.MaxObservationReads).Select(i => new ResourceReference($"Observation/silent-{i}")));
        var request = Ehr.OrderSign(order);
        request["fhirServer"] = FakeFhirServer.BaseUrl;
        request["fhirAuthorization"] = new JsonObject { ["access_token"] = "token-9", ["token_type"] = "Bearer" };

        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri("/cds-services/order-sign", UriKind.Relative), content).WaitAsync(TimeSpan.FromSeconds(60));
        var took = clock.Elapsed;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("conditional", Code(Information(AnsweredOrder(body)), "covered"));
        Assert.True(took < TimeSpan.FromSeconds(5), $"the call took {took.TotalSeconds:0.0} s with a read budget of 1 s");
        Assert.Single(_fhirServer.Requests); // the first read spent the budget; none was begun after it
    }

    [Theory]
    [InlineData("0")]
    [InlineData("61")]
    public void AReadBudgetOutsideOneToSixtySeconds_StopsTheServerStarting_NamingTheSetting(string seconds)
    {
        using var app = new CoverageApp(_storage, new FakeTimeProvider(CoverageApp.Start), builder =>
            builder.UseSetting("Coverage:FhirReadBudgetSeconds", seconds));
        var refused = Assert.Throws<InvalidOperationException>(() => app.CreateClient());
        Assert.Contains("Coverage:FhirReadBudgetSeconds", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrderSign_ManyCitedObservations_ReadsAtMostTheLimitFromTheFhirServer()
    {
        var order = Order("C9734", "C79.51");
        order.SupportingInfo.AddRange(Enumerable.Range(0, CrdService.MaxObservationReads + 10).Select(i => new ResourceReference($"Observation/missing-{i}")));
        var request = Ehr.OrderSign(order);
        request["fhirServer"] = FakeFhirServer.BaseUrl;
        request["fhirAuthorization"] = new JsonObject { ["access_token"] = "token-9", ["token_type"] = "Bearer" };

        var (status, body) = await Call(request);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("conditional", Code(Information(AnsweredOrder(body)), "covered"));
        Assert.Equal(CrdService.MaxObservationReads, _fhirServer.Requests.Count(r => r.Url.Contains("/Observation/missing-", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task OrderSign_NoOrderWithABillingCode_SearchesNoRecord_AndSaysCoverageWasNotAssessed()
    {
        var request = Ehr.OrderSign(Order("12345678", "C79.51", system: "http://snomed.info/sct"));
        request["fhirServer"] = FakeFhirServer.BaseUrl;
        request["fhirAuthorization"] = new JsonObject { ["access_token"] = "token-9", ["token_type"] = "Bearer" };

        var (status, body) = await Call(request);

        Assert.Equal(HttpStatusCode.OK, status);
        var info = Information(AnsweredOrder(body));
        Assert.Equal(("conditional", "conditional"), (Code(info, "covered"), Code(info, "pa-needed")));
        Assert.DoesNotContain(_fhirServer.Requests, r => r.Url.Contains("/Observation", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OrderSign_SupportingInfoNotGivenAndNoAccess_IsConditional()
    {
        var order = Order("C9734", "C79.51");
        order.SupportingInfo.AddRange(HifuCriteriaMet().Select(o => new ResourceReference($"Observation/{o.Id}")));

        var (status, body) = await Call(Ehr.OrderSign(order));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("conditional", Code(Information(AnsweredOrder(body)), "covered"));
        Assert.Empty(_fhirServer.Requests);
    }

    // ------------------------------------------------------------------ errors

    [Fact]
    public async Task OrderSign_ObservationWithAUnitThatDoesNotConvert_Is400NamingIt()
    {
        var facts = HifuCriteriaMet();
        facts[0] = Observation("obs-distance", "lesionDistanceFromSkinAndNervesCm", Ucum(15m, "mL"));

        var (status, body) = await Call(Ehr.OrderSign(HifuOrderCiting(facts)));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var issue = Assert.Single(Outcome(body).Issue);
        Assert.Equal("context.draftOrders.entry[0].resource.contained[0].valueQuantity", Assert.Single(issue.Expression));
        Assert.Contains("'mL' does not convert exactly to cm", issue.Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrderSign_PrefetchedFactOutsideItsRange_Is400NamingTheObservation()
    {
        var request = Ehr.OrderSign(Order("C9734", "C79.51"));
        request["prefetch"]![CdsServices.ObservationsKey] = Ehr.Node(Ehr.SearchSet(Observation("obs-far", "lesionDistanceFromSkinAndNervesCm", Ucum(2m, "m"))));

        var (status, body) = await Call(request);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var issue = Assert.Single(Outcome(body).Issue);
        Assert.Equal("prefetch.observations.entry[0].resource.valueQuantity", Assert.Single(issue.Expression));
        Assert.Contains("outside 0–50 cm", issue.Diagnostics, StringComparison.Ordinal);
    }
}
