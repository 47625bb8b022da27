using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Coverage.Fhir;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Task = System.Threading.Tasks.Task;

namespace Coverage.Server.Tests.Subscriptions;

/// <summary>
/// PAS subscriptions end to end, on a real receiver: the Inferno PAS kit's own Subscription
/// (Conformance/Fixtures/pas-kit/subscription-resource.json, only its endpoint pointed at the receiver), its handshake,
/// a pended PAS submission (the kit's pended payload, adapted) decided by a physician and the notification carrying
/// the PAS response Bundle, retries and error, organisations kept apart, the SSRF guard and invalid Subscriptions.
/// </summary>
public abstract class SubscriptionTests<TStorage> : IClassFixture<TStorage>, IAsyncLifetime where TStorage : Storage
{
    private const string OrgA = "portal-a";
    private const string OrgB = "portal-b";
    private const string OrgC = "portal-c";
    private const string OrgD = "portal-d";
    private const string Scopes = "system/Claim.c system/ClaimResponse.r system/Subscription.* coverage/cases.read coverage/cases.write";

    private readonly TStorage _storage;
    private NotificationReceiver _receiver = null!;
    private CoverageApp _app = null!;

    protected SubscriptionTests(TStorage storage) => _storage = storage;

    public async Task InitializeAsync()
    {
        _receiver = await NotificationReceiver.StartAsync();
        _app = App(allowList: true);
    }

    public async Task DisposeAsync()
    {
        _app.Dispose();
        await _receiver.DisposeAsync();
    }

    /// <summary>The server with API authentication on and subscriptions that may call the local receiver (allow-listed) over http.</summary>
    private CoverageApp App(bool allowList, FakeTimeProvider? clock = null, int? timeoutSeconds = null) => new(_storage, clock ?? new FakeTimeProvider(CoverageApp.Start), builder =>
    {
        ApiTokens.Configure(builder);
        if (timeoutSeconds is { } timeout) builder.UseSetting("Subscriptions:TimeoutSeconds", timeout.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Subscriptions:AllowHttp", "true");
        if (allowList) builder.UseSetting("Subscriptions:AllowedNetworks:0", "127.0.0.1/32");
        builder.UseSetting("Subscriptions:PollMilliseconds", "50");
        builder.UseSetting("Subscriptions:MaxAttempts", "3");
        builder.UseSetting("Subscriptions:RetryBaseSeconds", "60");
        builder.UseSetting("Subscriptions:OrganisationIdentifiers:org-b:0", "ORG-B-ISA06");
        // Two more portals, each its own organisation: org-c's subscriptions are made by one test only (the type-level
        // $status lists all of them); org-d's by the tests added since, so that no organisation reaches the most allowed.
        builder.UseSetting("Api:Authentication:Clients:3:Issuer", ApiTokens.Issuer);
        builder.UseSetting("Api:Authentication:Clients:3:ClientId", OrgC);
        builder.UseSetting("Api:Authentication:Clients:3:Organisation", "org-c");
        builder.UseSetting("Api:Authentication:Clients:4:Issuer", ApiTokens.Issuer);
        builder.UseSetting("Api:Authentication:Clients:4:ClientId", OrgD);
        builder.UseSetting("Api:Authentication:Clients:4:Organisation", "org-d");
        // A second physician, outside the first's reporting line, who may decide an appeal of the first's decision.
        builder.UseSetting("Api:Authentication:People:2:Issuer", ApiTokens.Issuer);
        builder.UseSetting("Api:Authentication:People:2:Subject", AppealPhysician);
        builder.UseSetting("Api:Authentication:People:2:Id", AppealPhysician);
        builder.UseSetting("Api:Authentication:People:2:Name", "Dr. Bea");
        builder.UseSetting("Api:Authentication:People:2:Role", "physician");
    });

    private const string AppealPhysician = "dr-bea";

    private HttpClient Client(string clientId, CoverageApp? app = null) => (app ?? _app).CreateClient().With(ApiTokens.Create(Scopes, clientId));

    private static string KitSubscription(string endpoint, Action<JsonObject>? change = null)
    {
        var subscription = JsonNode.Parse(File.ReadAllText(Path.Combine(Conformance.IgValidator.FixturesFolder, "pas-kit", "subscription-resource.json")))!.AsObject();
        subscription["channel"]!["endpoint"] = endpoint;
        change?.Invoke(subscription);
        return subscription.ToJsonString();
    }

    private static async Task<(HttpStatusCode Status, Resource Body, HttpResponseMessage Response)> Fhir(HttpClient client, HttpMethod method, string url, string? body = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/fhir+json");
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var resource = text.Length == 0 ? new OperationOutcome() : FhirJson.Parse<Resource>(text, out var problems) ?? throw new InvalidOperationException(problems!.Issue[0].Diagnostics);
        if (text.Length > 0) AssertValid(resource);
        return (response.StatusCode, resource, response);
    }

    private async Task<Subscription> CreateAsync(HttpClient client, string path)
    {
        var (status, body, response) = await Fhir(client, HttpMethod.Post, "/fhir/Subscription", KitSubscription(_receiver.BaseUrl + path));
        Assert.Equal(HttpStatusCode.Created, status);
        var subscription = Assert.IsType<Subscription>(body);
        Assert.Equal($"http://localhost/fhir/Subscription/{subscription.Id}", response.Headers.Location!.ToString());
        return subscription;
    }

    private static async Task<Subscription> WaitForStatusAsync(HttpClient client, string id, Subscription.SubscriptionStatus status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var (code, body, _) = await Fhir(client, HttpMethod.Get, $"/fhir/Subscription/{id}");
            Assert.Equal(HttpStatusCode.OK, code);
            var subscription = Assert.IsType<Subscription>(body);
            if (subscription.Status == status) return subscription;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Subscription {id} is {subscription.Status}, not {status}.");
            await Task.Delay(25);
        }
    }

    private static Parameters StatusOf(Bundle notification, string subscriptionId)
    {
        Assert.Equal(Bundle.BundleType.History, notification.Type);
        var first = notification.Entry[0];
        Assert.EndsWith($"Subscription/{subscriptionId}/$status", first.Request!.Url, StringComparison.Ordinal);
        Assert.Equal(Bundle.HTTPVerb.GET, first.Request.Method);
        Assert.Equal("200", first.Response!.Status);
        foreach (var entry in notification.Entry) Assert.True(entry.Request is not null && entry.Response is not null, "every entry of a history Bundle has request and response");
        var status = Assert.IsType<Parameters>(first.Resource);
        Assert.EndsWith($"Subscription/{subscriptionId}", Value(status, "subscription"), StringComparison.Ordinal);
        Assert.Equal("http://hl7.org/fhir/us/davinci-pas/SubscriptionTopic/PASSubscriptionTopic", Value(status, "topic"));
        return status;
    }

