using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace Coverage.Server.Tests.Appeals;

/// <summary>
/// Issue 18 over HTTP with real access tokens: a denial extended and decided, appealed by the provider's portal,
/// refused to the physician who made the denial, overturned by another physician (whose manager is in the operator's
/// reviewer directory), with its decision notice; the prior-authorization report as JSON and CSV; bad input named.
/// </summary>
public sealed class AppealApiTests : IClassFixture<SqliteStorage>, IDisposable
{
    private const string SecondPhysician = "dr-bea";
    private readonly CoverageApp _app;
    private readonly HttpClient _physician;
    private readonly HttpClient _second;
    private readonly HttpClient _portal;
    private readonly HttpClient _payer;

    public AppealApiTests(SqliteStorage storage)
    {
        _app = new CoverageApp(storage, new FakeTimeProvider(CoverageApp.Start), builder =>
        {
            ApiTokens.Configure(builder);
            builder.UseSetting("Catalogue:Path", Path.Combine(CoverageApp.RepositoryRoot, "catalogues", "lines-of-business"));
            builder.UseSetting("Api:Authentication:People:2:Issuer", ApiTokens.Issuer);
            builder.UseSetting("Api:Authentication:People:2:Subject", SecondPhysician);
            builder.UseSetting("Api:Authentication:People:2:Id", SecondPhysician);
            builder.UseSetting("Api:Authentication:People:2:Name", "Dr. Bea Second");
            builder.UseSetting("Api:Authentication:People:2:Role", "physician");
            builder.UseSetting("Reviewers:ReportsTo:dr-bea", "dr-chief");
        });
        _physician = _app.CreateClient().With(ApiTokens.Person(ApiTokens.Physician));
        _second = _app.CreateClient().With(ApiTokens.Person(SecondPhysician));
        _portal = _app.CreateClient().With(ApiTokens.Create(ApiTokens.AllScopes, "portal-a"));
        _payer = _app.CreateClient().With(ApiTokens.Create(ApiTokens.AllScopes));
    }

    public void Dispose()
    {
        foreach (var client in new[] { _physician, _second, _portal, _payer }) client.Dispose();
        _app.Dispose();
    }

    private static string Request(string plan)
    {
        var json = JsonNode.Parse(CoverageApp.Sample("cryoablation-prior-auth.json"))!.AsObject();
        json["requestId"] = Api.NewId();
        json["member"]!["planId"] = plan;
        json["member"]!["socialRiskFactors"] = new JsonArray("dual-eligible");
        return json.ToJsonString();
    }

