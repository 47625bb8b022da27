using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace Coverage.Server.Tests;

/// <summary>
/// The REST API and the case workflow, over HTTP, against a real database, with real access tokens: the
/// physician's (a user-context token of a configured physician, every scope) unless a test says otherwise.
/// The same tests run on SQLite (SqliteCaseApiTests) and on PostgreSQL (PostgresCaseApiTests).
/// </summary>
public abstract class CaseApiTests<TStorage> : IClassFixture<TStorage>, IDisposable where TStorage : Storage
{
    private readonly CoverageApp _app;
    private readonly HttpClient _client;
    private readonly HttpClient _nurse;

    protected CaseApiTests(TStorage storage)
    {
        Storage = storage;
        _app = new CoverageApp(storage, new FakeTimeProvider(CoverageApp.Start), ApiTokens.Configure);
        _client = _app.CreateClient().With(ApiTokens.Person(ApiTokens.Physician));
        _nurse = _app.CreateClient().With(ApiTokens.Person(ApiTokens.Nurse));
    }

    protected TStorage Storage { get; }

    public void Dispose()
    {
        _client.Dispose();
        _nurse.Dispose();
        _app.Dispose();
        GC.SuppressFinalize(this);
    }

    private static string OnLabelCryo(string? requestId = null) =>
        Api.WithRequestId(CoverageApp.Sample("cryoablation-prior-auth.json"), requestId ?? Api.NewId());

    private async Task<JsonElement> Submit(string json, HttpStatusCode expected = HttpStatusCode.Created)
    {
        var (status, body, _) = await Api.Post(_client, "/api/v1/determinations", json);
        Assert.Equal(expected, status);
        return body;
    }

    // ------------------------------------------------------------------ submission

    [Fact]
    public async Task Submit_AdverseRecommendation_CreatesCasePendingPhysicianReview()
    {
        var (status, body, response) = await Api.Post(_client, "/api/v1/determinations", OnLabelCryo());

        Assert.Equal(HttpStatusCode.Created, status);
        var caseId = body.Str("caseId");
        Assert.Equal($"/api/v1/cases/{caseId}", response.Headers.Location!.OriginalString);
        Assert.Equal("pending-physician-review", body.Str("status"));
        Assert.Equal("not-covered", body.Str("outcome"));
        Assert.Equal(JsonValueKind.Null, body.GetProperty("finalOutcome").ValueKind);
        var line = body.GetProperty("determination").GetProperty("lines")[0];
        Assert.Equal("not-medically-necessary", line.Str("outcome"));
        Assert.True(line.GetProperty("requiresPhysicianReview").GetBoolean());
        Assert.Equal("on-label", line.GetProperty("fdaLabel").Str("status"));
    }

    [Fact]
    public async Task Submit_Standard_IsDueInSevenCalendarDays()
    {
        var body = await Submit(OnLabelCryo());

        Assert.Equal(CoverageApp.Start.UtcDateTime, body.GetProperty("receivedAt").GetDateTime().ToUniversalTime());
        Assert.Equal(CoverageApp.Start.UtcDateTime.AddDays(7), body.GetProperty("dueAt").GetDateTime().ToUniversalTime());
        Assert.Equal("standard", body.Str("priority"));
    }

    [Fact]
    public async Task Submit_Expedited_IsDueIn72Hours()
    {
        var body = await Submit(Api.WithRequestId(CoverageApp.Sample("cryoablation-rider-on-label.json"), Api.NewId()));

        Assert.Equal("expedited", body.Str("priority"));
        Assert.Equal(CoverageApp.Start.UtcDateTime.AddHours(72), body.GetProperty("dueAt").GetDateTime().ToUniversalTime());
    }

    [Fact]
    public async Task Submit_FavourableResult_IsFinalAtOnce()
    {
        var body = await Submit(Api.WithRequestId(CoverageApp.Sample("cryoablation-rider-on-label.json"), Api.NewId()));

        Assert.Equal("final", body.Str("status"));
        Assert.Equal("covered", body.Str("finalOutcome"));
        Assert.NotEqual(JsonValueKind.Null, body.GetProperty("finalizedAt").ValueKind);
    }

