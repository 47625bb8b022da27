using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace Coverage.Server.Tests;

/// <summary>
/// Whose cases a caller sees and what it may add to them (issue 12, findings 3 and 4), over HTTP with real
/// tokens against a real database: cases belong to the submitting organisation, request ids are each
/// submitter's own, information is appended with its sender and values, and descriptions added to a case
/// headed to review never finalise it without a physician.
/// </summary>
public abstract class TenancyAndInformationTests<TStorage> : IClassFixture<TStorage>, IDisposable where TStorage : Storage
{
    private const string AllSubmitterScopes = "coverage/cases.read coverage/cases.write coverage/audit.read";

    private readonly CoverageApp _app;
    private readonly HttpClient _portalA;
    private readonly HttpClient _portalB;
    private readonly HttpClient _payer;
    private readonly HttpClient _physician;

    protected TenancyAndInformationTests(TStorage storage)
    {
        _app = new CoverageApp(storage, new FakeTimeProvider(CoverageApp.Start), ApiTokens.Configure);
        _portalA = _app.CreateClient().With(ApiTokens.Create(AllSubmitterScopes, "portal-a"));
        _portalB = _app.CreateClient().With(ApiTokens.Create(AllSubmitterScopes, "portal-b"));
        _payer = _app.CreateClient().With(ApiTokens.Create(ApiTokens.AllScopes));
        _physician = _app.CreateClient().With(ApiTokens.Person(ApiTokens.Physician));
    }

    public void Dispose()
    {
        foreach (var client in new[] { _portalA, _portalB, _payer, _physician }) client.Dispose();
        _app.Dispose();
        GC.SuppressFinalize(this);
    }

    private static string Request(string sample, string requestId, string? member = null)
    {
        var node = JsonNode.Parse(CoverageApp.Sample(sample))!.AsObject();
        node["requestId"] = requestId;
        if (member is not null) node["member"]!["id"] = member;
        return node.ToJsonString();
    }

    private static async Task<string> Created(HttpClient client, string json)
    {
        var (status, body, _) = await Api.Post(client, "/api/v1/determinations", json);
        Assert.Equal(HttpStatusCode.Created, status);
        return body.Str("caseId");
    }

    // ------------------------------------------------------------------ tenancy

