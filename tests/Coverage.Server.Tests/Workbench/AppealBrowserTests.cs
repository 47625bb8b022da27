using System.Net;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Coverage.Server.Tests.Workbench;

/// <summary>
/// An appeal through the workbench in a real browser: a physician upholds a denial and records the member's appeal;
/// the appeal is a case of its own that the same physician may not decide; a second physician overturns it and the
/// appeal decision notice downloads as a PDF. Screenshots of the appeal are saved at 1280×800.
/// </summary>
public sealed class AppealBrowserTests(WorkbenchHost host) : IClassFixture<WorkbenchHost>
{
    [Fact]
    public async Task Appeal_RecordedInTheWorkbench_RefusedToTheDenyingPhysician_OverturnedByAnother()
    {
        var requestId = Api.NewId();
        var (status, submitted, _) = await Api.Post(host.Api, "/api/v1/determinations", Api.WithRequestId(CoverageApp.Sample("cryoablation-prior-auth.json"), requestId));
        Assert.Equal(HttpStatusCode.Created, status);
        var caseId = submitted.Str("caseId");

        await using var firstSession = await host.NewSession();
        var first = await WorkbenchSignIn.ToQueue(firstSession, WorkbenchHost.Physician, WorkbenchHost.PhysicianPassword);
        await first.GotoAsync($"/workbench/cases/{caseId}");
        await first.GetByLabel("Uphold: not medically necessary").CheckAsync();
        await first.GetByLabel("Rationale").FillAsync("Not medically necessary under policy 0540.");
        await first.GetByRole(AriaRole.Button, new() { Name = "Record decision on line 1" }).ClickAsync();
        await Expect(first.Locator("#case-status")).ToHaveTextAsync("Final");
        await Expect(first.Locator("#case-clock")).ToContainTextAsync("decided on time");

        // The member's appeal, recorded by the physician's office staff through the form.
        await first.Locator("#filedBy").SelectOptionAsync("member");
        await first.Locator("#appeal-reason").FillAsync("New imaging: a unifocal 1.2 cm tumour; the member asks for the criteria to be reconsidered.");
        await first.Locator("#file-appeal").ClickAsync();
        await Expect(first.Locator("#done-message")).ToContainTextAsync("Appeal filed by the member");
        await Expect(first.Locator("#appeal")).ToContainTextAsync($"case {caseId}");
        await Expect(first.Locator("#appeal-result")).ToContainTextAsync("not decided yet");
        var appealUrl = first.Url;
        await first.ScreenshotAsync(new() { Path = Path.Combine(WorkbenchHost.ScreenshotFolder, "appeal.png") });

        // The physician who made the denial may not decide the appeal.
        await first.GetByLabel("Overturn: approve the service").CheckAsync();
        await first.GetByLabel("Rationale").FillAsync("On reflection.");
        await first.GetByRole(AriaRole.Button, new() { Name = "Record decision on line 1" }).ClickAsync();
        await Expect(first.Locator("#error-message")).ToContainTextAsync("decided the determination this appeal contests");

        // The queue marks the appeal; a second physician overturns it.
        await using var secondSession = await host.NewSession();
        var second = await WorkbenchSignIn.ToQueue(secondSession, WorkbenchHost.SecondPhysician, WorkbenchHost.SecondPhysicianPassword);
        await Expect(second.Locator("#queue")).ToContainTextAsync("Appeal");
        await second.GotoAsync(appealUrl);
        await second.GetByLabel("Overturn: approve the service").CheckAsync();
        await second.GetByLabel("Rationale").FillAsync("The new imaging shows the tumour meets the size criterion.");
        await second.GetByRole(AriaRole.Button, new() { Name = "Record decision on line 1" }).ClickAsync();
        await Expect(second.Locator("#case-status")).ToHaveTextAsync("Final");
        await Expect(second.Locator("#appeal-result")).ToContainTextAsync("overturned");
        await second.ScreenshotAsync(new() { Path = Path.Combine(WorkbenchHost.ScreenshotFolder, "appeal-decided.png") });

        var download = await second.RunAndWaitForDownloadAsync(() => second.Locator("#appeal-notice-pdf").ClickAsync());
        var pdf = Path.Combine(Path.GetTempPath(), $"appeal-notice-{Guid.NewGuid():N}.pdf");
        await download.SaveAsAsync(pdf);
        try
        {
            Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString((await File.ReadAllBytesAsync(pdf))[..4]), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(pdf);
        }
    }