    /// <summary>
    /// Valid against base FHIR R4 and against each profile the resource claims (meta.profile: the backport's notification
    /// Bundle and SubscriptionStatus, PAS's Subscription), with the PAS 2.2.1 packages and the Subscriptions R5 Backport
    /// 1.1.0 rebuilt from its source (Conformance/Packages/SOURCES.md) — the profiles the Inferno subscriptions and PAS
    /// kits validate these resources against.
    /// </summary>
    private static void AssertValid(Resource resource)
    {
        foreach (var profile in resource.Meta?.Profile.OfType<string>() ?? [])
        {
            var errors = Conformance.IgValidator.Pas221.Errors(resource, profile).Where(e => !Conformance.IgValidator.IsR5HistoryEntryRule(e)).ToList();
            Assert.True(errors.Count == 0, $"{resource.TypeName} against {profile}:\n" + string.Join("\n", errors));
        }
        var json = JsonNode.Parse(FhirJson.Serialize(resource))!;
        static void Strip(JsonNode? node)
        {
            if (node is JsonObject o)
            {
                (o["meta"] as JsonObject)?.Remove("profile");
                if (o["meta"] is JsonObject { Count: 0 }) o.Remove("meta");
                foreach (var (_, child) in o.ToList()) Strip(child);
            }
            else if (node is JsonArray a) foreach (var child in a) Strip(child);
        }
        Strip(json);
        // A history Bundle's entries are GET with their resource, as the backport IG's and the PAS IG's own notification
        // examples are (R4 allows it). The validator applies R5's bdl-3b (a GET entry has no resource), so the Bundle is
        // checked without its entries' resources, and each resource on its own.
        if (json["type"]?.GetValue<string>() == "history")
            foreach (var entry in json["entry"]!.AsArray())
                if (entry!.AsObject().Remove("resource", out var inner)) FhirValidation.AssertValid(FhirJson.Parse<Resource>(inner!.ToJsonString(), out _)!);
        FhirValidation.AssertValid(FhirJson.Parse<Resource>(json.ToJsonString(), out _)!);
    }

    /// <summary>A parameter's (or part's) value as text: a code, string, canonical or reference.</summary>
    private static string Value(Parameters parameters, string name) => Text(parameters.Parameter.Single(p => p.Name == name).Value);

    private static string Part(Parameters parameters, string name, string part) =>
        Text(parameters.Parameter.Single(p => p.Name == name).Part.Single(p => p.Name == part).Value);

    private static string Text(DataType? value) => value switch
    {
        ResourceReference reference => reference.Reference!,
        PrimitiveType primitive => primitive.ToString()!,
        _ => throw new InvalidOperationException($"Unexpected value {value?.TypeName}."),
    };

    private static Bundle Parse(NotificationReceiver.Received received)
    {
        var bundle = FhirJson.Parse<Bundle>(received.Body, out var problems) ?? throw new InvalidOperationException(problems!.Issue[0].Diagnostics);
        AssertValid(bundle);
        return bundle;
    }

    [Fact]
    public async Task KitSubscription_IsCreatedRequested_ThenItsHandshakeMakesItActive()
    {
        using var client = Client(OrgA);

        var created = await CreateAsync(client, "/handshake");

        Assert.Equal(Subscription.SubscriptionStatus.Requested, created.Status);
        Assert.Equal(Subscription.SubscriptionChannelType.RestHook, created.Channel.Type);
        Assert.Equal(_receiver.BaseUrl + "/handshake", created.Channel.Endpoint);
        Assert.Empty(created.Channel.HeaderElement); // the client's secrets are not shown back
        Assert.Null(created.End); // the kit's end (2020-12-31) is past: the server drops it
        var handshake = Assert.Single(await _receiver.WaitForAsync("/handshake", 1));
        Assert.Equal("Bearer demo_execution", handshake.Headers["Authorization"]);
        Assert.StartsWith("application/fhir+json", handshake.Headers["Content-Type"], StringComparison.Ordinal);
        var bundle = Parse(handshake);
        var status = StatusOf(bundle, created.Id!);
        Assert.Single(bundle.Entry);
        Assert.Equal("handshake", Value(status, "type"));
        Assert.Equal("requested", Value(status, "status"));
        Assert.Equal("0", Value(status, "events-since-subscription-start"));
        await WaitForStatusAsync(client, created.Id!, Subscription.SubscriptionStatus.Active);
    }

    [Fact]
    public async Task PendedSubmission_DecidedByAPhysician_NotifiesWithThePasResponseBundle_EventsInOrder()
    {
        using var client = Client(OrgA);
        var created = await CreateAsync(client, "/events");
        await WaitForStatusAsync(client, created.Id!, Subscription.SubscriptionStatus.Active);

        var (submitted, body, _) = await Fhir(client, HttpMethod.Post, "/fhir/Claim/$submit", PendedKitSubmission());
        Assert.Equal(HttpStatusCode.OK, submitted);
        var caseId = CaseIdOf(Assert.IsType<Bundle>(body));
        Assert.All(Assert.IsType<ClaimResponse>(((Bundle)body).Entry[0].Resource).ProcessNote, n => Assert.Contains("pended", n.Text, StringComparison.Ordinal));
        using var physician = _app.CreateClient().With(ApiTokens.Person(ApiTokens.Physician));
        var (decided, answer, _) = await Api.Post(physician, $"/api/v1/cases/{caseId}/decisions", Api.Decision((1, "overturn", "Imaging confirms the lesion; plan exception documented.")));
        Assert.True(decided == HttpStatusCode.OK, answer.ToString());

        var first = Parse((await _receiver.WaitForAsync("/events", 2))[1]);
        var status = StatusOf(first, created.Id!);
        Assert.Equal("event-notification", Value(status, "type"));
        Assert.Equal("active", Value(status, "status"));
        Assert.Equal("1", Value(status, "events-since-subscription-start"));
        Assert.Equal("1", Part(status, "notification-event", "event-number"));
        var focus = Part(status, "notification-event", "focus");
        var responseEntry = Assert.Single(first.Entry, e => e.FullUrl == focus);
        var response = Assert.IsType<Bundle>(responseEntry.Resource);
        Assert.EndsWith($"Bundle/{response.Id}", focus, StringComparison.Ordinal);
        var claimResponse = Assert.IsType<ClaimResponse>(response.Entry[0].Resource);
        Assert.Equal(2, claimResponse.Item.Count);
        Assert.Contains(claimResponse.ProcessNote, n => n.Text!.Contains("plan exception documented", StringComparison.Ordinal));

        await Api.Post(physician, $"/api/v1/cases/{caseId}/decisions", Api.Decision((2, "uphold", "Not medically necessary for this indication.")));
        var second = StatusOf(Parse((await _receiver.WaitForAsync("/events", 3))[2]), created.Id!);
        Assert.Equal("2", Value(second, "events-since-subscription-start"));

        var (statusCode, search, _) = await Fhir(client, HttpMethod.Get, $"/fhir/Subscription/{created.Id!}/$status");
        Assert.Equal(HttpStatusCode.OK, statusCode);
        var searchset = Assert.IsType<Bundle>(search);
        Assert.Equal(Bundle.BundleType.Searchset, searchset.Type);
        var queried = Assert.IsType<Parameters>(Assert.Single(searchset.Entry).Resource);
        Assert.Equal("query-status", Value(queried, "type"));
        Assert.Equal("active", Value(queried, "status"));
        Assert.Equal("2", Value(queried, "events-since-subscription-start"));
    }

