using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coverage.Fhir;
using Coverage.Fhir.Crd;
using Coverage.Store;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Task = System.Threading.Tasks.Task;

namespace Coverage.Server.Tests;

/// <summary>Da Vinci CRD over CDS Hooks, driven over HTTP with requests built as an EHR builds them.</summary>
public sealed class CrdTests : IClassFixture<SqliteStorage>, IDisposable
{
    private readonly FakeFhirServer _fhirServer = new();
    private readonly CoverageApp _app;
    private readonly HttpClient _client;

    public CrdTests(SqliteStorage storage)
    {
        _app = new CoverageApp(storage, new FakeTimeProvider(CoverageApp.Start), builder =>
        {
            builder.UseSetting("Coverage:AllowedFhirServers:0", FakeFhirServer.BaseUrl);
            // A host allowed as a whole (no path): what a text-prefix comparison let user info and longer hosts through.
            builder.UseSetting("Coverage:AllowedFhirServers:1", "https://ehr-root.test");
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

    private async Task<(HttpStatusCode Status, JsonElement Body)> Call(string service, JsonNode request)
    {
        using var content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync(new Uri($"/cds-services/{service}", UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    private static T Resource<T>(JsonElement element) where T : Resource =>
        FhirJson.Parse<T>(element.GetRawText(), out var problems) ?? throw new InvalidOperationException(problems!.Issue[0].Diagnostics);

    private static Extension CoverageInformation(DomainResource resource) =>
        Assert.Single(resource.Extension, e => e.Url == FhirSystems.CrdCoverageInformation);

    private static string? Code(Extension info, string name) => (info.Extension.SingleOrDefault(e => e.Url == name)?.Value as Code)?.Value;

    /// <summary>The value of the one sub-extension with this url, of the expected type.</summary>
    private static T Sub<T>(Extension parent, string url) where T : DataType =>
        Assert.IsType<T>(Assert.Single(parent.Extension, e => e.Url == url).Value);

    private static OperationOutcome AssertOutcome(JsonElement body)
    {
        var outcome = Resource<OperationOutcome>(body);
        FhirValidation.AssertValid(outcome);
        Assert.NotEmpty(outcome.Issue);
        return outcome;
    }

    // ------------------------------------------------------------------ discovery

    [Fact]
    public async Task Discovery_ListsTheCrdServicesWithPrefetch()
    {
        var (status, body, _) = await Api.Get(_client, "/cds-services");

        Assert.Equal(HttpStatusCode.OK, status);
        var services = body.GetProperty("services").EnumerateArray().ToList();
        Assert.Equal(["order-select", "order-sign", "order-dispatch", "appointment-book", "encounter-start", "encounter-discharge"], services.Select(s => s.Str("hook")));
        foreach (var service in services)
        {
            Assert.Equal("Patient/{{context.patientId}}", service.GetProperty("prefetch").Str("patient"));
            Assert.Equal("Coverage?patient={{context.patientId}}&status=active", service.GetProperty("prefetch").Str("coverage"));
            Assert.False(string.IsNullOrEmpty(service.Str("description")));
        }
    }

    // ------------------------------------------------------------------ order-sign

    [Fact]
    public async Task OrderSign_Cryoablation_IsNotCoveredWithTheExtensionFieldByField()
    {
        var (status, body) = await Call("order-sign", Ehr.OrderSign(Ehr.Order("0581T", "US-guided cryoablation, left breast")));

        Assert.Equal(HttpStatusCode.OK, status);
        var action = Assert.Single(body.GetProperty("systemActions").EnumerateArray());
        Assert.Equal("update", action.Str("type"));
        var order = Resource<ServiceRequest>(action.GetProperty("resource"));
        FhirValidation.AssertValid(order);
        Assert.Equal("sr-1", order.Id);
        var info = CoverageInformation(order);
        Assert.Equal("Coverage/cov-1", Sub<ResourceReference>(info, "coverage").Reference);
        Assert.Equal("not-covered", Code(info, "covered"));
        Assert.Equal("no-auth", Code(info, "pa-needed")); // crd-ci-q2 as CRD 2.0.1 writes it (docs/decisions.md)
        Assert.DoesNotContain(info.Extension, e => e.Url == "info-needed");
        var billing = Sub<Coding>(info, "billingCode");
        Assert.Equal((Ehr.Cpt, "0581T"), (billing.System, billing.Code));
        var reason = Sub<CodeableConcept>(info, "reason").Text;
        Assert.Contains("not medically necessary", reason, StringComparison.Ordinal);
        Assert.Contains("0540", reason, StringComparison.Ordinal);
        // CRD 2.0.1 has no policy-link detail: the policy is named, with where to read it, in the reason.
        Assert.DoesNotContain(info.Extension, e => e.Url == "detail");
        Assert.Contains("http://localhost/policies/0540?version=2026-03-15", reason, StringComparison.Ordinal);
        Assert.Equal("2026-11-25", Sub<Date>(info, "date").Value);
        Assert.True(Guid.TryParse(Sub<FhirString>(info, "coverage-assertion-id").Value, out _));

        Conformance.CrdCards.AssertNoneRepeatsCoverageInformation(body); // resp-25: coverage information is never a card
        using var page = await _client.GetAsync(new Uri("/policies/0540?version=2026-03-15", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("considered not medically necessary", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2025-06-01", "2025-04-15")]
    [InlineData("2025-04-14T22:30:00-07:00", "2024-03-15")] // the day in its own offset: UTC's (the 15th) is the next version's
    [InlineData("2026-05-04", "2026-03-15")]
    public async Task OrderSign_IsDecidedUnderThePolicyVersionInForceOnTheOrdersDay(string occurrence, string version)
    {
        // A date without a time is the commonest occurrence; it was once read as today (docs/decisions.md "An order's day
        // of service is read exactly").
        var (status, body) = await Call("order-sign", Ehr.OrderSign(Ehr.Order("0581T", date: occurrence)));

        Assert.Equal(HttpStatusCode.OK, status);
        var info = CoverageInformation(Resource<ServiceRequest>(Assert.Single(body.GetProperty("systemActions").EnumerateArray()).GetProperty("resource")));
        var reason = Sub<CodeableConcept>(info, "reason").Text;
        Assert.Contains($"/policies/0540?version={version}", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-12")]
    [InlineData("2026")]
    public async Task OrderSign_AnOccurrenceNamingNoDay_IsConditional_NeedingTheTimeframe_NotDecidedOnItsFirstDay(string occurrence)
    {
        var sent = Ehr.Order("0581T", date: occurrence);
        // What CRD 2.0.1's ServiceRequest profile requires besides, so that the update is validated whole.
        (sent.AuthoredOn, sent.Requester) = ("2026-11-25", new ResourceReference("Practitioner/pra-1"));
        var (status, body) = await Call("order-sign", Ehr.OrderSign(sent));

        Assert.Equal(HttpStatusCode.OK, status);
        var order = Resource<ServiceRequest>(Assert.Single(body.GetProperty("systemActions").EnumerateArray()).GetProperty("resource"));
        FhirValidation.AssertValid(order);
        var info = CoverageInformation(order);
        Assert.Equal(("conditional", "conditional"), (Code(info, "covered"), Code(info, "pa-needed")));
        Assert.Equal("timeframe", Code(info, "info-needed")); // CRD's code for "when the service will be performed"
        Assert.Empty(Conformance.IgValidator.Crd201.Errors(order, "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/profile-servicerequest"));
        var reason = Sub<CodeableConcept>(info, "reason").Text;
        Assert.Contains($"'{occurrence}'", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("/policies/0540", reason, StringComparison.Ordinal);
    }

    /// <summary>
    /// CDS Hooks makes the hookInstance a UUID, but a client's longer or non-ASCII one is still a valid call: it was part
    /// of each order's request id (at most 128 printable ASCII characters), so from about 45 characters on, or with one
    /// accented letter, every order came back "not assessed" although nothing about it was wrong.
    /// </summary>
    [Theory]
    [InlineData(110)]
    [InlineData(128)]
    [InlineData(4_000)]
    [InlineData(-1)]
    public async Task OrderSign_HookInstanceThatIsNotAUuid_IsAnsweredAsWithOne(int length)
    {
        var call = Ehr.OrderSign(Ehr.Order("0581T", "US-guided cryoablation, left breast"));
        call["hookInstance"] = length < 0 ? $"séance-{Guid.NewGuid()}" : new string('h', length);

        var (status, body) = await Call("order-sign", call);

        Assert.Equal(HttpStatusCode.OK, status);
        var info = CoverageInformation(Resource<ServiceRequest>(Assert.Single(body.GetProperty("systemActions").EnumerateArray()).GetProperty("resource")));
        Assert.Equal(("not-covered", "no-auth"), (Code(info, "covered"), Code(info, "pa-needed")));
        Assert.Contains("0540", Sub<CodeableConcept>(info, "reason").Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrderSign_OrderThePolicyDoesNotAddress_IsConditionalWithoutPriorAuthorization_AndNoCard()
    {
        var (status, body) = await Call("order-sign", Ehr.OrderSign(Ehr.Order("19120", "Excision of breast lesion")));

        Assert.Equal(HttpStatusCode.OK, status);
        var info = CoverageInformation(Resource<ServiceRequest>(Assert.Single(body.GetProperty("systemActions").EnumerateArray()).GetProperty("resource")));
        Assert.Equal(("conditional", "no-auth"), (Code(info, "covered"), Code(info, "pa-needed")));
        Assert.Contains("No coverage policy of this payer addresses 19120", Sub<CodeableConcept>(info, "reason").Text, StringComparison.Ordinal);
        Assert.Empty(body.GetProperty("cards").EnumerateArray());
    }

    [Fact]
    public async Task OrderSign_UnlistedCodeWithoutDescription_IsConditionalOnTheDetailCode()
    {
        var (_, body) = await Call("order-sign", Ehr.OrderSign(Ehr.Order("19499")));

        var order = Resource<ServiceRequest>(body.GetProperty("systemActions")[0].GetProperty("resource"));
        FhirValidation.AssertValid(order);
        var info = CoverageInformation(order);
        Assert.Equal("conditional", Code(info, "covered"));
        Assert.Equal("auth-needed", Code(info, "pa-needed"));
        Assert.Equal("OTH", Code(info, "info-needed")); // the 2.0.1 value set's code for "other"; crd-ci-q3: conditional ⇒ info-needed
        Assert.Equal("detail-code", Sub<CodeableConcept>(info, "reason").Coding.Single().Code); // 2.0.1 coverageAssertionReasons
    }

    [Fact]
    public async Task OrderSign_UnlistedCodeWithMicrowaveText_IsNotCovered()
    {
        var (_, body) = await Call("order-sign", Ehr.OrderSign(Ehr.Order("19499", "Percutaneous microwave ablation, right breast")));

        var info = CoverageInformation(Resource<ServiceRequest>(body.GetProperty("systemActions")[0].GetProperty("resource")));
        Assert.Equal("not-covered", Code(info, "covered"));
    }

    [Fact]
    public async Task OrderSign_PlanExclusion_IsNotCovered()
    {
        var request = Ehr.OrderSign(Ehr.Order("0581T"));
        request["prefetch"]!["coverage"] = Ehr.Node(Ehr.SearchSet(Ehr.Coverage("example-ablation-exclusion")));

        var (_, body) = await Call("order-sign", request);

        var info = CoverageInformation(Resource<ServiceRequest>(body.GetProperty("systemActions")[0].GetProperty("resource")));
        Assert.Equal("not-covered", Code(info, "covered"));
        Assert.Contains("excluded by the member's plan", Sub<CodeableConcept>(info, "reason").Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrderSign_RiderNeedsTheLabelFacts_IsConditionalOnClinicalDocumentation()
    {
        var request = Ehr.OrderSign(Ehr.Order("0581T"));
        request["prefetch"]!["coverage"] = Ehr.Node(Ehr.SearchSet(Ehr.Coverage("example-fda-cryo-rider")));

        var (_, body) = await Call("order-sign", request);

        var order = Resource<ServiceRequest>(body.GetProperty("systemActions")[0].GetProperty("resource"));
        FhirValidation.AssertValid(order);
        var info = CoverageInformation(order);
        Assert.Equal("conditional", Code(info, "covered"));
        Assert.Equal("auth-needed", Code(info, "pa-needed"));
        Assert.Equal("clinical", Code(info, "doc-needed"));
        Assert.Equal("OTH", Code(info, "info-needed"));
    }

    [Fact]
    public async Task OrderSign_ReasonReferenceToABenignCondition_IsInconsistentCoding()
    {
        var condition = new Condition
        {
            Id = "cond-1",
            Subject = new ResourceReference("Patient/pat-1"),
            Code = new CodeableConcept(Ehr.Icd10, "D24.1"),
        };
        var order = Ehr.Order("0581T", diagnosis: null);
        order.ReasonReference.Add(new ResourceReference("Condition/cond-1"));

        var (_, body) = await Call("order-sign", Ehr.OrderSign(order, condition));

        var action = Assert.Single(body.GetProperty("systemActions").EnumerateArray());
        var info = CoverageInformation(Resource<ServiceRequest>(action.GetProperty("resource")));
        Assert.Equal("not-covered", Code(info, "covered"));
        Assert.Contains("diagnoses", Sub<CodeableConcept>(info, "reason").Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrderSign_ThreeOrders_EachGetsItsOwnAction_AndOnePolicyLinkForTheTwoItDecided()
    {
        var (_, body) = await Call("order-sign", Ehr.OrderSign(
            Ehr.Order("0581T", id: "sr-1"), Ehr.Order("0971T", id: "sr-2", date: "2026-04-01"), Ehr.Order("19120", id: "sr-3")));

        var ids = body.GetProperty("systemActions").EnumerateArray().Select(a => a.GetProperty("resource").Str("id")).ToList();
        Assert.Equal(["sr-1", "sr-2", "sr-3"], ids); // hook-16: every order, the one no policy addresses too
        Conformance.CrdCards.AssertNoneRepeatsCoverageInformation(body);
        // Both ablation codes were decided under policy 0540: one External Reference card names both orders (2.0.1@140).
        var link = Assert.Single(body.GetProperty("cards").EnumerateArray(), Conformance.CrdCards.IsExternalReference);
        Assert.Equal(["ServiceRequest/sr-1", "ServiceRequest/sr-2"], Conformance.CrdCards.AssociatedResources(link));
    }

    // ------------------------------------------------------------------ the other hooks

    [Fact]
    public async Task OrderSelect_AssessesOnlyTheSelectedOrders()
    {
        var context = new JsonObject
        {
            ["selections"] = new JsonArray("ServiceRequest/sr-2"),
            ["draftOrders"] = Ehr.Node(Ehr.Collection(Ehr.Order("0581T", id: "sr-1"), Ehr.Order("19499", "RFA of breast tumor", id: "sr-2"))),
        };

        var (status, body) = await Call("order-select", Ehr.HookRequest("order-select", context));

        Assert.Equal(HttpStatusCode.OK, status);
        var action = Assert.Single(body.GetProperty("systemActions").EnumerateArray());
        Assert.Equal("sr-2", action.GetProperty("resource").Str("id"));
    }

    [Fact]
    public async Task AppointmentBook_AppointmentForCryoablation_GetsCoverageInformation()
    {
        var context = new JsonObject { ["appointments"] = Ehr.Node(Ehr.Collection(CryoablationAppointment("Patient/pat-1"))) };

        var (status, body) = await Call("appointment-book", Ehr.HookRequest("appointment-book", context));

        Assert.Equal(HttpStatusCode.OK, status);
        var updated = Resource<Appointment>(Assert.Single(body.GetProperty("systemActions").EnumerateArray()).GetProperty("resource"));
        FhirValidation.AssertValid(updated);
        Assert.Equal("not-covered", Code(CoverageInformation(updated), "covered"));
    }

    /// <summary>An appointment for a cryoablation (0581T, C50.412) on 4 May 2026, the patient a participant.</summary>
    private static Appointment CryoablationAppointment(string patient) => new()
    {
        Id = "appt-1",
        Status = Appointment.AppointmentStatus.Proposed,
        ServiceType = [new CodeableConcept(Ehr.Cpt, "0581T")],
        ReasonCode = [new CodeableConcept(Ehr.Icd10, "C50.412")],
        Start = new DateTimeOffset(2026, 5, 4, 9, 0, 0, TimeSpan.Zero),
        End = new DateTimeOffset(2026, 5, 4, 10, 0, 0, TimeSpan.Zero),
        Participant = [new Appointment.ParticipantComponent { Actor = new ResourceReference(patient), Status = ParticipationStatus.Accepted }],
    };

    [Theory]
    [InlineData("ServiceRequest/sr-9")]
    [InlineData("https://ehr.test/fhir/ServiceRequest/sr-9")] // an absolute reference, found by its ending
    public async Task OrderDispatch_PrefetchedOrder_GetsCoverageInformation(string reference)
    {
        var order = Ehr.Order("0581T", id: "sr-9");
        order.Status = RequestStatus.Active;
        var request = Ehr.HookRequest("order-dispatch", new JsonObject
        {
            ["dispatchedOrders"] = new JsonArray(reference),
            ["performer"] = "Organization/org-1",
        });
        request["prefetch"]!["serviceRequests"] = Ehr.Node(Ehr.SearchSet(order));

        var (status, body) = await Call("order-dispatch", request);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("sr-9", Assert.Single(body.GetProperty("systemActions").EnumerateArray()).GetProperty("resource").Str("id"));
    }

    [Theory]
    [InlineData("ServiceRequest/sr-9", HttpStatusCode.OK)]
    [InlineData("ServiceRequest/sr-9?_include=ServiceRequest:subject", HttpStatusCode.PreconditionFailed)]
    [InlineData("ServiceRequest/sr-9/../sr-10", HttpStatusCode.PreconditionFailed)]
    [InlineData("ServiceRequest/sr-9/../../Patient/pat-1", HttpStatusCode.PreconditionFailed)] // ends like the prefetched Patient: not an order's reference either
    public async Task OrderDispatch_OrderNotPrefetched_IsReadOnlyByARelativeLiteralReference(string reference, HttpStatusCode expected)
    {
        // Read from the EHR when it is Type/id; a reference with a query or more path is not sent (the order cannot be had: 412).
        var order = Ehr.Order("0581T", id: "sr-9");
        order.Status = RequestStatus.Active;
        _fhirServer.Add("ServiceRequest/sr-9", order);
        var request = Ehr.HookRequest("order-dispatch", new JsonObject
        {
            ["dispatchedOrders"] = new JsonArray(reference),
            ["performer"] = "Organization/org-1",
        });
        request["fhirServer"] = FakeFhirServer.BaseUrl;
        request["fhirAuthorization"] = new JsonObject { ["access_token"] = "t", ["token_type"] = "Bearer" };

        var (status, _) = await Call("order-dispatch", request);

        Assert.Equal(expected, status);
        var orderReads = _fhirServer.Requests.Where(r => r.Url.Contains("/ServiceRequest/", StringComparison.Ordinal)).Select(r => r.Url).ToList();
        Assert.Equal(expected == HttpStatusCode.OK ? [FakeFhirServer.BaseUrl + "/ServiceRequest/sr-9"] : [], orderReads);
    }

    [Fact]
    public async Task OrderSign_NoPrefetchButFhirAccess_ReadsPatientAndCoverageFromTheEhr()
    {
        _fhirServer.Add("Patient/pat-1", Ehr.Patient());
        _fhirServer.Add("Coverage?patient=pat-1&status=active", Ehr.SearchSet(Ehr.Coverage("example-ablation-exclusion")));
        var request = Ehr.HookRequest("order-sign", new JsonObject { ["draftOrders"] = Ehr.Node(Ehr.Collection(Ehr.Order("0581T"))) }, prefetch: false);
        request["fhirServer"] = FakeFhirServer.BaseUrl;
        request["fhirAuthorization"] = new JsonObject { ["access_token"] = "token-123", ["token_type"] = "Bearer", ["expires_in"] = 300, ["scope"] = "patient/Patient.read patient/Coverage.read", ["subject"] = "coverage-crd" };

        var (status, body) = await Call("order-sign", request);

        Assert.Equal(HttpStatusCode.OK, status);
        var info = CoverageInformation(Resource<ServiceRequest>(body.GetProperty("systemActions")[0].GetProperty("resource")));
        Assert.Contains("excluded by the member's plan", Sub<CodeableConcept>(info, "reason").Text, StringComparison.Ordinal);
        Assert.All(_fhirServer.Requests, r => Assert.Equal("Bearer token-123", r.Authorization));
        Assert.Contains(_fhirServer.Requests, r => r.Url.EndsWith("/Patient/pat-1", StringComparison.Ordinal));
    }

    // ------------------------------------------------------------------ errors

    /// <summary>
    /// A Coverage read back from the EHR with a byte that is not UTF-8 (in its plan's class value) was decoded with U+FFFD
    /// and used; it is now a read that failed (412, the Coverage could not be read), and the same bytes made valid are read.
    /// </summary>
    [Fact]
    public async Task FhirServerAnsweringBytesThatAreNotUtf8_IsAReadThatFailed()
    {
        _fhirServer.Add("Patient/pat-1", Ehr.Patient());
        var coverage = Encoding.UTF8.GetBytes(FhirJson.Serialize(Ehr.SearchSet(Ehr.Coverage("example-ablation-exclusion"))));
        var at = coverage.AsSpan().IndexOf("ablation-exclusion"u8);
        var request = Ehr.HookRequest("order-sign", new JsonObject { ["draftOrders"] = Ehr.Node(Ehr.Collection(Ehr.Order("0581T"))) }, prefetch: false);
        request["fhirServer"] = FakeFhirServer.BaseUrl;
        request["fhirAuthorization"] = new JsonObject { ["access_token"] = "token-123", ["token_type"] = "Bearer", ["expires_in"] = 300, ["scope"] = "patient/Patient.read patient/Coverage.read", ["subject"] = "coverage-crd" };

        byte[] withAStrayByte = [.. coverage[..at], 0xE1, .. coverage[(at + 1)..]];
        _fhirServer.AddRaw("Coverage?patient=pat-1&status=active", withAStrayByte);
        var (status, body) = await Call("order-sign", request);

        Assert.Equal(HttpStatusCode.PreconditionFailed, status);
        Assert.Contains("could not be read from the FHIR server", AssertOutcome(body).Issue[0].Diagnostics, StringComparison.Ordinal);

        _fhirServer.AddRaw("Coverage?patient=pat-1&status=active", [0xEF, 0xBB, 0xBF, .. coverage]);
        request["hookInstance"] = Guid.NewGuid().ToString();
        (status, body) = await Call("order-sign", request);

        Assert.Equal(HttpStatusCode.OK, status);
        var info = CoverageInformation(Resource<ServiceRequest>(body.GetProperty("systemActions")[0].GetProperty("resource")));
        Assert.Contains("excluded by the member's plan", Sub<CodeableConcept>(info, "reason").Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoPrefetchAndNoFhirAccess_Is412WithOperationOutcome()
    {
        var request = Ehr.HookRequest("order-sign", new JsonObject { ["draftOrders"] = Ehr.Node(Ehr.Collection(Ehr.Order("0581T"))) }, prefetch: false);

        var (status, body) = await Call("order-sign", request);

        Assert.Equal(HttpStatusCode.PreconditionFailed, status);
        Assert.Contains("prefetch", AssertOutcome(body).Issue[0].Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FhirServerAnsweringMoreThanTheMostARead_Holds_IsAnsweredWithoutIt()
    {
        // The Patient read would hold more than FhirServerClient.MaxResponseBytes: it fails as an unreachable server's
        // would (the patient is optional; the member id comes from the Coverage), and the payer buffers no more than that.
        _fhirServer.AddOversized("Patient/pat-1", FhirServerClient.MaxResponseBytes + 1024);
        _fhirServer.Add("Coverage?patient=pat-1&status=active", Ehr.SearchSet(Ehr.Coverage("example-ablation-exclusion")));
        var request = OrderSignReadingFrom(FakeFhirServer.BaseUrl);

        var (status, body) = await Call("order-sign", request);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(_fhirServer.Requests, r => r.Url.EndsWith("/Patient/pat-1", StringComparison.Ordinal));
        var info = CoverageInformation(Resource<ServiceRequest>(body.GetProperty("systemActions")[0].GetProperty("resource")));
        Assert.Contains("excluded by the member's plan", Sub<CodeableConcept>(info, "reason").Text, StringComparison.Ordinal);
        // The read itself, through the client as the server configures it: refused once past the limit, not buffered whole.
        using var scope = _app.Services.CreateScope();
        var reader = scope.ServiceProvider.GetRequiredService<FhirServerClient>();
        await Assert.ThrowsAsync<HttpRequestException>(() => reader.ReadAsync(new FhirAccess(new Uri(FakeFhirServer.BaseUrl), "t"), "Patient/pat-1", CancellationToken.None));
    }

    /// <summary>An order-sign call without prefetch, with a token for <paramref name="fhirServer"/>: what it needs is read from there.</summary>
    private static JsonObject OrderSignReadingFrom(string fhirServer)
    {
        var request = Ehr.HookRequest("order-sign", new JsonObject { ["draftOrders"] = Ehr.Node(Ehr.Collection(Ehr.Order("0581T"))) }, prefetch: false);
        request["fhirServer"] = fhirServer;
        request["fhirAuthorization"] = new JsonObject { ["access_token"] = "t", ["token_type"] = "Bearer" };
        return request;
    }

    [Theory]
    [InlineData("https://elsewhere.example/fhir")]
    [InlineData("https://ehr-root.test@169.254.169.254/latest/meta-data")]
    [InlineData("https://ehr-root.test:x@127.0.0.1/fhir")]
    [InlineData("https://ehr-root.test.attacker.example/fhir")]
    [InlineData("https://ehr.test/fhirx")]
    [InlineData("https://ehr.test/fhir/../internal")]
    public async Task FhirServerThatOnlyLooksAllowed_IsNotRead_412(string server)
    {
        // Another server; and servers that begin, as text, with an allowed https://ehr-root.test or https://ehr.test/fhir
        // but are none of them (user info naming another host, a longer host, another path).
        var request = OrderSignReadingFrom(server);

        var (status, _) = await Call("order-sign", request);

        Assert.Equal(HttpStatusCode.PreconditionFailed, status);
        Assert.Empty(_fhirServer.Requests);
    }

    /// <summary>
    /// A patientId that would climb out of the base was read as one escaped id below it; it is not a FHIR id, so it is now
    /// a 400 naming context.patientId and nothing is read (session 38; CdsHookFieldTests holds the other forms).
    /// </summary>
    [Fact]
    public async Task PatientIdThatClimbsOutOfTheBase_Is400_AndNothingIsRead()
    {
        var request = OrderSignReadingFrom(FakeFhirServer.BaseUrl);
        request["context"]!["patientId"] = "../../admin?x=1";

        var (status, body) = await Call("order-sign", request);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("context.patientId:", AssertOutcome(body).Issue[0].Diagnostics, StringComparison.Ordinal);
        Assert.Empty(_fhirServer.Requests);
    }

    [Fact]
    public async Task NoActiveCoverage_Is400()
    {
        var (status, body) = await Call("order-sign", Ehr.HookRequest("order-sign",
            new JsonObject { ["draftOrders"] = Ehr.Node(Ehr.Collection(Ehr.Order("0581T"))) }, coverage: Ehr.SearchSet()));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("No active Coverage", AssertOutcome(body).Issue[0].Diagnostics, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Patient/pat-2")]
    [InlineData("https://ehr.example/fhir/Patient/pat-2")]
    [InlineData("Patient/pat-2/_history/3")]
    public async Task AnOrderForAnotherPatient_Is400NamingItsSubject(string subject)
    {
        var order = Ehr.Order("0581T");
        order.Subject = new ResourceReference(subject);

        var (status, body) = await Call("order-sign", Ehr.HookRequest("order-sign", new JsonObject { ["draftOrders"] = Ehr.Node(Ehr.Collection(order)) }));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var issue = AssertOutcome(body).Issue.Single();
        Assert.Equal("context.draftOrders.entry[0].resource.subject", issue.Expression.Single());
        Assert.Contains("not the hook's patient", issue.Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAppointmentWithAnotherPatient_Is400NamingTheParticipant()
    {
        var context = new JsonObject { ["appointments"] = Ehr.Node(Ehr.Collection(CryoablationAppointment("Patient/pat-2"))) };

        var (status, body) = await Call("appointment-book", Ehr.HookRequest("appointment-book", context));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.EndsWith(".participant[0].actor", AssertOutcome(body).Issue.Single().Expression.Single(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0", "conditional")]
    [InlineData("100000", "conditional")]
    [InlineData("2", "not-covered")]
    [InlineData("1.5", "not-covered")]
    public async Task AnOrdersQuantity_IsItsUnitsAsGiven_NoNumberOfUnitsIsNotAssessed(string quantity, string covered)
    {
        var order = Ehr.Order("0581T");
        order.Quantity = new Quantity { Value = decimal.Parse(quantity, System.Globalization.CultureInfo.InvariantCulture) };

        var (status, body) = await Call("order-sign", Ehr.HookRequest("order-sign", new JsonObject { ["draftOrders"] = Ehr.Node(Ehr.Collection(order)) }));

        Assert.Equal(HttpStatusCode.OK, status);
        var info = CoverageInformation(Resource<ServiceRequest>(body.GetProperty("systemActions")[0].GetProperty("resource")));
        Assert.Equal(covered, Code(info, "covered"));
    }

    [Fact]
    public async Task APrefetchedPatientWhoIsAnotherPatient_Is400()
    {
        var (status, body) = await Call("order-sign", Ehr.HookRequest("order-sign",
            new JsonObject { ["draftOrders"] = Ehr.Node(Ehr.Collection(Ehr.Order("0581T"))) }, patient: Ehr.Patient(id: "pat-2")));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("prefetch.patient", AssertOutcome(body).Issue.Single().Expression.Single());
    }

    [Fact]
    public async Task AnotherPatientsCoverage_IsNeverUsed_400NamingTheBeneficiary()
    {
        var (status, body) = await Call("order-sign", Ehr.HookRequest("order-sign",
            new JsonObject { ["draftOrders"] = Ehr.Node(Ehr.Collection(Ehr.Order("0581T"))) }, coverage: Ehr.SearchSet(Ehr.Coverage(patientId: "pat-2"))));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Coverage.beneficiary", AssertOutcome(body).Issue.Single().Expression.Single());
    }

    [Fact]
    public async Task OfTwoCoverages_AnotherPatientsIsLeftOut_AndThePatientsOwnAnswers()
    {
        var (status, body) = await Call("order-sign", Ehr.HookRequest("order-sign",
            new JsonObject { ["draftOrders"] = Ehr.Node(Ehr.Collection(Ehr.Order("0581T"))) },
            coverage: Ehr.SearchSet(Ehr.Coverage(id: "cov-other", patientId: "pat-2"), Ehr.Coverage(id: "cov-own"))));

        Assert.Equal(HttpStatusCode.OK, status);
        var order = Resource<ServiceRequest>(body.GetProperty("systemActions")[0].GetProperty("resource"));
        Assert.Equal("Coverage/cov-own", Sub<ResourceReference>(CoverageInformation(order), "coverage").Reference);
    }

    [Fact]
    public async Task TwoActiveCoverages_Is400()
    {
        var (status, body) = await Call("order-sign", Ehr.HookRequest("order-sign",
            new JsonObject { ["draftOrders"] = Ehr.Node(Ehr.Collection(Ehr.Order("0581T"))) },
            coverage: Ehr.SearchSet(Ehr.Coverage(id: "cov-1"), Ehr.Coverage(id: "cov-2"))));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("2 active Coverages", AssertOutcome(body).Issue[0].Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownPlan_IsCoverageNotFound_NotCovered_WithoutListingOurPlans()
    {
        var (status, body) = await Call("order-sign", Ehr.HookRequest("order-sign",
            new JsonObject { ["draftOrders"] = Ehr.Node(Ehr.Collection(Ehr.Order("0581T"))) }, coverage: Ehr.SearchSet(Ehr.Coverage("gold"))));

        Assert.Equal(HttpStatusCode.OK, status);
        var info = CoverageInformation(Resource<ServiceRequest>(body.GetProperty("systemActions")[0].GetProperty("resource")));
        Assert.Equal(("not-covered", "no-auth"), (Code(info, "covered"), Code(info, "pa-needed")));
        var reason = Sub<CodeableConcept>(info, "reason").Text;
        Assert.StartsWith("Coverage not found: the plan 'gold'", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("standard", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("[]")]
    [InlineData("""{"hook":"order-sign","context":{}}""")]
    [InlineData("""{"hook":"order-select","hookInstance":"x","context":{"draftOrders":{}}}""")]
    [InlineData("""{"hook":"order-sign","hookInstance":"x","context":{"patientId":"pat-1"}}""")]
    [InlineData("""{"hook":"order-sign","hookInstance":"x","context":{"draftOrders":{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"ServiceRequest","bogus":1}}]}}}""")]
    public async Task MalformedRequest_Is400WithOperationOutcome(string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync(new Uri("/cds-services/order-sign", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        AssertOutcome(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement);
    }

    [Fact]
    public async Task NotJson_Is415WithANotSupportedOperationOutcome()
    {
        using var content = new StringContent("""{"hook":"order-sign"}""", Encoding.UTF8, "text/plain");
        using var response = await _client.PostAsync(new Uri("/cds-services/order-sign", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var outcome = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("OperationOutcome", outcome.GetProperty("resourceType").GetString());
        Assert.Equal("not-supported", outcome.GetProperty("issue")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task TooManyOrders_Is400()
    {
        var orders = Enumerable.Range(0, 101).Select(i => (Resource)Ehr.Order("19120", id: $"sr-{i}")).ToArray();

        var (status, body) = await Call("order-sign", Ehr.OrderSign(orders));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("at most 100", AssertOutcome(body).Issue[0].Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownService_Is404()
    {
        var (status, body) = await Call("order-unknown", Ehr.OrderSign(Ehr.Order("0581T")));

        Assert.Equal(HttpStatusCode.NotFound, status);
        AssertOutcome(body);
    }

    // ------------------------------------------------------------------ audit

    [Fact]
    public async Task EveryHookCall_IsAuditedWithoutMemberData()
    {
        var request = Ehr.OrderSign(Ehr.Order("0581T"));
        var instance = request["hookInstance"]!.GetValue<string>();

        await Call("order-sign", request);

        using var scope = _app.Services.CreateScope();
        var events = (await scope.ServiceProvider.GetRequiredService<ServiceAudit>().SearchAsync(null, "cds-hooks/order-sign", 50, CancellationToken.None))
            .Select(e => e.Event).ToList();
        var audited = Assert.Single(events, e => e.Detail.Contains(instance, StringComparison.Ordinal));
        Assert.Equal("hook-answered", audited.Action);
        Assert.Contains("not-covered", audited.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("pat-1", audited.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("M-CRD-1", audited.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("1950", audited.Detail, StringComparison.Ordinal);
    }
}

/// <summary>A stand-in for the EHR's FHIR server: answers the reads it was given, and records each request.</summary>
internal sealed class FakeFhirServer : HttpMessageHandler
{
    public const string BaseUrl = "https://ehr.test/fhir";

    private readonly Dictionary<string, Resource> _resources = new(StringComparer.Ordinal);

    /// <summary>Each request's URL unescaped, as sent (escaped), and its Authorization header.</summary>
    public List<(string Url, string? Authorization, string Escaped)> Requests { get; } = [];

    /// <summary>When set, every request fails as a server that cannot be reached does (the connection is refused).</summary>
    public bool Unreachable { get; set; }

    /// <summary>When set, no request is ever answered: each waits until its sender gives up (a server that stopped answering).</summary>
    public bool Silent { get; set; }

    /// <summary>When set, every request is answered with this status and no body (e.g. 503: a server failing).</summary>
    public HttpStatusCode? FailWith { get; set; }

    public void Add(string relativeUrl, Resource resource) => _resources[$"{BaseUrl}/{relativeUrl}"] = resource;

    private readonly Dictionary<string, int> _oversized = new(StringComparer.Ordinal);

    private readonly Dictionary<string, byte[]> _raw = new(StringComparer.Ordinal);

    /// <summary>Answers the read with exactly these bytes (e.g. a resource with a byte that is not UTF-8).</summary>
    public void AddRaw(string relativeUrl, byte[] body) => _raw[$"{BaseUrl}/{relativeUrl}"] = body;

    /// <summary>Answers the read with a Patient of about <paramref name="bytes"/> bytes (a server answering far more than was asked).</summary>
    public void AddOversized(string relativeUrl, int bytes) => _oversized[$"{BaseUrl}/{relativeUrl}"] = bytes;

    /// <summary>A read or search of this server, as a client of it (a DTR client filling a questionnaire) makes it; null when not found.</summary>
    public async Task<Resource?> GetAsync(string relativeUrl)
    {
        using var client = new HttpClient(this, disposeHandler: false);
        using var response = await client.GetAsync(new Uri($"{BaseUrl}/{relativeUrl}"));
        return response.IsSuccessStatusCode ? FhirJson.Parse<Resource>(await response.Content.ReadAsStringAsync(), out _) : null;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var url = Uri.UnescapeDataString(request.RequestUri!.AbsoluteUri);
        lock (Requests) Requests.Add((url, request.Headers.Authorization?.ToString(), request.RequestUri.AbsoluteUri));
        if (Unreachable) throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (the test's unreachable FHIR server).");
        if (Silent) await Task.Delay(Timeout.Infinite, cancellationToken);
        if (FailWith is { } status) return new HttpResponseMessage(status);
        return Answer(url);
    }

    private HttpResponseMessage Answer(string url)
    {
        if (_oversized.TryGetValue(url, out var bytes))
            return new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent($"{{\"resourceType\":\"Patient\",\"id\":\"{new string('x', bytes)}\"}}", Encoding.UTF8, new MediaTypeHeaderValue("application/fhir+json")),
            };
        if (_raw.TryGetValue(url, out var raw))
        {
            var content = new ByteArrayContent(raw);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/fhir+json") { CharSet = "utf-8" };
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        }
        if (!_resources.TryGetValue(url, out var resource))
            return new HttpResponseMessage(HttpStatusCode.NotFound);
        var response = new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent(FhirJson.Serialize(resource), Encoding.UTF8, new MediaTypeHeaderValue("application/fhir+json")),
        };
        return response;
    }
}