    [Fact]
    public async Task Submit_SameRequestIdSameMember_ReturnsExistingCaseWith200()
    {
        var json = OnLabelCryo();
        var first = await Submit(json);

        var (status, second, _) = await Api.Post(_client, "/api/v1/determinations", json);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(first.Str("caseId"), second.Str("caseId"));
        var list = await ListAll();
        Assert.Single(list, c => c.Str("requestId") == first.Str("requestId"));
    }

    [Fact]
    public async Task Submit_SameRequestIdDifferentRequest_Is409()
    {
        var requestId = Api.NewId();
        await Submit(OnLabelCryo(requestId));
        var changed = System.Text.Json.Nodes.JsonNode.Parse(OnLabelCryo(requestId))!;
        changed["dateOfService"] = "2026-05-05";

        var (status, body, _) = await Api.Post(_client, "/api/v1/determinations", changed.ToJsonString());

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains(requestId, body.Str("detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_SameRequestIdOtherMember_CreatesAnotherCase()
    {
        var requestId = Api.NewId();
        var first = await Submit(OnLabelCryo(requestId));
        var other = System.Text.Json.Nodes.JsonNode.Parse(OnLabelCryo(requestId))!;
        other["member"]!["id"] = "M-OTHER";

        var second = await Submit(other.ToJsonString());

        Assert.NotEqual(first.Str("caseId"), second.Str("caseId"));
    }

    [Fact]
    public async Task Submit_ConcurrentDuplicates_MakeOneCase()
    {
        var json = OnLabelCryo();

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Api.Post(_client, "/api/v1/determinations", json)));

        Assert.All(results, r => Assert.True(r.Status is HttpStatusCode.Created or HttpStatusCode.OK, r.Status.ToString()));
        Assert.Single(results.Select(r => r.Body.Str("caseId")).Distinct());
        Assert.Single(results, r => r.Status == HttpStatusCode.Created);
    }

    // ------------------------------------------------------------------ input errors

    [Theory]
    [InlineData("{ \"dateOfService\": ", "$")]
    [InlineData("[]", "$")]
    [InlineData("null", "$")]
    [InlineData("{\"dateOfService\":\"2026-13-40\",\"serviceLines\":[{\"code\":\"0581T\"}]}", "dateOfService")]
    [InlineData("{\"dateOfService\":\"2026-05-04\",\"member\":{\"planId\":\"gold\"},\"serviceLines\":[{\"code\":\"0581T\"}]}", "member.planId")]
    [InlineData("{\"dateOfService\":\"2026-05-04\",\"serviceLines\":[{\"code\":\"0581\"}]}", "serviceLines[0].code")]
    [InlineData("{\"dateOfService\":\"2026-05-04\",\"serviceLines\":[]}", "serviceLines")]
    [InlineData("{\"dateOfService\":\"2026-05-04\",\"diagnoses\":[\"C5\"],\"serviceLines\":[{\"code\":\"0581T\"}]}", "diagnoses[0]")]
    [InlineData("{\"dateOfService\":\"2026-05-04\",\"serviceLines\":[{\"code\":\"0581T\"}],\"clinical\":{\"focality\":\"single\"}}", "clinical.focality")]
    public async Task Submit_InvalidRequest_Is400ProblemDetailsNamingTheField(string json, string field)
    {
        var (status, body, response) = await Api.Post(_client, "/api/v1/determinations", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}: {body}");
    }

    [Fact]
    public async Task Submit_NotJsonContentType_Is415()
    {
        var (status, _, _) = await Api.Send(_client, HttpMethod.Post, "/api/v1/determinations", OnLabelCryo(), "text/plain");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
    }

    [Fact]
    public async Task Submit_DeeplyNestedJson_Is400NotAServerError()
    {
        var json = new string('[', 5000) + new string(']', 5000);

        var (status, _, _) = await Api.Post(_client, "/api/v1/determinations", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    // ------------------------------------------------------------------ reading and listing

    [Fact]
    public async Task GetCase_ReturnsTheStoredDetermination()
    {
        var created = await Submit(OnLabelCryo());

        var (status, body, _) = await Api.Get(_client, $"/api/v1/cases/{created.Str("caseId")}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(created.GetProperty("determination").ToString(), body.GetProperty("determination").ToString());
    }

    [Fact]
    public async Task GetCase_Unknown_Is404ProblemDetails()
    {
        var (status, body, _) = await Api.Get(_client, $"/api/v1/cases/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(404, body.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task ListCases_ByStatus_OldestFirstWithPaging()
    {
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await Submit(OnLabelCryo())).Str("caseId"));
            _app.Clock.Advance(TimeSpan.FromMinutes(1));
        }
        await Submit(Api.WithRequestId(CoverageApp.Sample("cryoablation-rider-on-label.json"), Api.NewId())); // final: filtered out

        var pending = (await ListAll("pending-physician-review")).Select(c => c.Str("caseId")).ToList();

        Assert.Equal(ids, pending.Where(ids.Contains).ToList());
        var (_, page, _) = await Api.Get(_client, "/api/v1/cases?status=pending-physician-review&page=1&pageSize=2");
        Assert.Equal(2, page.GetProperty("items").GetArrayLength());
        Assert.True(page.GetProperty("total").GetInt32() >= 3);
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.True(items[0].GetProperty("receivedAt").GetDateTime() <= items[1].GetProperty("receivedAt").GetDateTime());
    }

    [Fact]
    public async Task ListCases_ByModalityAndPolicy_MatchesWholeIdsOnly()
    {
        var cryo = (await Submit(OnLabelCryo())).Str("caseId");
        var microwave = (await Submit(Api.WithRequestId(CoverageApp.Sample("unlisted-microwave-claim.json"), Api.NewId()))).Str("caseId");

        var (_, byCryo, _) = await Api.Get(_client, "/api/v1/cases?modality=cryoablation&policy=0540&pageSize=100");
        var (_, byMicrowave, _) = await Api.Get(_client, "/api/v1/cases?modality=microwave-ablation&pageSize=100");
        var (_, byPart, _) = await Api.Get(_client, "/api/v1/cases?modality=ablation&pageSize=100");
        var (_, byOtherPolicy, _) = await Api.Get(_client, "/api/v1/cases?policy=054&pageSize=100");

        static List<string> Ids(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(c => c.Str("caseId")).ToList();
        Assert.Contains(cryo, Ids(byCryo));
        Assert.DoesNotContain(microwave, Ids(byCryo));
        Assert.Contains(microwave, Ids(byMicrowave));
        Assert.DoesNotContain(cryo, Ids(byMicrowave));
        Assert.Empty(Ids(byPart));
        Assert.Empty(Ids(byOtherPolicy));
    }

    [Theory]
    [InlineData("status=approved", "status")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=1000", "pageSize")]
    [InlineData("page=x", "page")]
    [InlineData("modality=cryo%20ablation", "modality")]
    [InlineData("policy=%25", "policy")]
    public async Task ListCases_BadQuery_Is400NamingTheParameter(string query, string field)
    {
        var (status, body, _) = await Api.Get(_client, "/api/v1/cases?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), body.ToString());
    }

    // ------------------------------------------------------------------ decisions

    [Fact]
    public async Task Decide_PhysicianUpholds_CaseIsFinalNotCovered()
    {
        var caseId = (await Submit(OnLabelCryo())).Str("caseId");

        var (status, body, _) = await Api.Post(_client, $"/api/v1/cases/{caseId}/decisions",
            Api.Decision((1, "uphold", "Evidence insufficient per policy 0540; no plan exception applies.")));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("final", body.Str("status"));
        Assert.Equal("not-covered", body.Str("finalOutcome"));
        var decision = Assert.Single(body.GetProperty("decisions").EnumerateArray());
        Assert.Equal("uphold", decision.Str("action"));
        Assert.Equal("physician", decision.Str("reviewerRole"));
    }

    [Fact]
    public async Task Decide_PhysicianOverturns_CaseIsFinalCoveredInThePhysiciansName()
    {
        var caseId = (await Submit(OnLabelCryo())).Str("caseId");

        var (status, body, _) = await Api.Post(_client, $"/api/v1/cases/{caseId}/decisions",
            Api.Decision((1, "overturn", "Approved under the member's documented exception.")));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("covered", body.Str("finalOutcome"));
        var decision = Assert.Single(body.GetProperty("decisions").EnumerateArray());
        Assert.Equal(ApiTokens.Physician, decision.Str("reviewerId"));
        Assert.Equal(ApiTokens.PhysicianName, decision.Str("reviewerName"));
    }

    [Theory]
    [InlineData("uphold")]
    [InlineData("overturn")]
    public async Task Decide_ByANurse_Is403AndCaseStaysPending(string action)
    {
        var caseId = (await Submit(OnLabelCryo())).Str("caseId");

        var (status, body, _) = await Api.Post(_nurse, $"/api/v1/cases/{caseId}/decisions",
            Api.Decision((1, action, "Agree with the policy.")));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("Only a physician may decide", body.Str("detail"), StringComparison.Ordinal);
        var (_, after, _) = await Api.Get(_client, $"/api/v1/cases/{caseId}");
        Assert.Equal("pending-physician-review", after.Str("status"));
    }

    [Fact]
    public async Task Decide_FinalCase_Is409()
    {
        var caseId = (await Submit(OnLabelCryo())).Str("caseId");
        await Api.Post(_client, $"/api/v1/cases/{caseId}/decisions", Api.Decision((1, "uphold", "Not medically necessary.")));

        var (status, _, _) = await Api.Post(_client, $"/api/v1/cases/{caseId}/decisions", Api.Decision((1, "overturn", "Changed my mind.")));

        Assert.Equal(HttpStatusCode.Conflict, status);
    }

    [Fact]
    public async Task Decide_LineThatIsNotARecommendation_Is422()
    {
        var request = System.Text.Json.Nodes.JsonNode.Parse(OnLabelCryo())!;
        request["serviceLines"]!.AsArray().Add(System.Text.Json.Nodes.JsonNode.Parse("""{"sequence":2,"code":"19120","units":1}"""));
        var caseId = (await Submit(request.ToJsonString())).Str("caseId");

        var (status, body, _) = await Api.Post(_client, $"/api/v1/cases/{caseId}/decisions", Api.Decision((2, "uphold", "No.")));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("not-addressed", body.Str("detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decide_UnknownLine_Is422()
    {
        var caseId = (await Submit(OnLabelCryo())).Str("caseId");

        var (status, _, _) = await Api.Post(_client, $"/api/v1/cases/{caseId}/decisions", Api.Decision((9, "uphold", "No.")));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
    }

    [Theory]
    [InlineData("""{"lines":[{"sequence":1,"action":"uphold","rationale":"  "}]}""", "lines[0].rationale")]
    [InlineData("""{"reviewer":"dr-ada","lines":[{"sequence":1,"action":"uphold","rationale":"x"}]}""", "reviewer")]
    [InlineData("""{"lines":[{"sequence":1,"action":"deny","rationale":"x"}]}""", "lines[0].action")]
    [InlineData("""{"lines":[]}""", "lines")]
    [InlineData("""{"lines":[{"action":"uphold","rationale":"x"}]}""", "lines[0].sequence")]
    [InlineData("""{"reviewer":{"id":"dr-ada","title":"x"},"lines":[{"sequence":1,"action":"uphold","rationale":"x"}]}""", "reviewer.title")]
    public async Task Decide_MalformedDecision_Is400NamingTheField(string decision, string field)
    {
        var caseId = (await Submit(OnLabelCryo())).Str("caseId");

        var (status, body, _) = await Api.Post(_client, $"/api/v1/cases/{caseId}/decisions", decision);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), body.ToString());
    }

    [Fact]
    public async Task Decide_UnknownCase_Is404()
    {
        var (status, _, _) = await Api.Post(_client, $"/api/v1/cases/{Guid.NewGuid()}/decisions", Api.Decision((1, "uphold", "x")));

        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    // ------------------------------------------------------------------ information

    [Fact]
    public async Task PendingInformation_CompletedWithDescription_IsReevaluated()
    {
        var created = await Submit(Api.WithRequestId(CoverageApp.Sample("unlisted-without-description.json"), Api.NewId()));
        Assert.Equal("pending-information", created.Str("status"));
        var caseId = created.Str("caseId");

        var (decideStatus, _, _) = await Api.Post(_client, $"/api/v1/cases/{caseId}/decisions", Api.Decision((1, "uphold", "x")));
        Assert.Equal(HttpStatusCode.Conflict, decideStatus);

        var (status, body, _) = await Api.Post(_client, $"/api/v1/cases/{caseId}/information",
            """{"serviceLines":[{"sequence":1,"description":"US-guided radiofrequency ablation of left breast carcinoma"}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("pending-physician-review", body.Str("status"));
        var line = body.GetProperty("determination").GetProperty("lines")[0];
        Assert.Equal("radiofrequency-ablation", line.Str("modality"));
        Assert.Equal("not-medically-necessary", line.Str("outcome"));
    }

    [Fact]
    public async Task PendingInformation_RiderWithUnknownCriterion_BecomesCoveredOnceDocumented()
    {
        var request = System.Text.Json.Nodes.JsonNode.Parse(Api.WithRequestId(CoverageApp.Sample("cryoablation-rider-on-label.json"), Api.NewId()))!;
        request["clinical"]!.AsObject().Remove("adjuvantEndocrineTherapy");
        var created = await Submit(request.ToJsonString());
        Assert.Equal("pending-information", created.Str("status"));

        var (status, body, _) = await Api.Post(_client, $"/api/v1/cases/{created.Str("caseId")}/information",
            """{"clinical":{"adjuvantEndocrineTherapy":true}}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("final", body.Str("status"));
        Assert.Equal("covered", body.Str("finalOutcome"));
    }

    [Theory]
    [InlineData("""{"clinical":{"ki67Percent":"low"}}""", "clinical.ki67Percent")]
    [InlineData("""{"serviceLines":[{"sequence":7,"description":"cryoablation"}]}""", "serviceLines[0].sequence")]
    [InlineData("""{"planId":"gold"}""", "planId")]
    [InlineData("""{}""", "$")]
    public async Task PendingInformation_BadInformation_Is400NamingTheField(string information, string field)
    {
        var created = await Submit(Api.WithRequestId(CoverageApp.Sample("unlisted-without-description.json"), Api.NewId()));

        var (status, body, _) = await Api.Post(_client, $"/api/v1/cases/{created.Str("caseId")}/information", information);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), body.ToString());
    }

    [Fact]
    public async Task Information_ForCaseNotWaiting_Is409()
    {
        var caseId = (await Submit(OnLabelCryo())).Str("caseId");

        var (status, _, _) = await Api.Post(_client, $"/api/v1/cases/{caseId}/information", """{"clinical":{"recurrent":false}}""");

        Assert.Equal(HttpStatusCode.Conflict, status);
    }

    // ------------------------------------------------------------------ information requests

    [Fact]
    public async Task RequestInformation_PendingReview_WaitsForInformationThenReturnsToReview()
    {
        var caseId = (await Submit(OnLabelCryo())).Str("caseId");

        var (status, body, _) = await Api.Post(_nurse, $"/api/v1/cases/{caseId}/information-requests",
            """{"needed":"The pathology report of the core biopsy."}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("pending-information", body.Str("status"));
        Assert.Equal("The pathology report of the core biopsy.", body.Str("informationRequest"));
        var (decideStatus, _, _) = await Api.Post(_client, $"/api/v1/cases/{caseId}/decisions", Api.Decision((1, "uphold", "x")));
        Assert.Equal(HttpStatusCode.Conflict, decideStatus);

        var (replaced, refusal, _) = await Api.Post(_client, $"/api/v1/cases/{caseId}/information", """{"clinical":{"recurrent":true}}""");
        Assert.Equal(HttpStatusCode.BadRequest, replaced);
        Assert.True(refusal.GetProperty("errors").TryGetProperty("clinical.recurrent", out _), refusal.ToString());
        var (addStatus, added, _) = await Api.Post(_client, $"/api/v1/cases/{caseId}/information", """{"clinical":{"implantDistanceDocumented":true}}""");

        Assert.Equal(HttpStatusCode.OK, addStatus);
        Assert.Equal("pending-physician-review", added.Str("status"));
        Assert.Equal(JsonValueKind.Null, added.GetProperty("informationRequest").ValueKind);
        var (_, audit, _) = await Api.Get(_client, $"/api/v1/cases/{caseId}/audit");
        var requested = audit.GetProperty("events").EnumerateArray().Single(e => e.Str("action") == "information-requested");
        Assert.Equal(ApiTokens.Nurse, requested.Str("actor"));
        Assert.Equal("nurse", requested.Str("actorRole"));
        Assert.Contains("pathology report", requested.Str("detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestInformation_FinalCase_Is409()
    {
        var caseId = (await Submit(Api.WithRequestId(CoverageApp.Sample("cryoablation-rider-on-label.json"), Api.NewId()))).Str("caseId");

        var (status, _, _) = await Api.Post(_client, $"/api/v1/cases/{caseId}/information-requests",
            """{"reviewer":{"id":"dr-ada","name":"Dr. Ada Reviewer","role":"physician"},"needed":"Anything."}""");

        Assert.Equal(HttpStatusCode.Conflict, status);
    }

    [Theory]
    [InlineData("""{"needed":"  "}""", "needed")]
    [InlineData("""{"reviewer":[],"needed":"Notes"}""", "reviewer")]
    [InlineData("""{"needed":"Notes","urgent":true}""", "urgent")]
    public async Task RequestInformation_Malformed_Is400NamingTheField(string json, string field)
    {
        var caseId = (await Submit(OnLabelCryo())).Str("caseId");

        var (status, body, _) = await Api.Post(_client, $"/api/v1/cases/{caseId}/information-requests", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), body.ToString());
    }

    // ------------------------------------------------------------------ audit

    [Fact]
    public async Task Audit_RecordsEveryStepInOrder()
    {
        var caseId = (await Submit(OnLabelCryo())).Str("caseId");
        await Api.Get(_client, $"/api/v1/cases/{caseId}");
        await Api.Post(_client, $"/api/v1/cases/{caseId}/decisions", Api.Decision((1, "uphold", "Not medically necessary per 0540.")));

        var (status, body, _) = await Api.Get(_client, $"/api/v1/cases/{caseId}/audit");

        Assert.Equal(HttpStatusCode.OK, status);
        var actions = body.GetProperty("events").EnumerateArray().Select(e => e.Str("action")).ToList();
        Assert.Equal(["case-created", "case-read", "line-decided", "case-finalized", "audit-read"], actions);
        var decided = body.GetProperty("events").EnumerateArray().Single(e => e.Str("action") == "line-decided");
        Assert.Equal(ApiTokens.Physician, decided.Str("actor"));
        Assert.Equal("physician", decided.Str("actorRole"));
    }

    [Fact]
    public async Task Audit_ReadsAndResubmissionsAreAudited()
    {
        var json = OnLabelCryo();
        var caseId = (await Submit(json)).Str("caseId");
        await Submit(json, HttpStatusCode.OK);
        await ListAll();

        var (_, body, _) = await Api.Get(_client, $"/api/v1/cases/{caseId}/audit");

        var actions = body.GetProperty("events").EnumerateArray().Select(e => e.Str("action")).ToList();
        Assert.Contains("case-resubmitted", actions);
        Assert.Contains("case-listed", actions);
    }

    [Fact]
    public async Task Audit_UnknownCase_Is404()
    {
        var (status, _, _) = await Api.Get(_client, $"/api/v1/cases/{Guid.NewGuid()}/audit");

        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    // ------------------------------------------------------------------ restart

    [Fact]
    public async Task Restart_LosesNoCaseAndNoAuditEvent()
    {
        var caseId = (await Submit(OnLabelCryo())).Str("caseId");
        await Api.Post(_client, $"/api/v1/cases/{caseId}/decisions", Api.Decision((1, "uphold", "Not medically necessary per 0540.")));
        var (_, before, _) = await Api.Get(_client, $"/api/v1/cases/{caseId}/audit");

        using var restarted = new CoverageApp(Storage, new FakeTimeProvider(CoverageApp.Start));
        using var client = restarted.CreateClient();
        var (status, after, _) = await Api.Get(client, $"/api/v1/cases/{caseId}/audit");

        Assert.Equal(HttpStatusCode.OK, status);
        var beforeIds = before.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetInt64()).ToList();
        var afterIds = after.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(beforeIds, afterIds.Take(beforeIds.Count));
        Assert.Equal(beforeIds.Count + 1, afterIds.Count); // the new read
        var (_, theCase, _) = await Api.Get(client, $"/api/v1/cases/{caseId}");
        Assert.Equal("final", theCase.Str("status"));
    }

    // ------------------------------------------------------------------ service endpoints

    [Fact]
    public async Task Health_ReportsDatabaseAndCatalogue()
    {
        var (status, body, _) = await Api.Get(_client, "/health");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("healthy", body.Str("status"));
        Assert.Equal(Storage.Provider, body.GetProperty("database").Str("provider"));
        Assert.Equal("reachable", body.GetProperty("database").Str("status"));
        Assert.StartsWith("sha256:", body.GetProperty("catalogue").Str("digest"), StringComparison.Ordinal);
        Assert.Equal("0540", body.GetProperty("catalogue").GetProperty("policies")[0].Str("id"));
    }

    [Fact]
    public async Task OpenApi_DocumentsEveryEndpoint()
    {
        var (status, body, _) = await Api.Get(_client, "/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, status);
        var paths = body.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/determinations", "/api/v1/cases", "/api/v1/cases/{id}", "/api/v1/cases/{id}/decisions", "/api/v1/cases/{id}/information", "/api/v1/cases/{id}/audit", "/health" })
            Assert.True(paths.TryGetProperty(path, out _), $"OpenAPI should document {path}");
    }

    [Fact]
    public async Task ApiReference_IsBrowsable()
    {
        var response = await _client.GetAsync(new Uri("/api-reference/index.html", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("swagger-ui", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<List<JsonElement>> ListAll(string? status = null)
    {
        var all = new List<JsonElement>();
        for (var page = 1; ; page++)
        {
            var (_, body, _) = await Api.Get(_client, $"/api/v1/cases?pageSize=100&page={page}" + (status is null ? "" : $"&status={status}"));
            var items = body.GetProperty("items").EnumerateArray().ToList();
            all.AddRange(items);
            if (items.Count < 100) return all;
        }
    }
}

public sealed class SqliteCaseApiTests(SqliteStorage storage) : CaseApiTests<SqliteStorage>(storage);

public sealed class PostgresCaseApiTests(PostgresStorage storage) : CaseApiTests<PostgresStorage>(storage);