    [Fact]
    public async Task AnotherOrganisationsCase_IsNotFound_ForEveryReadAndChange_AndTheAttemptIsAudited()
    {
        var caseId = await Created(_portalA, Request("unlisted-without-description.json", Api.NewId()));

        Assert.Equal(HttpStatusCode.OK, (await Api.Get(_portalA, $"/api/v1/cases/{caseId}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.Get(_portalB, $"/api/v1/cases/{caseId}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.Get(_portalB, $"/api/v1/cases/{caseId}/audit")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.Get(_portalB, $"/api/v1/cases/{caseId}/information")).Status);
        var (added, _, _) = await Api.Post(_portalB, $"/api/v1/cases/{caseId}/information",
            """{"serviceLines":[{"sequence":1,"description":"Excisional biopsy of the left breast"}]}""");
        Assert.Equal(HttpStatusCode.NotFound, added);

        // Payer staff see every case; the refused attempts are in its history, with the other client named.
        var (_, audit, _) = await Api.Get(_payer, $"/api/v1/cases/{caseId}/audit");
        var refused = audit.GetProperty("events").EnumerateArray().Where(e => e.Str("action") == "access-refused").ToList();
        Assert.Equal(4, refused.Count);
        Assert.All(refused, e => Assert.Equal("portal-b", e.Str("actor")));
        var (_, unchanged, _) = await Api.Get(_payer, $"/api/v1/cases/{caseId}");
        Assert.Equal("pending-information", unchanged.Str("status"));
    }

    /// <summary>The routes of issue 18 and the FHIR audit search answer another organisation's case as a missing one too.</summary>
    [Fact]
    public async Task AnotherOrganisationsCase_IsNotFound_ForAppealsNoticesAndTheAuditEventSearch()
    {
        var caseId = await Created(_portalA, Request("unlisted-without-description.json", Api.NewId()));
        const string appeal = """{"filedBy":"provider","reason":"The member needs it."}""";

        Assert.NotEqual(HttpStatusCode.NotFound, (await Api.Post(_portalA, $"/api/v1/cases/{caseId}/appeals", appeal)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.Post(_portalB, $"/api/v1/cases/{caseId}/appeals", appeal)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.Get(_portalB, $"/api/v1/cases/{caseId}/appeal-notice")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.Get(_portalB, $"/api/v1/cases/{caseId}/appeal-notice?format=pdf")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.Get(_portalB, $"/fhir/AuditEvent?entity={caseId}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Api.Get(_portalA, $"/fhir/AuditEvent?entity={caseId}")).Status);
    }

    [Fact]
    public async Task Lists_ShowASubmitterOnlyItsOwnCases_AndPayerStaffAll()
    {
        var ofA = await Created(_portalA, Request("cryoablation-prior-auth.json", Api.NewId()));
        var ofB = await Created(_portalB, Request("cryoablation-prior-auth.json", Api.NewId()));

        var listedByA = await AllCaseIds(_portalA);
        var listedByPayer = await AllCaseIds(_payer);

        Assert.Contains(ofA, listedByA);
        Assert.DoesNotContain(ofB, listedByA);
        Assert.Contains(ofA, listedByPayer);
        Assert.Contains(ofB, listedByPayer);
    }

    private static async Task<List<string>> AllCaseIds(HttpClient client)
    {
        var ids = new List<string>();
        for (var page = 1; ; page++)
        {
            var (status, body, _) = await Api.Get(client, $"/api/v1/cases?pageSize=100&page={page}");
            Assert.Equal(HttpStatusCode.OK, status);
            var items = body.GetProperty("items").EnumerateArray().Select(i => i.Str("caseId")).ToList();
            ids.AddRange(items);
            if (items.Count < 100) return ids;
        }
    }

    [Fact]
    public async Task RequestIds_AreEachSubmittersOwn_AndAConflictNeverNamesAnotherOrganisationsCase()
    {
        var requestId = Api.NewId();
        var ofA = await Created(_portalA, Request("cryoablation-prior-auth.json", requestId, member: "M-1001"));

        // The same request id and member from another organisation is another case, not a 409 naming A's.
        var (status, body, _) = await Api.Post(_portalB, "/api/v1/determinations", Request("cryoablation-rider-on-label.json", requestId, member: "M-1001"));
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.NotEqual(ofA, body.Str("caseId"));
        Assert.DoesNotContain(ofA, body.ToString(), StringComparison.Ordinal);

        // The owner reusing its own id for another request gets the 409, naming its own case.
        var (conflict, problem, _) = await Api.Post(_portalA, "/api/v1/determinations", Request("cryoablation-rider-on-label.json", requestId, member: "M-1001"));
        Assert.Equal(HttpStatusCode.Conflict, conflict);
        Assert.Contains(ofA, problem.Str("detail"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("page=2147483647")]
    [InlineData("page=1000001")]
    public async Task AnAbsurdPage_IsRefusedNotWrapped(string query)
    {
        var (status, body, _) = await Api.Get(_payer, $"/api/v1/cases?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("page", out _), body.ToString());
    }

    // ------------------------------------------------------------------ information

    [Fact]
    public async Task Information_IsAppendedNeverReplaced_AndItsValuesAndSenderAreKept()
    {
        var caseId = await Created(_portalA, Request("unlisted-without-description.json", Api.NewId()));

        var (first, _, _) = await Api.Post(_portalA, $"/api/v1/cases/{caseId}/information", """{"member":{"birthDate":"1960-02-03"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, first); // the birth date was given at submission: never replaced
        var (added, body, _) = await Api.Post(_portalA, $"/api/v1/cases/{caseId}/information",
            """{"serviceLines":[{"sequence":1,"description":"US-guided microwave ablation, left breast"}]}""");
        Assert.Equal(HttpStatusCode.OK, added);
        Assert.Equal("pending-physician-review", body.Str("status"));

        var (status, history, _) = await Api.Get(_payer, $"/api/v1/cases/{caseId}/information");
        Assert.Equal(HttpStatusCode.OK, status);
        var addition = Assert.Single(history.GetProperty("additions").EnumerateArray());
        Assert.Equal("portal-a", addition.Str("actor"));
        Assert.Equal("US-guided microwave ablation, left breast",
            addition.GetProperty("information").GetProperty("serviceLines")[0].Str("description"));
    }

    [Fact]
    public async Task ADescriptionAddedToACaseHeadedToReview_IsHeldForAPhysician_NotFinalised()
    {
        // Line 1 (0581T, cryoablation) goes to a physician; line 2 (19499) waits for its description.
        var request = JsonNode.Parse(Request("cryoablation-prior-auth.json", Api.NewId()))!.AsObject();
        request["serviceLines"]!.AsArray().Add(new JsonObject { ["sequence"] = 2, ["code"] = "19499", ["units"] = 1 });
        var caseId = await Created(_portalA, request.ToJsonString());

        var (added, body, _) = await Api.Post(_portalA, $"/api/v1/cases/{caseId}/information",
            """{"serviceLines":[{"sequence":2,"description":"Excision of a benign skin lesion of the back"}]}""");

        Assert.Equal(HttpStatusCode.OK, added);
        Assert.Equal("pending-physician-review", body.Str("status"));
        Assert.Equal([2], body.GetProperty("heldLines").EnumerateArray().Select(l => l.GetInt32()));
        Assert.Equal("not-addressed", body.GetProperty("determination").GetProperty("lines")[1].Str("outcome"));

        // Deciding line 1 alone does not finalise the case; a held line can only be confirmed.
        var (decided, afterOne, _) = await Api.Post(_physician, $"/api/v1/cases/{caseId}/decisions", Api.Decision((1, "uphold", "Not medically necessary per 0540.")));
        Assert.Equal(HttpStatusCode.OK, decided);
        Assert.Equal("pending-physician-review", afterOne.Str("status"));
        var (overturn, _, _) = await Api.Post(_physician, $"/api/v1/cases/{caseId}/decisions", Api.Decision((2, "overturn", "No.")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, overturn);
        var (confirmed, final, _) = await Api.Post(_physician, $"/api/v1/cases/{caseId}/decisions", Api.Decision((2, "uphold", "The added description is a service no policy addresses.")));
        Assert.Equal(HttpStatusCode.OK, confirmed);
        Assert.Equal("final", final.Str("status"));

        var (_, audit, _) = await Api.Get(_payer, $"/api/v1/cases/{caseId}/audit");
        Assert.Contains(audit.GetProperty("events").EnumerateArray(), e => e.Str("action") == "case-held-for-review");
    }

    [Fact]
    public async Task ASubmitterCannotDecideOrRequestInformation()
    {
        var caseId = await Created(_portalA, Request("cryoablation-prior-auth.json", Api.NewId()));
        using var withDecide = _app.CreateClient().With(ApiTokens.Create("coverage/cases.decide", "portal-a"));

        var (decided, problem, _) = await Api.Post(withDecide, $"/api/v1/cases/{caseId}/decisions", Api.Decision((1, "overturn", "Approve.")));
        var (requested, _, _) = await Api.Post(withDecide, $"/api/v1/cases/{caseId}/information-requests", """{"needed":"Anything"}""");

        Assert.Equal(HttpStatusCode.Forbidden, decided);
        Assert.Contains("client's own token cannot decide", problem.Str("detail"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, requested);
    }

    [Fact]
    public async Task AReviewerNamedInTheBody_MustBeTheCaller_Else403()
    {
        var caseId = await Created(_payer, Request("cryoablation-prior-auth.json", Api.NewId()));
        var forged = JsonSerializer.Serialize(new
        {
            reviewer = new { id = "dr-kim", name = "Dr. Ana Kim", role = "physician" },
            lines = new[] { new { sequence = 1, action = "uphold", rationale = "Forged." } },
        });
        var honest = JsonSerializer.Serialize(new
        {
            reviewer = new { id = ApiTokens.Physician, name = ApiTokens.PhysicianName, role = "physician" },
            lines = new[] { new { sequence = 1, action = "uphold", rationale = "Not medically necessary per 0540." } },
        });

        var (refused, problem, _) = await Api.Post(_physician, $"/api/v1/cases/{caseId}/decisions", forged);
        Assert.Equal(HttpStatusCode.Forbidden, refused);
        Assert.Contains("not the authenticated caller", problem.Str("detail"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await Api.Post(_physician, $"/api/v1/cases/{caseId}/decisions", honest)).Status);
    }

    [Fact]
    public async Task FreeText_IsBoundedOnTheServer()
    {
        var caseId = await Created(_payer, Request("cryoablation-prior-auth.json", Api.NewId()));

        var (status, body, _) = await Api.Post(_physician, $"/api/v1/cases/{caseId}/decisions",
            Api.Decision((1, "uphold", new string('x', 4001))));
        var (needed, neededBody, _) = await Api.Post(_physician, $"/api/v1/cases/{caseId}/information-requests",
            JsonSerializer.Serialize(new { needed = new string('y', 2001) }));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("lines[0].rationale", out _), body.ToString());
        Assert.True(body.ToString().Length < 2000, "the error does not echo the text");
        Assert.Equal(HttpStatusCode.BadRequest, needed);
        Assert.True(neededBody.GetProperty("errors").TryGetProperty("needed", out _), neededBody.ToString());
    }
}

public sealed class SqliteTenancyAndInformationTests(SqliteStorage storage) : TenancyAndInformationTests<SqliteStorage>(storage);

public sealed class PostgresTenancyAndInformationTests(PostgresStorage storage) : TenancyAndInformationTests<PostgresStorage>(storage);
