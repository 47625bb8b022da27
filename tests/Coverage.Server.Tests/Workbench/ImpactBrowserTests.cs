using System.Net;
using System.Text.Json.Nodes;
using Coverage.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Coverage.Server.Tests.Workbench;

/// <summary>
/// The analyst's impact page in a real browser: three cryoablation cases in the store (on-label on the standard plan,
/// off-label, on-label on the rider plan), the "cover on-label cryoablation" candidate chosen from the configured
/// folder, the run in the background until done, the tables and SVG charts (nothing fetched from elsewhere), the CSV
/// download, the run audited with the analyst, and the page closed to reviewers (and the queue to analysts).
/// Screenshot: docs/screenshots/impact.png.
/// </summary>
public sealed class ImpactBrowserTests(WorkbenchHost host) : IClassFixture<WorkbenchHost>
{
    [Fact]
    public async Task Analyst_RunsAnImpactReportOfACandidate_SeesAndDownloadsWhatChanges()
    {
        var sample = JsonNode.Parse(CoverageApp.Sample("cryoablation-rider-on-label.json"))!.AsObject();
        foreach (var (plan, tumorSize) in new[] { ("standard", 1.0), ("standard", 2.5), ("example-fda-cryo-rider", 1.0) })
        {
            var request = sample.DeepClone().AsObject();
            request["requestId"] = Api.NewId();
            request["member"]!["planId"] = plan;
            request["clinical"]!["tumorSizeCm"] = tumorSize;
            var (status, _, _) = await Api.Post(host.Api, "/api/v1/determinations", request.ToJsonString());
            Assert.Equal(HttpStatusCode.Created, status);
        }

        await using var session = await host.NewSession();
        var page = await session.NewPageAsync();
        var elsewhere = new List<string>();
        page.Request += (_, request) => { if (!request.Url.StartsWith(host.BaseAddress.ToString().TrimEnd('/'), StringComparison.Ordinal)) elsewhere.Add(request.Url); };
        await page.GotoAsync("/workbench");
        await page.GetByLabel("User name").FillAsync(WorkbenchHost.Analyst);
        await page.GetByLabel("Password").FillAsync(WorkbenchHost.AnalystPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/workbench/impact$"));

        await page.GetByLabel("Candidate catalogue").SelectOptionAsync("0540-covers-on-label-cryoablation");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run impact report" }).ClickAsync();
        await Expect(page.Locator("#run")).ToHaveAttributeAsync("data-status", "done", new() { Timeout = 60_000 });

        // Only the on-label line of the standard plan changes: off-label stays not medically necessary, the rider plan's was covered already.
        await Expect(page.Locator("#lines-changed")).ToHaveTextAsync("1");
        await Expect(page.Locator("#members-affected")).ToHaveTextAsync("1");
        await Expect(page.Locator("#by-transition")).ToContainTextAsync("not-medically-necessary → covered");
        await Expect(page.Locator("#by-plan")).ToContainTextAsync("standard");
        await Expect(page.Locator("#transition-chart rect")).ToHaveAttributeAsync("data-key", "not-medically-necessary → covered");
        await Expect(page.Locator("details.sample").First).ToContainTextAsync("0581T");
        Assert.Empty(elsewhere);
        await page.Locator("details.sample").First.Locator("summary").ClickAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(WorkbenchHost.ScreenshotFolder, "impact.png"), FullPage = true });

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#download-csv").ClickAsync());
        Assert.StartsWith("impact-0540-covers-on-label-cryoablation-", download.SuggestedFilename, StringComparison.Ordinal);
        var path = Path.Combine(Path.GetTempPath(), $"impact-{Guid.NewGuid():N}.csv");
        await download.SaveAsAsync(path);
        try
        {
            var csv = await File.ReadAllLinesAsync(path);
            Assert.Equal("dimension,key,lines,billed,lines_with_charge,members", csv[0]);
            Assert.Contains("transition,not-medically-necessary → covered,1,0,0,1", csv);
        }
        finally
        {
            File.Delete(path);
        }

        // The store read is audited with the analyst who ran it.
        using (var scope = host.Services.CreateScope())
        {
            var audit = await scope.ServiceProvider.GetRequiredService<CoverageDbContext>().AuditEvents.AsNoTracking()
                .Where(e => e.Subject == "reports/impact").ToListAsync();
            var run = Assert.Single(audit);
            Assert.Equal(WorkbenchHost.Analyst, run.Actor);
            Assert.Equal("analyst", run.ActorRole);
        }

        // An analyst works no case: the queue is closed to them.
        var queue = await page.GotoAsync("/workbench");
        Assert.Contains("/workbench/denied", page.Url, StringComparison.Ordinal);
        Assert.NotNull(queue);

        // And a nurse runs no impact report.
        await using var nurseSession = await host.NewSession();
        var nurse = await nurseSession.NewPageAsync();
        await nurse.GotoAsync("/workbench");
        await nurse.GetByLabel("User name").FillAsync(WorkbenchHost.Nurse);
        await nurse.GetByLabel("Password").FillAsync(WorkbenchHost.NursePassword);
        await nurse.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await nurse.GotoAsync("/workbench/impact");
        Assert.Contains("/workbench/denied", nurse.Url, StringComparison.Ordinal);
        var json = await nurseSession.APIRequest.GetAsync($"/workbench/impact/{Guid.NewGuid()}.json", new() { MaxRedirects = 0 });
        Assert.NotEqual(200, json.Status);
    }

    [Fact]
    public async Task ACandidateOutsideTheFolder_IsRefused()
    {
        await using var session = await host.NewSession();
        var page = await session.NewPageAsync();
        await page.GotoAsync("/workbench");
        await page.GetByLabel("User name").FillAsync(WorkbenchHost.Analyst);
        await page.GetByLabel("Password").FillAsync(WorkbenchHost.AnalystPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/workbench/impact$"));

        // A path instead of a listed name: the option is rewritten in the page, as a forged form would send it.
        await page.Locator("#candidate option").First.EvaluateAsync("o => o.value = '../../../policies'");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run impact report" }).ClickAsync();

        await Expect(page.Locator("#error-message")).ToContainTextAsync("Choose a candidate catalogue of");
    }
}
