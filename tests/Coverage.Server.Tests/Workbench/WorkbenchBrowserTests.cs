using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using PdfSharp.Pdf.IO;
using static Microsoft.Playwright.Assertions;

namespace Coverage.Server.Tests.Workbench;

/// <summary>
/// The workbench in a real browser, used as nurses and physicians would: requests arrive through the
/// API, reviewers sign in, read, decide and download the notice; the API then shows the final case and
/// its audit. Screenshots of the queue, the case and the notice are saved at 1280×800.
/// </summary>
public sealed class WorkbenchBrowserTests(WorkbenchHost host) : IClassFixture<WorkbenchHost>
{
    private const string Rationale =
        "Cryoablation is not medically necessary under policy 0540 for any patient. The member is within the ProSense label, " +
        "but FDA authorization does not establish medical necessity, and her plan has no rider that covers it.";

    private async Task<(string CaseId, string RequestId)> SubmitThroughApi(string sample, Action<System.Text.Json.Nodes.JsonObject>? change = null)
    {
        var requestId = Api.NewId();
        var node = System.Text.Json.Nodes.JsonNode.Parse(Api.WithRequestId(CoverageApp.Sample(sample), requestId))!.AsObject();
        change?.Invoke(node);
        var (status, body, _) = await Api.Post(host.Api, "/api/v1/determinations", node.ToJsonString());
        Assert.Equal(HttpStatusCode.Created, status);
        return (body.Str("caseId"), requestId);
    }

    private static async Task<IPage> SignIn(IBrowserContext session, string user, string password)
    {
        var page = await session.NewPageAsync();
        await page.GotoAsync("/workbench");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/workbench/sign-in"));
        await page.GetByLabel("User name").FillAsync(user);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Queue", Level = 1 })).ToBeVisibleAsync();
        return page;
    }

    private static async Task Screenshot(IPage page, string name) =>
        await page.ScreenshotAsync(new() { Path = Path.Combine(WorkbenchHost.ScreenshotFolder, name) });