    [Fact]
    public async Task Appeal_FiledByTheProvider_RefusedToTheDenyingPhysician_OverturnedByAnother_WithItsNotice()
    {
        var (_, submitted, _) = await Api.Post(_portal, "/api/v1/determinations", Request("example-erisa-group"));
        var id = submitted.Str("caseId");
        Assert.Equal("erisa", submitted.Str("lineOfBusiness"));
        Assert.Equal(CoverageApp.Start.UtcDateTime.AddDays(15), submitted.GetProperty("dueAt").GetDateTime().ToUniversalTime());

        var (extended, body, _) = await Api.Post(_physician, $"/api/v1/cases/{id}/extensions", """{"days": 15, "reason": "Awaiting the pathology report."}""");
        Assert.Equal(HttpStatusCode.OK, extended);
        Assert.Equal(CoverageApp.Start.UtcDateTime.AddDays(30), body.GetProperty("dueAt").GetDateTime().ToUniversalTime());
        Assert.Equal(HttpStatusCode.OK, (await Api.Post(_physician, $"/api/v1/cases/{id}/decisions", Api.Decision((1, "uphold", "Criteria not met.")))).Status);

        var (filed, appeal, response) = await Api.Post(_portal, $"/api/v1/cases/{id}/appeals", """{"filedBy": "provider", "reason": "New imaging shows a unifocal 1.2 cm tumour."}""");
        Assert.Equal(HttpStatusCode.Created, filed);
        var appealId = appeal.Str("caseId");
        Assert.Equal($"/api/v1/cases/{appealId}", response.Headers.Location!.OriginalString);
        Assert.Equal(id, appeal.GetProperty("appeal").Str("of"));

        var (refused, problem, _) = await Api.Post(_physician, $"/api/v1/cases/{appealId}/decisions", Api.Decision((1, "overturn", "On reflection.")));
        Assert.Equal(HttpStatusCode.Forbidden, refused);
        Assert.Contains("decided the determination this appeal contests", problem.Str("detail"), StringComparison.Ordinal);

        var (decided, final, _) = await Api.Post(_second, $"/api/v1/cases/{appealId}/decisions", Api.Decision((1, "overturn", "The new imaging meets the size criterion.")));
        Assert.Equal(HttpStatusCode.OK, decided);
        Assert.Equal("overturned", final.GetProperty("appeal").Str("result"));
        Assert.Equal("covered", final.Str("finalOutcome"));

        var (_, notice, _) = await Api.Get(_payer, $"/api/v1/cases/{appealId}/appeal-notice");
        Assert.Equal("Decision on your appeal", notice.Str("title"));
        var text = notice.GetProperty("sections").ToString();
        Assert.Contains("The new imaging meets the size criterion.", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Appeal_BadInput_NamesTheField_AndTheReportAnswersJsonAndCsv()
    {
        var (_, submitted, _) = await Api.Post(_portal, "/api/v1/determinations", Request("example-medicare-advantage"));
        var id = submitted.Str("caseId");

        var (status, problem, _) = await Api.Post(_portal, $"/api/v1/cases/{id}/appeals", """{"filedBy": "neighbour", "reason": ""}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(problem.GetProperty("errors").TryGetProperty("filedBy", out _));
        var (tooLong, extension, _) = await Api.Post(_physician, $"/api/v1/cases/{id}/extensions", """{"days": 20, "reason": "More time."}""");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLong);
        Assert.Contains("at most 14 days", extension.Str("detail"), StringComparison.Ordinal);

        var (reportStatus, report, _) = await Api.Get(_payer, "/api/v1/reports/prior-authorization?from=2026-11-01&to=2026-12-01");
        Assert.Equal(HttpStatusCode.OK, reportStatus);
        Assert.Equal("all", report.GetProperty("strata")[0].Str("stratum"));
        Assert.True(report.GetProperty("strata")[0].GetProperty("standard").GetProperty("requests").GetInt32() >= 1);
        Assert.True(report.GetProperty("strata").EnumerateArray().Single(s => s.Str("stratum") == "dual-eligible").GetProperty("standard").GetProperty("requests").GetInt32() >= 1);

        using var csv = await _payer.GetAsync(new Uri("/api/v1/reports/prior-authorization?from=2026-11-01&to=2026-12-01&format=csv", UriKind.Relative));
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n");
        Assert.StartsWith("from,to,stratum,priority,requests,", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("2026-11-01T00:00:00Z,2026-12-01T00:00:00Z,all,standard,", lines[1], StringComparison.Ordinal);

        var (_, unit, _) = await Api.Get(_payer, "/api/v1/reports/prior-authorization?from=2026-11-01&to=2026-12-01&lineOfBusiness=chip");
        Assert.Equal("chip", unit.Str("lineOfBusiness"));
        Assert.Equal(0, unit.GetProperty("strata")[0].GetProperty("standard").GetProperty("requests").GetInt32());
        var (badUnit, unitProblem, _) = await Api.Get(_payer, "/api/v1/reports/prior-authorization?from=2026-11-01&to=2026-12-01&plan=no-such-plan");
        Assert.Equal(HttpStatusCode.BadRequest, badUnit);
        Assert.True(unitProblem.GetProperty("errors").TryGetProperty("plan", out _));

        // A parameter the report does not take, or one given twice, was passed over: the report of every plan read as one plan's.
        var (unknown, unknownProblem, _) = await Api.Get(_payer, "/api/v1/reports/prior-authorization?from=2026-11-01&to=2026-12-01&planId=standard");
        Assert.Equal(HttpStatusCode.BadRequest, unknown);
        Assert.Contains("not a parameter", unknownProblem.GetProperty("errors").GetProperty("planId")[0].GetString(), StringComparison.Ordinal);
        var (twice, twiceProblem, _) = await Api.Get(_payer, "/api/v1/reports/prior-authorization?from=2026-11-01&to=2026-12-01&plan=standard&plan=no-such-plan");
        Assert.Equal(HttpStatusCode.BadRequest, twice);
        Assert.Contains("given 2 times", twiceProblem.GetProperty("errors").GetProperty("plan")[0].GetString(), StringComparison.Ordinal);

        var (badPeriod, periodProblem, _) = await Api.Get(_payer, "/api/v1/reports/prior-authorization?from=November&to=2026-12-01");
        Assert.Equal(HttpStatusCode.BadRequest, badPeriod);
        Assert.True(periodProblem.GetProperty("errors").TryGetProperty("from", out _));
        Assert.Equal(HttpStatusCode.Forbidden, (await Api.Get(_portal, "/api/v1/reports/prior-authorization?from=2026-11-01&to=2026-12-01")).Status);
    }

    /// <summary>
    /// Session 38 (F4): one level of internal appeal. Once the appeal is decided — upheld or overturned — a second
    /// appeal of the original is 409 saying where the appeal's result goes, and the workbench offers no appeal form.
    /// </summary>
    [Theory]
    [InlineData("example-erisa-group", "uphold", "upheld", "external review")]
    [InlineData("example-erisa-group", "overturn", "overturned", "nothing is left to appeal")]
    [InlineData("example-medicare-advantage", "uphold", "upheld", "Independent Review Entity")]
    public async Task Appeal_AfterTheAppealWasDecided_IsAConflict_AndTheWorkbenchOffersNoAppeal(string plan, string onAppeal, string result, string says)
    {
        var (_, submitted, _) = await Api.Post(_portal, "/api/v1/determinations", Request(plan));
        var id = submitted.Str("caseId");
        Assert.Equal(HttpStatusCode.OK, (await Api.Post(_physician, $"/api/v1/cases/{id}/decisions", Api.Decision((1, "uphold", "Criteria not met.")))).Status);
        var (filed, appeal, _) = await Api.Post(_payer, $"/api/v1/cases/{id}/appeals", """{"filedBy": "member", "reason": "First appeal."}""");
        Assert.Equal(HttpStatusCode.Created, filed);
        var appealId = appeal.Str("caseId");
        var (decided, final, _) = await Api.Post(_second, $"/api/v1/cases/{appealId}/decisions", Api.Decision((1, onAppeal, "Decided on appeal.")));
        Assert.Equal(HttpStatusCode.OK, decided);
        Assert.Equal(result, final.GetProperty("appeal").Str("result"));

        var (again, problem, response) = await Api.Post(_payer, $"/api/v1/cases/{id}/appeals", """{"filedBy": "member", "reason": "Again."}""");
        Assert.Equal(HttpStatusCode.Conflict, again);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains($"appeal {appealId} is decided ({result})", problem.Str("detail"), StringComparison.Ordinal);
        Assert.Contains(says, problem.Str("detail"), StringComparison.Ordinal);
        var (byPortal, _, _) = await Api.Post(_portal, $"/api/v1/cases/{id}/appeals", """{"filedBy": "provider", "reason": "Again."}""");
        Assert.Equal(HttpStatusCode.Conflict, byPortal);

        using var browser = _app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        await Workbench.WorkbenchFormSignIn.AsDevelopmentPhysicianAsync(browser);
        var page = await browser.GetStringAsync(new Uri($"/workbench/cases/{id}", UriKind.Relative));
        Assert.DoesNotContain("id=\"appeal-form\"", page, StringComparison.Ordinal);
        Assert.Contains("id=\"no-appeal\"", page, StringComparison.Ordinal);
    }
}