    /// <summary>
    /// The backport's missed-event recovery (errors.html, "Using the $events operation"): after both events were delivered,
    /// a client that lost one asks for it by number and gets the same history Bundle shape — the status (query-event),
    /// a notification-event per event, each focus the case's PAS response Bundle (one entry for the case) — from its own
    /// subscription only, the read audited on the subscription and on the case.
    /// </summary>
    [Fact]
    public async Task Events_ReturnsDeliveredEventsAgain_ByNumber_WithTheirResponses_OnlyToTheOwner_Audited()
    {
        using var client = Client(OrgA);
        var created = await CreateAsync(client, "/recover");
        await WaitForStatusAsync(client, created.Id!, Subscription.SubscriptionStatus.Active);
        var (_, body, _) = await Fhir(client, HttpMethod.Post, "/fhir/Claim/$submit", PendedKitSubmission());
        var caseId = CaseIdOf(Assert.IsType<Bundle>(body));
        using var physician = _app.CreateClient().With(ApiTokens.Person(ApiTokens.Physician));
        await Api.Post(physician, $"/api/v1/cases/{caseId}/decisions", Api.Decision((1, "overturn", "Imaging confirms the lesion.")));
        await _receiver.WaitForAsync("/recover", 2);
        await Api.Post(physician, $"/api/v1/cases/{caseId}/decisions", Api.Decision((2, "uphold", "Not medically necessary for this indication.")));
        await _receiver.WaitForAsync("/recover", 3);

        var (code, answer, _) = await Fhir(client, HttpMethod.Get, $"/fhir/Subscription/{created.Id}/$events?eventsSinceNumber=2&eventsUntilNumber=2");
        Assert.Equal(HttpStatusCode.OK, code);
        var missed = Assert.IsType<Bundle>(answer);
        var status = StatusOf(missed, created.Id!);
        Assert.Equal("query-event", Value(status, "type"));
        Assert.Equal("active", Value(status, "status"));
        Assert.Equal("2", Value(status, "events-since-subscription-start"));
        var only = Assert.Single(status.Parameter, p => p.Name == "notification-event");
        Assert.Equal("2", Text(only.Part.Single(p => p.Name == "event-number").Value));
        var focus = Text(only.Part.Single(p => p.Name == "focus").Value);
        var response = Assert.IsType<Bundle>(Assert.Single(missed.Entry, e => e.FullUrl == focus).Resource);
        Assert.Equal(caseId, CaseIdOf(response));
        var claimResponse = Assert.IsType<ClaimResponse>(response.Entry[0].Resource);
        Assert.Contains(claimResponse.ProcessNote, n => n.Text!.Contains("Not medically necessary for this indication.", StringComparison.Ordinal));

        // The whole range: both events, about one case, so one response entry both focus on.
        var all = Assert.IsType<Bundle>((await Fhir(client, HttpMethod.Get, $"/fhir/Subscription/{created.Id}/$events")).Body);
        var allStatus = StatusOf(all, created.Id!);
        var numbered = allStatus.Parameter.Where(p => p.Name == "notification-event").ToList();
        Assert.Equal(["1", "2"], numbered.Select(e => Text(e.Part.Single(p => p.Name == "event-number").Value)));
        Assert.Single(numbered.Select(e => Text(e.Part.Single(p => p.Name == "focus").Value)).Distinct());
        Assert.Equal(2, all.Entry.Count);

        // POST with Parameters, content empty: the events without their focus.
        var parameters = """{"resourceType":"Parameters","parameter":[{"name":"eventsSinceNumber","valueString":"1"},{"name":"content","valueCode":"empty"}]}""";
        var empty = Assert.IsType<Bundle>((await Fhir(client, HttpMethod.Post, $"/fhir/Subscription/{created.Id}/$events", parameters)).Body);
        Assert.Single(empty.Entry);
        Assert.Equal(2, StatusOf(empty, created.Id!).Parameter.Count(p => p.Name == "notification-event" && p.Part.All(part => part.Name != "focus")));

        // Past the last event: none, still 200.
        var none = StatusOf(Assert.IsType<Bundle>((await Fhir(client, HttpMethod.Get, $"/fhir/Subscription/{created.Id}/$events?eventsSinceNumber=3")).Body), created.Id!);
        Assert.DoesNotContain(none.Parameter, p => p.Name == "notification-event");

        // A parameter $events does not take, or one given twice, is refused naming it (it was passed over, or read joined by a comma).
        var (unknownStatus, unknownOutcome, _) = await Fhir(client, HttpMethod.Get, $"/fhir/Subscription/{created.Id}/$events?since=1");
        Assert.Equal(HttpStatusCode.BadRequest, unknownStatus);
        Assert.Equal("since", Assert.IsType<OperationOutcome>(unknownOutcome).Issue[0].Expression.Single());
        var (twiceStatus, twiceOutcome, _) = await Fhir(client, HttpMethod.Get, $"/fhir/Subscription/{created.Id}/$events?eventsSinceNumber=1&eventsSinceNumber=2");
        Assert.Equal(HttpStatusCode.BadRequest, twiceStatus);
        Assert.Equal("eventsSinceNumber", Assert.IsType<OperationOutcome>(twiceOutcome).Issue[0].Expression.Single());

        using var other = Client(OrgB);
        Assert.Equal(HttpStatusCode.NotFound, (await Fhir(other, HttpMethod.Get, $"/fhir/Subscription/{created.Id}/$events")).Status);

        using var auditor = _app.CreateClient().With(ApiTokens.Create("coverage/audit.read"));
        var trail = await AuditTrailAsync(auditor, created.Id!);
        Assert.Contains("events 2 to 2; returned 1 (numbers 2 to 2)", trail, StringComparison.Ordinal);
        Assert.Contains("access-refused", trail, StringComparison.Ordinal);
        var (_, caseTrail, _) = await Fhir(auditor, HttpMethod.Get, $"/fhir/AuditEvent?entity={caseId}");
        Assert.Contains("subscription-events-read", FhirJson.Serialize(caseTrail), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "?eventsSinceNumber=abc", "eventsSinceNumber")]
    [InlineData("GET", "?eventsSinceNumber=0", "eventsSinceNumber")]
    [InlineData("GET", "?eventsUntilNumber=-1", "eventsUntilNumber")]
    [InlineData("GET", "?eventsSinceNumber=5&eventsUntilNumber=2", "eventsSinceNumber")]
    [InlineData("GET", "?content=everything", "content")]
    [InlineData("POST", """{"resourceType":"Parameters","parameter":[{"name":"eventsSinceNumber","valueString":"1"},{"name":"eventsSinceNumber","valueString":"2"}]}""", "eventsSinceNumber")]
    [InlineData("POST", """{"resourceType":"Parameters","parameter":[{"name":"since","valueString":"1"}]}""", "Parameters.parameter")]
    public async Task Events_WithAnInvalidParameter_Is400_NamingIt(string method, string input, string expression)
    {
        using var client = Client(OrgA);
        var created = await CreateAsync(client, "/invalid-events");
        var url = $"/fhir/Subscription/{created.Id}/$events";

        var (status, body, _) = method == "GET"
            ? await Fhir(client, HttpMethod.Get, url + input)
            : await Fhir(client, HttpMethod.Post, url, input);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(expression, Assert.Single(Assert.IsType<OperationOutcome>(body).Issue).Expression.Single());
    }