    [Fact]
    public async Task WholeFlow_NurseSeesQueue_PhysicianUpholdsAndDownloadsNotice_CaseIsFinalAndAudited()
    {
        var (caseId, requestId) = await SubmitThroughApi("cryoablation-prior-auth.json");
        await SubmitThroughApi("unlisted-microwave-claim.json"); // a second case, so the queue shows more than one
        await SubmitThroughApi("cryoablation-prior-auth.json", r => r["priority"] = "expedited");

        // A nurse signs in and finds the case in the queue.
        await using var nurseSession = await host.NewSession();
        var nurse = await SignIn(nurseSession, WorkbenchHost.Nurse, WorkbenchHost.NursePassword);
        var row = nurse.Locator($"tr[data-case-id='{caseId}']");
        await Expect(row).ToBeVisibleAsync();
        await Expect(row).ToContainTextAsync("Waiting for physician review");
        await Expect(row).ToContainTextAsync("left");
        await Screenshot(nurse, "queue.png");

        // She opens it: she can read everything, but there is no decision for her to make.
        await row.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(nurse.Locator("#line-1-fda")).ToBeVisibleAsync();
        await Expect(nurse.Locator("#line-1-physician-only")).ToBeVisibleAsync();
        await Expect(nurse.Locator("form.decision")).ToHaveCountAsync(0);

        // A physician signs in with the keyboard alone and opens the case from the queue.
        await using var physicianSession = await host.NewSession();
        var doctor = await physicianSession.NewPageAsync();
        await doctor.GotoAsync("/workbench");
        await Expect(doctor.GetByLabel("User name")).ToBeFocusedAsync();
        await doctor.Keyboard.TypeAsync(WorkbenchHost.Physician);
        await doctor.Keyboard.PressAsync("Tab");
        await Expect(doctor.GetByLabel("Password")).ToBeFocusedAsync();
        await doctor.Keyboard.TypeAsync(WorkbenchHost.PhysicianPassword);
        await doctor.Keyboard.PressAsync("Enter");
        await Expect(doctor.GetByRole(AriaRole.Heading, new() { Name = "Queue", Level = 1 })).ToBeVisibleAsync();
        await doctor.GetByRole(AriaRole.Link, new() { Name = requestId, Exact = true }).ClickAsync();
        await Expect(doctor.GetByRole(AriaRole.Heading, new() { Name = $"Case {requestId}" })).ToBeVisibleAsync();

        // The FDA checklist and the policy citation are there.
        var checklist = doctor.Locator("#line-1-fda");
        await Expect(checklist).ToContainTextAsync("Patient is 70 years of age or older on the date of service");
        await Expect(checklist.Locator("tbody tr")).ToHaveCountAsync(17);
        await Expect(checklist).ToContainTextAsync("Met");
        await Expect(doctor.Locator("#line-1-policy")).ToContainTextAsync("0540 · Ablative Treatments for Malignant Breast Tumors · version 2026-03-15");
        await Expect(doctor.Locator("blockquote.citation").First).ToContainTextAsync(
            "The following ablative treatments for malignant breast tumors are considered not medically necessary");
        await Screenshot(doctor, "case.png");
        await checklist.ScrollIntoViewIfNeededAsync();
        await Screenshot(doctor, "case-fda-checklist.png");

        // The physician upholds the denial with a rationale.
        await doctor.GetByLabel("Uphold: not medically necessary").CheckAsync();
        await doctor.GetByLabel("Rationale").FillAsync(Rationale);
        await doctor.GetByRole(AriaRole.Button, new() { Name = "Record decision on line 1" }).ClickAsync();
        await Expect(doctor.Locator("#done-message")).ToContainTextAsync("the case is final");
        await Expect(doctor.Locator("#case-status")).ToHaveTextAsync("Final");
        await Expect(doctor.Locator("#line-1-decision")).ToContainTextAsync("Denial upheld");

        // The notice: a printable page, then the PDF.
        await doctor.Locator("#line-1-notice").ClickAsync();
        await Expect(doctor.GetByRole(AriaRole.Heading, new() { Name = "Notice of adverse benefit determination" })).ToBeVisibleAsync();
        var notice = doctor.Locator("article.notice");
        await Expect(notice).ToContainTextAsync("Ablative Treatments for Malignant Breast Tumors");
        await Expect(notice).ToContainTextAsync("2026-03-15");
        await Expect(notice).ToContainTextAsync("free copy of this policy");
        await Expect(notice).ToContainTextAsync(Rationale);
        await Expect(notice).ToContainTextAsync("within 180 days");
        await Expect(notice).ToContainTextAsync("expedited appeal");
        await Expect(notice).ToContainTextAsync("external review");
        await Expect(notice).ToContainTextAsync("Ablation, malignant breast tumor(s), percutaneous, cryotherapy");
        await Expect(notice).ToContainTextAsync("These are non-covered services because this is not deemed a 'medical necessity' by the payer.");
        await Screenshot(doctor, "notice.png");

        var download = await doctor.RunAndWaitForDownloadAsync(() => doctor.GetByRole(AriaRole.Link, new() { Name = "Download PDF" }).ClickAsync());
        Assert.Equal($"notice-{requestId}-line-1.pdf", download.SuggestedFilename);
        var pdfPath = Path.Combine(WorkbenchHost.ScreenshotFolder, "notice.pdf");
        await download.SaveAsAsync(pdfPath);
        try
        {
            var bytes = await File.ReadAllBytesAsync(pdfPath);
            Assert.Equal("%PDF-"u8.ToArray(), bytes[..5]);
            using var pdf = PdfReader.Open(pdfPath, PdfDocumentOpenMode.Import);
            Assert.True(pdf.PageCount >= 2, $"{pdf.PageCount} pages");
            Assert.Equal("Notice of adverse benefit determination", pdf.Info.Title);
        }
        finally
        {
            if (Environment.GetEnvironmentVariable("COVERAGE_SCREENSHOTS") != "1") File.Delete(pdfPath);
        }

        // Through the API: the case is final, and its audit shows each step with who took it.
        var (_, view, _) = await Api.Get(host.Api, $"/api/v1/cases/{caseId}");
        Assert.Equal("final", view.Str("status"));
        Assert.Equal("not-covered", view.Str("finalOutcome"));
        var (_, audit, _) = await Api.Get(host.Api, $"/api/v1/cases/{caseId}/audit");
        var events = audit.GetProperty("events").EnumerateArray()
            .Select(e => (Action: e.Str("action"), Actor: e.Str("actor"), Role: e.GetProperty("actorRole").ValueKind == JsonValueKind.String ? e.Str("actorRole") : null))
            .ToList();
        Assert.Equal("case-created", events[0].Action);
        Assert.Contains(("case-listed", WorkbenchHost.Nurse, "nurse"), events);
        Assert.Contains(("case-read", WorkbenchHost.Nurse, "nurse"), events);
        Assert.Contains(("case-read", WorkbenchHost.Physician, "physician"), events);
        var decided = events.FindIndex(e => e == ("line-decided", WorkbenchHost.Physician, "physician"));
        var finalized = events.FindIndex(e => e == ("case-finalized", WorkbenchHost.Physician, "physician"));
        var noticePage = events.FindIndex(e => e == ("notice-produced", WorkbenchHost.Physician, "physician"));
        var noticePdf = events.FindLastIndex(e => e == ("notice-produced", WorkbenchHost.Physician, "physician"));
        Assert.True(0 < decided && decided < finalized && finalized < noticePage && noticePage < noticePdf, string.Join(", ", events));
    }

