using System.Net;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Coverage.Server.Tests.Workbench;

/// <summary>
/// The prior-authorization report page in a real browser: the period's figures (one approved and one denied request
/// of this class's own period), the chart drawn as SVG by the server, nothing fetched from anywhere but the server, and
/// the CSV download. Screenshot: docs/screenshots/report.png.
/// </summary>
public sealed class ReportBrowserTests(WorkbenchHost host) : IClassFixture<WorkbenchHost>
{
    [Fact]
    public async Task Report_ShowsThePeriodsMetricsAndChart_DownloadsTheCsv()
    {
        // Two standard requests received now (the host's clock, 2026-11-25): one approved, one denied by the physician.
        var decisions = new[] { "overturn", "uphold" };
        foreach (var action in decisions)
        {
            var (status, body, _) = await Api.Post(host.Api, "/api/v1/determinations", Api.WithRequestId(CoverageApp.Sample("cryoablation-prior-auth.json"), Api.NewId()));
            Assert.Equal(HttpStatusCode.Created, status);
            await using var session = await host.NewSession();
            var page = await session.NewPageAsync();
            await page.GotoAsync("/workbench");
            await page.GetByLabel("User name").FillAsync(WorkbenchHost.Physician);
            await page.GetByLabel("Password").FillAsync(WorkbenchHost.PhysicianPassword);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await page.GotoAsync($"/workbench/cases/{body.Str("caseId")}");
            await page.GetByLabel(action == "overturn" ? "Overturn: approve the service" : "Uphold: not medically necessary").CheckAsync();
            await page.GetByLabel("Rationale").FillAsync("Reviewed against policy 0540.");
            await page.GetByRole(AriaRole.Button, new() { Name = "Record decision on line 1" }).ClickAsync();
            await Expect(page.Locator("#case-status")).ToHaveTextAsync("Final");
        }

        await using var reader = await host.NewSession();
        var report = await reader.NewPageAsync();
        var elsewhere = new List<string>();
        report.Request += (_, request) => { if (!request.Url.StartsWith(host.BaseAddress.ToString().TrimEnd('/'), StringComparison.Ordinal)) elsewhere.Add(request.Url); };
        await report.GotoAsync("/workbench");
        await report.GetByLabel("User name").FillAsync(WorkbenchHost.Nurse);
        await report.GetByLabel("Password").FillAsync(WorkbenchHost.NursePassword);
        await report.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await report.GetByRole(AriaRole.Link, new() { Name = "Report" }).ClickAsync();
        await report.GotoAsync("/workbench/reports?from=2026-11-25&to=2026-11-26");

        var all = report.Locator("tr[data-stratum='all'][data-priority='standard']");
        await Expect(all).ToContainTextAsync("50 %");
        await Expect(report.Locator("#approval-chart rect.bar-standard").First).ToHaveAttributeAsync("width", "150");
        await Expect(report.Locator("#items")).ToContainTextAsync("0581T");
        Assert.Empty(elsewhere);
        await report.ScreenshotAsync(new() { Path = Path.Combine(WorkbenchHost.ScreenshotFolder, "report.png"), FullPage = true });

        var download = await report.RunAndWaitForDownloadAsync(() => report.Locator("#download-csv").ClickAsync());
        Assert.Equal("prior-authorization-2026-11-25-2026-11-26.csv", download.SuggestedFilename);
        var path = Path.Combine(Path.GetTempPath(), $"report-{Guid.NewGuid():N}.csv");
        await download.SaveAsAsync(path);
        try
        {
            var csv = await File.ReadAllLinesAsync(path);
            Assert.StartsWith("2026-11-25T00:00:00Z,2026-11-26T00:00:00Z,all,standard,", csv[1], StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