    /// <summary>
    /// The backport's error flow: a subscription whose notification failed its last attempt is in error, sends nothing, but
    /// goes on counting its events (errors.html: the server SHALL increment events-since-subscription-start); the client
    /// sees the count in $status, takes what it missed from $events, and updates the subscription to resume.
    /// </summary>
    [Fact]
    public async Task ASubscriptionInError_GoesOnCountingEvents_WhichEventsReturns_ThenAnUpdateResumes()
    {
        using var client = Client(OrgA);
        var created = await CreateAsync(client, "/flaky");
        await WaitForStatusAsync(client, created.Id!, Subscription.SubscriptionStatus.Active);
        var (_, body, _) = await Fhir(client, HttpMethod.Post, "/fhir/Claim/$submit", PendedKitSubmission());
        var caseId = CaseIdOf(Assert.IsType<Bundle>(body));
        _receiver.Answer("/flaky", 503);
        using var physician = _app.CreateClient().With(ApiTokens.Person(ApiTokens.Physician));
        await Api.Post(physician, $"/api/v1/cases/{caseId}/decisions", Api.Decision((1, "overturn", "Imaging confirms the lesion.")));
        using var auditor = _app.CreateClient().With(ApiTokens.Create("coverage/audit.read"));
        await WaitForAuditAsync(auditor, created.Id!, "attempt 1 failed");
        _app.Clock.Advance(TimeSpan.FromSeconds(61));
        await WaitForAuditAsync(auditor, created.Id!, "attempt 2 failed");
        _app.Clock.Advance(TimeSpan.FromSeconds(121));
        await WaitForStatusAsync(client, created.Id!, Subscription.SubscriptionStatus.Error);
        var sent = _receiver.At("/flaky").Count;

        await Api.Post(physician, $"/api/v1/cases/{caseId}/decisions", Api.Decision((2, "uphold", "Not medically necessary for this indication.")));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        Parameters queried;
        do
        {
            await Task.Delay(50);
            var (_, search, _) = await Fhir(client, HttpMethod.Get, $"/fhir/Subscription/{created.Id}/$status");
            queried = Assert.IsType<Parameters>(Assert.Single(Assert.IsType<Bundle>(search).Entry).Resource);
        }
        while (Value(queried, "events-since-subscription-start") != "2" && DateTime.UtcNow < deadline);
        Assert.Equal("error", Value(queried, "status"));
        Assert.Equal("2", Value(queried, "events-since-subscription-start"));
        Assert.Equal(sent, _receiver.At("/flaky").Count); // counted, not sent

        var events = Assert.IsType<Bundle>((await Fhir(client, HttpMethod.Get, $"/fhir/Subscription/{created.Id}/$events?eventsSinceNumber=1")).Body);
        var status = StatusOf(events, created.Id!);
        Assert.Equal("error", Value(status, "status"));
        Assert.Equal(["1", "2"], status.Parameter.Where(p => p.Name == "notification-event").Select(e => Text(e.Part.Single(p => p.Name == "event-number").Value)));
        var response = Assert.IsType<Bundle>(events.Entry[1].Resource);
        Assert.Contains(Assert.IsType<ClaimResponse>(response.Entry[0].Resource).ProcessNote, n => n.Text!.Contains("Not medically necessary for this indication.", StringComparison.Ordinal));

        _receiver.Answer("/flaky", 200);
        Assert.Equal(HttpStatusCode.OK, (await Fhir(client, HttpMethod.Put, $"/fhir/Subscription/{created.Id}", KitSubscription(_receiver.BaseUrl + "/flaky", s => s["id"] = created.Id))).Status);
        await WaitForStatusAsync(client, created.Id!, Subscription.SubscriptionStatus.Active);
    }