    [Fact]
    public async Task ClockAndAppealSteps_ExtensionRefusedKeepsTheText_PeerToPeer_ExternalReviewReversalCoversTheLine()
    {
        var requestId = Api.NewId();
        var (_, submitted, _) = await Api.Post(host.Api, "/api/v1/determinations", Api.WithRequestId(CoverageApp.Sample("cryoablation-prior-auth.json"), requestId));
        var caseId = submitted.Str("caseId");
        await using var firstSession = await host.NewSession();
        var first = await WorkbenchSignIn.ToQueue(firstSession, WorkbenchHost.Physician, WorkbenchHost.PhysicianPassword);
        await first.GotoAsync($"/workbench/cases/{caseId}");

        // The plan names no line of business: its rules allow no extension. The refusal says why; the reason typed stays.
        await first.Locator("#extend-days").FillAsync("10");
        await first.Locator("#extend-reason").FillAsync("Waiting for the pathology report.");
        await first.Locator("#extend-clock").ClickAsync();
        await Expect(first.Locator("#error-message")).ToContainTextAsync("allow no extension");
        await Expect(first.Locator("#extend-reason")).ToHaveValueAsync("Waiting for the pathology report.");

        await first.Locator("#p2p-with").FillAsync("Dr. Referring, breast surgery");
        await first.Locator("#p2p-held").FillAsync("2026-05-01T15:30");
        await first.Locator("#p2p-summary").FillAsync("Discussed tumour size and focality.");
        await first.Locator("#record-peer-to-peer").ClickAsync();
        await Expect(first.Locator("#peer-to-peer")).ToContainTextAsync("with Dr. Referring, breast surgery");

        await first.GetByLabel("Uphold: not medically necessary").CheckAsync();
        await first.GetByLabel("Rationale").FillAsync("Not medically necessary under policy 0540.");
        await first.GetByRole(AriaRole.Button, new() { Name = "Record decision on line 1" }).ClickAsync();
        await first.Locator("#appeal-reason").FillAsync("The member asks for reconsideration.");
        await first.Locator("#file-appeal").ClickAsync();
        var appealUrl = first.Url;

        await using var secondSession = await host.NewSession();
        var second = await WorkbenchSignIn.ToQueue(secondSession, WorkbenchHost.SecondPhysician, WorkbenchHost.SecondPhysicianPassword);
        await second.GotoAsync(appealUrl);
        await second.GetByLabel("Uphold: not medically necessary").CheckAsync();
        await second.GetByLabel("Rationale").FillAsync("The criteria are still not met.");
        await second.GetByRole(AriaRole.Button, new() { Name = "Record decision on line 1" }).ClickAsync();
        await Expect(second.Locator("#appeal-result")).ToContainTextAsync("upheld");

        await second.Locator("#review-organisation").FillAsync("IRO One");
        await second.Locator("#record-external-review").ClickAsync();
        await Expect(second.Locator("#external-review")).ToContainTextAsync("of IRO One");
        // A partial reversal names its lines: refused without them, the note kept.
        await second.Locator("#review-result").SelectOptionAsync(AppealResults.PartiallyOverturned);
        await second.Locator("#review-note").FillAsync("The service is medically necessary.");
        await second.Locator("#record-external-review").ClickAsync();
        await Expect(second.Locator("#error-message")).ToContainTextAsync("lines: required with a partial reversal");
        await Expect(second.Locator("#review-note")).ToHaveValueAsync("The service is medically necessary.");
        await second.Locator("#review-result").SelectOptionAsync(AppealResults.Overturned);
        await second.Locator("#record-external-review").ClickAsync();

        await Expect(second.Locator("#done-message")).ToContainTextAsync("overturned");
        await Expect(second.Locator("#external-review")).ToContainTextAsync("line 1 covered by the reversal");
        await Expect(second.Locator("#final-outcome")).ToContainTextAsync("Covered");
        await Expect(second.Locator("#audit")).ToContainTextAsync("external-review-effectuated");
    }

    [Fact]
    public async Task AnAppealOfAPlanExclusion_IsDecidedAfresh_UpholdOrOverturn()
    {
        // A plan exclusion is final at once, with no physician's decision; on appeal a physician decides the line afresh.
        var json = System.Text.Json.Nodes.JsonNode.Parse(Api.WithRequestId(CoverageApp.Sample("cryoablation-prior-auth.json"), Api.NewId()))!;
        json["member"]!["planId"] = "example-ablation-exclusion";
        var request = json.ToJsonString();
        var (_, submitted, _) = await Api.Post(host.Api, "/api/v1/determinations", request);
        Assert.Equal("final", submitted.Str("status"));
        var caseId = submitted.Str("caseId");

        await using var session = await host.NewSession();
        var page = await WorkbenchSignIn.ToQueue(session, WorkbenchHost.Physician, WorkbenchHost.PhysicianPassword);
        await page.GotoAsync($"/workbench/cases/{caseId}");
        await page.Locator("#filedBy").SelectOptionAsync("provider");
        await page.Locator("#appeal-reason").FillAsync("The member's plan amendment covers the service.");
        await page.Locator("#file-appeal").ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Appeal ");
        await Expect(page.GetByLabel("Overturn: approve the service")).ToBeVisibleAsync();
        await Expect(page.Locator("#line-1-held")).ToHaveCountAsync(0);
    }
}
