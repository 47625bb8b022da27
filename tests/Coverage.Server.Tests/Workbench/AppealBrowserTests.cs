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
    private static async Task<IPage> SignIn(IBrowserContext session, string user, string password)
    {
        var page = await session.NewPageAsync();
        await page.GotoAsync("/workbench");
        await page.GetByLabel("User name").FillAsync(user);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Queue", Level = 1 })).ToBeVisibleAsync();
        return page;
    }

    [Fact]
    public async Task Appeal_RecordedInTheWorkbench_RefusedToTheDenyingPhysician_OverturnedByAnother()
    {
        var requestId = Api.NewId();
        var (status, submitted, _) = await Api.Post(host.Api, "/api/v1/determinations", Api.WithRequestId(CoverageApp.Sample("cryoablation-prior-auth.json"), requestId));
        Assert.Equal(HttpStatusCode.Created, status);
        var caseId = submitted.Str("caseId");

        await using var firstSession = await host.NewSession();
        var first = await SignIn(firstSession, WorkbenchHost.Physician, WorkbenchHost.PhysicianPassword);
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
        var second = await SignIn(secondSession, WorkbenchHost.SecondPhysician, WorkbenchHost.SecondPhysicianPassword);
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
}