    [Fact]
    public async Task AnAppealOfAPasRequest_FiledByTheProvider_NotifiesItsDecision_WithTheAppealsResponse()
    {
        using var client = Client(OrgA);
        var created = await CreateAsync(client, "/appeals");
        await WaitForStatusAsync(client, created.Id!, Subscription.SubscriptionStatus.Active);
        var (_, body, _) = await Fhir(client, HttpMethod.Post, "/fhir/Claim/$submit", PendedKitSubmission());
        var caseId = CaseIdOf(Assert.IsType<Bundle>(body));
        using var physician = _app.CreateClient().With(ApiTokens.Person(ApiTokens.Physician));
        await Api.Post(physician, $"/api/v1/cases/{caseId}/decisions", Api.Decision((1, "uphold", "Not medically necessary."), (2, "uphold", "Not medically necessary.")));
        await _receiver.WaitForAsync("/appeals", 2);

        var (filed, appeal, _) = await Api.Post(client, $"/api/v1/cases/{caseId}/appeals", """{"filedBy": "provider", "reason": "New imaging attached."}""");
        Assert.True(filed == HttpStatusCode.Created, appeal.ToString());
        var appealId = Guid.Parse(appeal.Str("caseId"));
        using var appealPhysician = _app.CreateClient().With(ApiTokens.Person(AppealPhysician));
        var (decided, answer, _) = await Api.Post(appealPhysician, $"/api/v1/cases/{appealId}/decisions",
            Api.Decision((1, "overturn", "The new imaging meets the criteria."), (2, "overturn", "The new imaging meets the criteria.")));
        Assert.True(decided == HttpStatusCode.OK, answer.ToString());

        var notification = Parse((await _receiver.WaitForAsync("/appeals", 3))[2]);
        Assert.Equal("2", Value(StatusOf(notification, created.Id!), "events-since-subscription-start"));
        var response = Assert.IsType<Bundle>(notification.Entry[1].Resource);
        Assert.Equal(appealId, CaseIdOf(response));
        Assert.Contains(Assert.IsType<ClaimResponse>(response.Entry[0].Resource).ProcessNote, n => n.Text!.Contains("The new imaging meets the criteria.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AHeartbeatPeriod_IsHonoured_AtLeastAMinute_NotCountedAsAnEvent_AndNoneWithoutIt()
    {
        using var client = Client(OrgA);
        // backport-heartbeat-period 30 s: kept as 60 s (the shortest this server keeps), and the answer says so.
        var (status, body, _) = await Fhir(client, HttpMethod.Post, "/fhir/Subscription", KitSubscription(_receiver.BaseUrl + "/heartbeat", subscription =>
            subscription["channel"]!["extension"]!.AsArray().Add(new JsonObject
            {
                ["url"] = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-heartbeat-period",
                ["valueUnsignedInt"] = 30,
            })));
        Assert.Equal(HttpStatusCode.Created, status);
        var created = Assert.IsType<Subscription>(body);
        var period = Assert.Single(created.Channel!.Extension, e => e.Url?.EndsWith("/backport-heartbeat-period", StringComparison.Ordinal) == true);
        Assert.Equal(60, Assert.IsType<UnsignedInt>(period.Value).Value);
        var plain = await CreateAsync(client, "/no-heartbeat");
        await WaitForStatusAsync(client, created.Id!, Subscription.SubscriptionStatus.Active);
        await WaitForStatusAsync(client, plain.Id!, Subscription.SubscriptionStatus.Active);

        await Task.Delay(300);
        Assert.Single(_receiver.At("/heartbeat")); // the handshake only: nothing is due before the period
        // The receiver answers two seconds after it has the heartbeat, and the clock moves on meanwhile (below): the
        // next period counts from when the heartbeat was sent, not from when its answer came.
        _receiver.Delay("/heartbeat", TimeSpan.FromSeconds(2));
        _app.Clock.Advance(TimeSpan.FromSeconds(61));
        var heartbeat = Parse((await _receiver.WaitForAsync("/heartbeat", 2))[1]);

        Assert.Equal(Bundle.BundleType.History, heartbeat.Type);
        var heartbeatStatus = StatusOf(heartbeat, created.Id!);
        Assert.Equal("heartbeat", Value(heartbeatStatus, "type"));
        Assert.Equal("active", Value(heartbeatStatus, "status"));
        Assert.Equal("0", Value(heartbeatStatus, "events-since-subscription-start"));
        Assert.DoesNotContain(heartbeatStatus.Parameter, p => p.Name == "notification-event");
        Assert.Single(heartbeat.Entry);
        Assert.Single(_receiver.At("/no-heartbeat")); // its handshake only

        // The next one is a period after the last delivery, not before.
        _app.Clock.Advance(TimeSpan.FromSeconds(30));
        await Task.Delay(300);
        Assert.Equal(2, _receiver.At("/heartbeat").Count);
        _app.Clock.Advance(TimeSpan.FromSeconds(31));
        await _receiver.WaitForAsync("/heartbeat", 3);
    }

    /// <summary>
    /// The backport's errors page: a server MAY go on sending heartbeats, with status error, to a subscription in error; this
    /// one sends nothing until the subscriber updates it (docs/decisions.md "Heartbeats in error"). A subscriber learns of the
    /// error the way the page's "broken communication" flow describes: the heartbeat it expects does not come, and $status
    /// says error. Here the heartbeats themselves fail until the subscription is in error; then none is sent.
    /// </summary>
    [Fact]
    public async Task ASubscriptionInError_GetsNoHeartbeats_ItsStatusSaysError()
    {
        using var client = Client(OrgD);
        var (_, body, _) = await Fhir(client, HttpMethod.Post, "/fhir/Subscription", KitSubscription(_receiver.BaseUrl + "/heartbeat-error", subscription =>
            subscription["channel"]!["extension"]!.AsArray().Add(new JsonObject
            {
                ["url"] = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-heartbeat-period",
                ["valueUnsignedInt"] = 60,
            })));
        var created = Assert.IsType<Subscription>(body);
        await WaitForStatusAsync(client, created.Id!, Subscription.SubscriptionStatus.Active);
        _receiver.Answer("/heartbeat-error", 503);
        using var auditor = _app.CreateClient().With(ApiTokens.Create("coverage/audit.read"));
        _app.Clock.Advance(TimeSpan.FromSeconds(61));
        await WaitForAuditAsync(auditor, created.Id!, "attempt 1 failed");
        _app.Clock.Advance(TimeSpan.FromSeconds(61));
        await WaitForAuditAsync(auditor, created.Id!, "attempt 2 failed");
        _app.Clock.Advance(TimeSpan.FromSeconds(121));
        await WaitForStatusAsync(client, created.Id!, Subscription.SubscriptionStatus.Error);
        var sent = _receiver.At("/heartbeat-error").Count;

        _app.Clock.Advance(TimeSpan.FromMinutes(10));
        await Task.Delay(500);
        _app.Clock.Advance(TimeSpan.FromMinutes(10));
        await Task.Delay(500);

        Assert.Equal(sent, _receiver.At("/heartbeat-error").Count);
        var (_, search, _) = await Fhir(client, HttpMethod.Get, $"/fhir/Subscription/{created.Id}/$status");
        Assert.Equal("error", Value(Assert.IsType<Parameters>(Assert.Single(Assert.IsType<Bundle>(search).Entry).Resource), "status"));
    }

    [Fact]
    public async Task InformationAddedToAPendedRequest_Notifies()
    {
        using var client = Client(OrgA);
        var created = await CreateAsync(client, "/information");
        await WaitForStatusAsync(client, created.Id!, Subscription.SubscriptionStatus.Active);
        var submission = JsonNode.Parse(PendedKitSubmission())!;
        var item = submission["entry"]![0]!["resource"]!["item"]![0]!;
        item["productOrService"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://www.ama-assn.org/go/cpt", ["code"] = "19499" }) };

        var (_, body, _) = await Fhir(client, HttpMethod.Post, "/fhir/Claim/$submit", submission.ToJsonString());
        var caseId = CaseIdOf(Assert.IsType<Bundle>(body));
        var (added, answer, _) = await Api.Post(client, $"/api/v1/cases/{caseId}/information",
            """{"serviceLines":[{"sequence":1,"description":"US-guided radiofrequency ablation of left breast carcinoma"}]}""");
        Assert.True(added == HttpStatusCode.OK, answer.ToString());

        var notification = Parse((await _receiver.WaitForAsync("/information", 2))[1]);
        Assert.Equal("event-notification", Value(StatusOf(notification, created.Id!), "type"));
        var claimResponse = Assert.IsType<ClaimResponse>(Assert.IsType<Bundle>(notification.Entry[1].Resource).Entry[0].Resource);
        Assert.DoesNotContain(claimResponse.ProcessNote, n => n.Text!.Contains("more information is needed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FailedDeliveries_AreRetriedWithBackoff_ThenTheSubscriptionIsInError_AndAudited()
    {
        _receiver.Answer("/down", 503);
        using var client = Client(OrgA);
        var created = await CreateAsync(client, "/down");

        using var auditor = _app.CreateClient().With(ApiTokens.Create("coverage/audit.read"));
        await _receiver.WaitForAsync("/down", 1);
        // The clock may only move once the deliverer has recorded the failure: the retry is due from the time it records.
        await WaitForAuditAsync(auditor, created.Id!, "attempt 1 failed");
        await Task.Delay(300);
        Assert.Single(_receiver.At("/down")); // the retry waits for its backoff
        _app.Clock.Advance(TimeSpan.FromSeconds(61));
        await _receiver.WaitForAsync("/down", 2);
        await WaitForAuditAsync(auditor, created.Id!, "attempt 2 failed");
        await Task.Delay(300);
        Assert.Equal(2, _receiver.At("/down").Count); // the second wait is longer
        _app.Clock.Advance(TimeSpan.FromSeconds(121));
        await _receiver.WaitForAsync("/down", 3);

        var failed = await WaitForStatusAsync(client, created.Id!, Subscription.SubscriptionStatus.Error);
        Assert.Contains("HTTP 503", failed.Error!, StringComparison.Ordinal);
        _app.Clock.Advance(TimeSpan.FromHours(1));
        await Task.Delay(300);
        Assert.Equal(3, _receiver.At("/down").Count); // given up

        var text = await AuditTrailAsync(auditor, created.Id!);
        Assert.Contains("subscription-created", text, StringComparison.Ordinal);
        Assert.Contains("subscription-delivery-failed", text, StringComparison.Ordinal);
        Assert.Contains("subscription-error", text, StringComparison.Ordinal);
        Assert.DoesNotContain("demo_execution", text, StringComparison.Ordinal); // the channel's Authorization is never audited
    }

    private static async Task<string> AuditTrailAsync(HttpClient auditor, string subscriptionId)
    {
        var (_, trail, _) = await Fhir(auditor, HttpMethod.Get, $"/fhir/AuditEvent?subject=fhir/Subscription/{subscriptionId}");
        return FhirJson.Serialize(trail);
    }

    private static async Task WaitForAuditAsync(HttpClient auditor, string subscriptionId, string text, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!(await AuditTrailAsync(auditor, subscriptionId)).Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"No audit event saying '{text}' for Subscription/{subscriptionId} within {seconds} s.");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task ARedirect_IsNotFollowed_ItIsAFailure()
    {
        _receiver.Answer("/moved", 302);
        using var client = Client(OrgA);
        var created = await CreateAsync(client, "/moved");

        await _receiver.WaitForAsync("/moved", 1);
        await Task.Delay(300);
        Assert.Empty(_receiver.At("/followed"));
        var (_, body, _) = await Fhir(client, HttpMethod.Get, $"/fhir/Subscription/{created.Id!}");
        Assert.Contains("redirects are not followed", Assert.IsType<Subscription>(body).Error!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEndpointThatNeverAnswers_HoldsUpItsOwnSubscriptionOnly_NotAnotherSubscribersHandshake()
    {
        // A timeout the operator set long (the kit's Subscription asks for 60 s), so that however slow this machine, the
        // held call still waits when the other handshake arrives.
        using var server = App(allowList: true, timeoutSeconds: 100);
        _receiver.Hold("/held");
        using var client = Client(OrgD, server);
        await CreateAsync(client, "/held");
        await _receiver.WaitForAsync("/held", 1);

        // The held call waits out its timeout (60 s): the other subscriber's handshake must arrive while it still waits.
        var other = await CreateAsync(client, "/beside-held");
        await _receiver.WaitForAsync("/beside-held", 1);
        Assert.Equal(1, _receiver.Holding);
        await WaitForStatusAsync(client, other.Id!, Subscription.SubscriptionStatus.Active);
    }

    [Fact]
    public async Task ATurnsLease_OutlastsTheLongestTurnTheTimeoutAllows_SoNoOtherServerTakesItUpHalfway()
    {
        // The operator allows 100 s a notification; a turn sends up to five: its lease must outlast 500 s of sending.
        using var patient = App(allowList: true, timeoutSeconds: 100);
        _receiver.Hold("/held-lease");
        using var client = Client(OrgD, patient);
        var created = await CreateAsync(client, "/held-lease");
        await _receiver.WaitForAsync("/held-lease", 1);

        var id = Guid.Parse(created.Id!);
        var leaseUntil = await patient.WithDbAsync(db => db.Set<Coverage.Store.Entities.PasSubscriptionRecord>()
            .Where(s => s.Id == id).Select(s => s.LeaseUntil).SingleAsync());
        Assert.NotNull(leaseUntil);
        Assert.True(leaseUntil >= patient.Clock.GetUtcNow().UtcDateTime.AddSeconds(5 * 100), $"the lease runs to {leaseUntil:O}, the clock says {patient.Clock.GetUtcNow():O}");
    }

    [Fact]
    public async Task UndeliveredNotifications_SurviveARestart()
    {
        _receiver.Answer("/restart", 503);
        using (var client = Client(OrgA))
        {
            await CreateAsync(client, "/restart");
            await _receiver.WaitForAsync("/restart", 1);
        }
        _app.Dispose();

        _receiver.Answer("/restart", 200);
        var clock = new FakeTimeProvider(CoverageApp.Start + TimeSpan.FromMinutes(5));
        _app = App(allowList: true, clock);
        using var again = Client(OrgA);
        var handshake = (await _receiver.WaitForAsync("/restart", 2))[1];
        var restarted = Parse(handshake);
        Assert.Equal("handshake", Value(StatusOf(restarted, restarted.Entry[0].Request!.Url!.Split('/')[^2]), "type"));
    }

    [Fact]
    public async Task TwoServersOnOneDatabase_SendEachNotificationOnce_InOrder()
    {
        using var second = App(allowList: true, _app.Clock);
        using var client = Client(OrgA);
        using var other = Client(OrgA, second); // starts the second server and its deliverer
        var created = await CreateAsync(other, "/shared");
        await WaitForStatusAsync(client, created.Id!, Subscription.SubscriptionStatus.Active);

        var (_, body, _) = await Fhir(client, HttpMethod.Post, "/fhir/Claim/$submit", PendedKitSubmission());
        var caseId = CaseIdOf(Assert.IsType<Bundle>(body));
        using var physician = _app.CreateClient().With(ApiTokens.Person(ApiTokens.Physician));
        using var physicianThere = second.CreateClient().With(ApiTokens.Person(ApiTokens.Physician));
        await Api.Post(physician, $"/api/v1/cases/{caseId}/decisions", Api.Decision((1, "overturn", "Documented.")));
        await Api.Post(physicianThere, $"/api/v1/cases/{caseId}/decisions", Api.Decision((2, "overturn", "Documented.")));

        await _receiver.WaitForAsync("/shared", 3);
        await Task.Delay(500);
        var received = _receiver.At("/shared").Select(r => StatusOf(Parse(r), created.Id!)).ToList();
        Assert.Equal(["handshake", "event-notification", "event-notification"], received.Select(r => Value(r, "type")));
        Assert.Equal(["0", "1", "2"], received.Select(r => Value(r, "events-since-subscription-start")));
    }

    /// <summary>
    /// The backport's $status is type level too (OperationDefinition backport-subscription-status 1.1.0: type and instance):
    /// without ids, the status of every Subscription available to the caller — its own organisation's — in one searchset
    /// Bundle; `id` and `status` narrow it (values of one parameter joined by OR). Another organisation's id is not available
    /// to the caller, so it is simply not there (as a read of it is 404).
    /// </summary>
    [Fact]
    public async Task Status_AtTypeLevel_ListsTheCallersOwnSubscriptions_ByIdAndStatus_AndNoOtherOrganisations()
    {
        using var owner = Client(OrgC);
        using var other = Client(OrgD);
        var active = await CreateAsync(owner, "/type-status-active");
        _receiver.Answer("/type-status-requested", 503); // its handshake fails: it stays requested (the retry is a minute away)
        var requested = await CreateAsync(owner, "/type-status-requested");
        var theirs = await CreateAsync(other, "/type-status-theirs");
        await WaitForStatusAsync(owner, active.Id!, Subscription.SubscriptionStatus.Active);
        using var auditor = _app.CreateClient().With(ApiTokens.Create("coverage/audit.read"));
        await WaitForAuditAsync(auditor, requested.Id!, "attempt 1 failed");

        static async Task<Dictionary<string, string>> StatusesAsync(HttpClient client, HttpMethod method, string url, string? body = null)
        {
            var (code, found, _) = await Fhir(client, method, url, body);
            Assert.True(code == HttpStatusCode.OK, $"{method} {url}: {code}");
            var bundle = Assert.IsType<Bundle>(found);
            Assert.Equal(Bundle.BundleType.Searchset, bundle.Type);
            Assert.Equal(bundle.Entry.Count, bundle.Total);
            return bundle.Entry.Select(e => Assert.IsType<Parameters>(e.Resource)).ToDictionary(
                p => Value(p, "subscription")[(Value(p, "subscription").LastIndexOf('/') + 1)..],
                p => { Assert.Equal("query-status", Value(p, "type")); return Value(p, "status"); });
        }

        var all = await StatusesAsync(owner, HttpMethod.Get, "/fhir/Subscription/$status");
        Assert.Equal(new Dictionary<string, string> { [active.Id!] = "active", [requested.Id!] = "requested" }, all);
        Assert.Equal([active.Id!], (await StatusesAsync(owner, HttpMethod.Get, "/fhir/Subscription/$status?status=active")).Keys);
        Assert.Equal([requested.Id!], (await StatusesAsync(owner, HttpMethod.Get, $"/fhir/Subscription/$status?id={requested.Id}&status=requested,error")).Keys);
        Assert.Equal(2, (await StatusesAsync(owner, HttpMethod.Get, $"/fhir/Subscription/$status?id={requested.Id},{active.Id}")).Count);
        var parameters = new Parameters();
        parameters.Add("id", new Id(active.Id!));
        parameters.Add("id", new Id(theirs.Id!));
        Assert.Equal([active.Id!], (await StatusesAsync(owner, HttpMethod.Post, "/fhir/Subscription/$status", FhirJson.Serialize(parameters))).Keys);
        Assert.Equal([theirs.Id!], (await StatusesAsync(other, HttpMethod.Get, "/fhir/Subscription/$status?status=requested,active")).Keys.Intersect([theirs.Id!, active.Id!, requested.Id!]));
        await WaitForAuditAsync(auditor, active.Id!, "$status (type level) read");

        var (status, outcome, _) = await Fhir(owner, HttpMethod.Get, "/fhir/Subscription/$status?status=paused");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("status", Assert.IsType<OperationOutcome>(outcome).Issue[0].Expression.Single());
        var unknown = new Parameters();
        unknown.Add("topic", new FhirString("x"));
        (status, outcome, _) = await Fhir(owner, HttpMethod.Post, "/fhir/Subscription/$status", FhirJson.Serialize(unknown));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Parameters.parameter", Assert.IsType<OperationOutcome>(outcome).Issue[0].Expression.Single());
        // Content negotiation as on every /fhir route: a body not declared JSON is 415, a client taking only XML or
        // another FHIR version 406 (both were answered 200 with JSON).
        using (var plain = new HttpRequestMessage(HttpMethod.Post, "/fhir/Subscription/$status") { Content = new StringContent(FhirJson.Serialize(unknown), Encoding.UTF8, "text/plain") })
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await owner.SendAsync(plain)).StatusCode);
        foreach (var accept in new[] { "application/fhir+xml", "application/fhir+json; fhirVersion=3.0" })
        {
            using var xml = new HttpRequestMessage(HttpMethod.Get, "/fhir/Subscription/$status");
            xml.Headers.TryAddWithoutValidation("Accept", accept);
            Assert.Equal(HttpStatusCode.NotAcceptable, (await owner.SendAsync(xml)).StatusCode);
        }
        using (var r4 = new HttpRequestMessage(HttpMethod.Get, "/fhir/Subscription/$status"))
        {
            r4.Headers.TryAddWithoutValidation("Accept", "application/fhir+json; fhirVersion=4.0");
            Assert.Equal(HttpStatusCode.OK, (await owner.SendAsync(r4)).StatusCode);
        }
        // In a query too: a parameter $status does not take was passed over, answering every subscription.
        (status, outcome, _) = await Fhir(owner, HttpMethod.Get, "/fhir/Subscription/$status?x=1");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("x", Assert.IsType<OperationOutcome>(outcome).Issue[0].Expression.Single());
    }

    [Fact]
    public async Task AnotherOrganisation_CannotReadOrDeleteIt()
    {
        using var owner = Client(OrgA);
        using var other = Client(OrgB);
        var created = await CreateAsync(owner, "/private");

        Assert.Equal(HttpStatusCode.NotFound, (await Fhir(other, HttpMethod.Get, $"/fhir/Subscription/{created.Id!}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Fhir(other, HttpMethod.Get, $"/fhir/Subscription/{created.Id!}/$status")).Status);
        var (deleteStatus, outcome, _) = await Fhir(other, HttpMethod.Delete, $"/fhir/Subscription/{created.Id!}");
        Assert.Equal(HttpStatusCode.NotFound, deleteStatus);
        Assert.Equal(OperationOutcome.IssueType.NotFound, Assert.IsType<OperationOutcome>(outcome).Issue[0].Code);
        Assert.Equal(HttpStatusCode.OK, (await Fhir(owner, HttpMethod.Get, $"/fhir/Subscription/{created.Id!}")).Status);

        Assert.Equal(HttpStatusCode.NoContent, (await Fhir(owner, HttpMethod.Delete, $"/fhir/Subscription/{created.Id!}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Fhir(owner, HttpMethod.Get, $"/fhir/Subscription/{created.Id!}")).Status);
    }

    [Fact]
    public async Task Update_ReplacesTheSubscription_AndHandshakesTheNewEndpoint()
    {
        using var owner = Client(OrgA);
        using var other = Client(OrgB);
        var created = await CreateAsync(owner, "/before");
        await WaitForStatusAsync(owner, created.Id!, Subscription.SubscriptionStatus.Active);
        var changed = KitSubscription(_receiver.BaseUrl + "/after", s => s["id"] = created.Id);

        var theirs = KitSubscription(_receiver.BaseUrl + "/theirs", s => s["_criteria"]!["extension"]![0]!["valueString"] = "org-identifier=ORG-B-ISA06");
        Assert.Equal(HttpStatusCode.NotFound, (await Fhir(other, HttpMethod.Put, $"/fhir/Subscription/{created.Id}", theirs)).Status);
        var (status, body, _) = await Fhir(owner, HttpMethod.Put, $"/fhir/Subscription/{created.Id}", changed);

        Assert.Equal(HttpStatusCode.OK, status);
        var updated = Assert.IsType<Subscription>(body);
        Assert.Equal(Subscription.SubscriptionStatus.Requested, updated.Status);
        Assert.Equal(_receiver.BaseUrl + "/after", updated.Channel.Endpoint);
        Assert.Equal("handshake", Value(StatusOf(Parse(Assert.Single(await _receiver.WaitForAsync("/after", 1))), created.Id!), "type"));
        await WaitForStatusAsync(owner, created.Id!, Subscription.SubscriptionStatus.Active);
        var mismatched = KitSubscription(_receiver.BaseUrl + "/after", s => s["id"] = "another-id");
        Assert.Equal(HttpStatusCode.BadRequest, (await Fhir(owner, HttpMethod.Put, $"/fhir/Subscription/{created.Id}", mismatched)).Status);
    }

    [Fact]
    public async Task AnOrganisationMayFilterOnlyOnItsOwnSendingSystem()
    {
        using var orgB = Client(OrgB);
        var (status, body, _) = await Fhir(orgB, HttpMethod.Post, "/fhir/Subscription", KitSubscription(_receiver.BaseUrl + "/b"));
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("Subscription.criteria.extension", Assert.Single(Assert.IsType<OperationOutcome>(body).Issue).Expression.Single());

        var own = KitSubscription(_receiver.BaseUrl + "/b", s => s["_criteria"]!["extension"]![0]!["valueString"] = "org-identifier=ORG-B-ISA06");
        Assert.Equal(HttpStatusCode.Created, (await Fhir(orgB, HttpMethod.Post, "/fhir/Subscription", own)).Status);
    }

    [Theory]
    [InlineData("http://127.0.0.1:{port}/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[::1]:{port}/hook")]
    [InlineData("http://localhost:{port}/hook")]
    [InlineData("http://10.1.2.3/hook")]
    [InlineData("http://192.168.0.10/hook")]
    [InlineData("http://[::ffff:127.0.0.1]/hook")]
    public async Task InternalEndpoints_AreRefusedWithoutTheOperatorsAllowList(string endpoint)
    {
        using var app = App(allowList: false);
        using var client = Client(OrgA, app);
        var url = endpoint.Replace("{port}", new Uri(_receiver.BaseUrl).Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        var (status, body, _) = await Fhir(client, HttpMethod.Post, "/fhir/Subscription", KitSubscription(url));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var issue = Assert.Single(Assert.IsType<OperationOutcome>(body).Issue);
        Assert.Equal("Subscription.channel.endpoint", issue.Expression.Single());
        Assert.Contains("internal address", issue.Diagnostics!, StringComparison.Ordinal);
        Assert.Empty(_receiver.Requests);
    }

    [Theory]
    [InlineData("criteria", "Subscription.criteria")]
    [InlineData("filter", "Subscription.criteria.extension")]
    [InlineData("filter-format", "Subscription.criteria.extension")]
    [InlineData("channel-type", "Subscription.channel.type")]
    [InlineData("content", "Subscription.channel.payload.extension")]
    [InlineData("payload", "Subscription.channel.payload")]
    [InlineData("https", "Subscription.channel.endpoint")]
    [InlineData("header", "Subscription.channel.header[1]")]
    [InlineData("header-again", "Subscription.channel.header[1]")]
    public async Task InvalidSubscriptions_Get400_NamingTheElement(string what, string expression)
    {
        using var client = Client(OrgA);
        var subscription = KitSubscription(_receiver.BaseUrl + "/invalid", s =>
        {
            switch (what)
            {
                case "criteria": s["criteria"] = "Encounter?status=finished"; break;
                case "filter": s.Remove("_criteria"); break;
                case "filter-format": s["_criteria"]!["extension"]![0]!["valueString"] = "identifier=8189991234"; break;
                case "channel-type": s["channel"]!["type"] = "websocket"; break;
                case "content": s["channel"]!["_payload"]!["extension"]![0]!["valueCode"] = "id-only"; break;
                case "payload": s["channel"]!["payload"] = "application/fhir+xml"; break;
                case "https": break;
                case "header": s["channel"]!["header"]!.AsArray().Add("Host: evil.example"); break;
                // What the subscriptions kit does to a Subscription whose Authorization is not its own token: it appends one.
                case "header-again": s["channel"]!["header"]!.AsArray().Add("authorization: Bearer evil.example"); break;
            }
        });
        using var app = what == "https" ? new CoverageApp(_storage, new FakeTimeProvider(CoverageApp.Start), ApiTokens.Configure) : null;
        using var strict = what == "https" ? Client(OrgA, app) : null;

        var (status, body, _) = await Fhir(strict ?? client, HttpMethod.Post, "/fhir/Subscription", subscription);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(Assert.IsType<OperationOutcome>(body).Issue, i => i.Expression.SingleOrDefault() == expression);
        Assert.DoesNotContain("evil.example", FhirJson.Serialize(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CapabilityStatement_DeclaresThePasTopicAndTheSubscriptionInteractions()
    {
        using var client = _app.CreateClient();
        var (_, body, _) = await Fhir(client, HttpMethod.Get, "/fhir/metadata");
        var subscription = Assert.Single(Assert.IsType<CapabilityStatement>(body).Rest.Single().Resource, r => r.Type == "Subscription");
        Assert.Equal("http://hl7.org/fhir/us/davinci-pas/SubscriptionTopic/PASSubscriptionTopic",
            Text(subscription.GetExtension("http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/capabilitystatement-subscriptiontopic-canonical")!.Value));
        Assert.Equal(
            [CapabilityStatement.TypeRestfulInteraction.Create, CapabilityStatement.TypeRestfulInteraction.Read, CapabilityStatement.TypeRestfulInteraction.Update, CapabilityStatement.TypeRestfulInteraction.Delete],
            subscription.Interaction.Select(i => i.Code!.Value));
        Assert.Contains(subscription.Operation, o => o.Name == "status" && o.Definition == "http://hl7.org/fhir/uv/subscriptions-backport/OperationDefinition/backport-subscription-status");
        Assert.Contains(subscription.Operation, o => o.Name == "events" && o.Definition == "http://hl7.org/fhir/uv/subscriptions-backport/OperationDefinition/backport-subscription-events");
        // The topic's extension checked against its definition in the backport package (value type, context).
        var errors = Conformance.IgValidator.Pas221.Errors(body, "http://hl7.org/fhir/StructureDefinition/CapabilityStatement");
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    /// <summary>
    /// The kit's pended $submit payload (adapted: CPT 0581T, C50.412, plan standard) with a request id of its own and its
    /// items' service dates moved from 2016 to 2026 (a 2016 service is decided at once, not pended, under our plans).
    /// </summary>
    private static string PendedKitSubmission()
    {
        var bundle = JsonNode.Parse(File.ReadAllText(Path.Combine(Conformance.IgValidator.FixturesFolder, "pas-kit", "pended-pa-submit-request-payload.adapted.json")))!.AsObject();
        var claim = bundle["entry"]![0]!["resource"]!;
        claim["identifier"]![0]!["value"] = Api.NewId();
        foreach (var item in claim["item"]!.AsArray())
        {
            if (item!["servicedDate"] is not null) item["servicedDate"] = "2026-05-04";
            if (item["servicedPeriod"] is JsonObject period) { period["start"] = "2026-05-04"; period["end"] = "2026-05-06"; }
        }
        return bundle.ToJsonString();
    }

    /// <summary>The case behind a PAS response: the ClaimResponse's identifier in the case system.</summary>
    private static Guid CaseIdOf(Bundle response)
    {
        var claimResponse = Assert.IsType<ClaimResponse>(response.Entry[0].Resource);
        var identifier = claimResponse.Identifier.First(i => i.System?.EndsWith("/api/v1/cases", StringComparison.Ordinal) == true);
        return Guid.Parse(identifier.Value!);
    }
}

public sealed class SqliteSubscriptionTests(SqliteStorage storage) : SubscriptionTests<SqliteStorage>(storage);

public sealed class PostgresSubscriptionTests(PostgresStorage storage) : SubscriptionTests<PostgresStorage>(storage);