    [Fact]
    public async Task NurseAttemptToDecide_IsRefusedAndTheCaseStaysPending()
    {
        var (caseId, _) = await SubmitThroughApi("cryoablation-prior-auth.json");
        await using var session = await host.NewSession();
        var nurse = await SignIn(session, WorkbenchHost.Nurse, WorkbenchHost.NursePassword);
        await nurse.GotoAsync($"/workbench/cases/{caseId}");

        // No form is offered; a decision posted from her session anyway (with a valid antiforgery token) is refused.
        var token = await nurse.Locator("input[name=__RequestVerificationToken]").First.InputValueAsync();
        var response = await nurse.EvaluateAsync<JsonElement>(
            """
            async (token) => {
              const r = await fetch(location.pathname + '?handler=Decide', { method: 'POST',
                body: new URLSearchParams({ sequence: '1', action: 'uphold', rationale: 'A nurse tries to decide.', __RequestVerificationToken: token }) });
              return { status: r.status, url: r.url };
            }
            """, token);

        Assert.Equal(403, response.GetProperty("status").GetInt32());
        Assert.Contains("/workbench/denied", response.GetProperty("url").GetString(), StringComparison.Ordinal);
        var (_, view, _) = await Api.Get(host.Api, $"/api/v1/cases/{caseId}");
        Assert.Equal("pending-physician-review", view.Str("status"));
        Assert.Equal(0, view.GetProperty("decisions").GetArrayLength());
    }

    [Fact]
    public async Task WrongPassword_IsRefusedAndNothingOpens()
    {
        await using var session = await host.NewSession();
        var page = await session.NewPageAsync();
        await page.GotoAsync("/workbench/sign-in");
        await page.GetByLabel("User name").FillAsync(WorkbenchHost.Physician);
        await page.GetByLabel("Password").FillAsync("not-the-password");
        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync(), r => r.Request.Method == "POST");

        Assert.Equal(401, response.Status);
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("The user name or password is not right");
        Assert.DoesNotContain(await session.CookiesAsync(), c => c.Name == "coverage-workbench");
        await page.GotoAsync("/workbench");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/workbench/sign-in"));
    }

    [Fact]
    public async Task NurseSetsCaseToWaitForInformation_QueueShowsWhatIsNeeded()
    {
        var (caseId, _) = await SubmitThroughApi("cryoablation-prior-auth.json");
        await using var session = await host.NewSession();
        var nurse = await SignIn(session, WorkbenchHost.Nurse, WorkbenchHost.NursePassword);
        await nurse.GotoAsync($"/workbench/cases/{caseId}");

        await nurse.GetByLabel("What information is needed").FillAsync("The core biopsy pathology report with ER/PR and HER2 results.");
        await nurse.GetByRole(AriaRole.Button, new() { Name = "Set to wait for information" }).ClickAsync();

        await Expect(nurse.Locator("#case-status")).ToHaveTextAsync("Waiting for information");
        await nurse.GotoAsync("/workbench?status=pending-information");
        var row = nurse.Locator($"tr[data-case-id='{caseId}']");
        await Expect(row).ToContainTextAsync("Needs: The core biopsy pathology report");
        var (_, audit, _) = await Api.Get(host.Api, $"/api/v1/cases/{caseId}/audit");
        Assert.Contains(audit.GetProperty("events").EnumerateArray(),
            e => e.Str("action") == "information-requested" && e.Str("actor") == WorkbenchHost.Nurse && e.Str("actorRole") == "nurse");
    }

    [Fact]
    public async Task Queue_FiltersByModality_AndFlagsOverdueCases()
    {
        var (cryo, _) = await SubmitThroughApi("cryoablation-prior-auth.json", r => r["priority"] = "expedited");
        var (microwave, _) = await SubmitThroughApi("unlisted-microwave-claim.json");
        host.Clock.Advance(TimeSpan.FromHours(73)); // the expedited case is now overdue; the standard one is not
        await using var session = await host.NewSession();
        var page = await SignIn(session, WorkbenchHost.Physician, WorkbenchHost.PhysicianPassword);

        var overdue = page.Locator($"tr[data-case-id='{cryo}']");
        await Expect(overdue).ToHaveClassAsync("overdue");
        await Expect(overdue).ToContainTextAsync("Overdue by 1 h");
        await Expect(page.Locator($"tr[data-case-id='{microwave}']")).ToContainTextAsync("left");
        await Expect(page.Locator("#queue tbody tr").First).ToHaveClassAsync("overdue"); // soonest due first: overdue cases lead

        await page.GetByLabel("Modality").SelectOptionAsync("microwave-ablation");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();

        await Expect(page.Locator($"tr[data-case-id='{microwave}']")).ToBeVisibleAsync();
        await Expect(page.Locator($"tr[data-case-id='{cryo}']")).ToHaveCountAsync(0);
        Assert.Contains("modality=microwave-ablation", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Session_ExpiresAfterThirtyIdleMinutes()
    {
        await using var session = await host.NewSession();
        var page = await SignIn(session, WorkbenchHost.Nurse, WorkbenchHost.NursePassword);

        host.Clock.Advance(TimeSpan.FromMinutes(31));
        await page.GotoAsync("/workbench");

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/workbench/sign-in"));
    }
}
