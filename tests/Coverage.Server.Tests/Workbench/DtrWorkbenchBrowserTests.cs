using System.Net;
using System.Text.Json.Nodes;
using Coverage.Engine.Catalogue;
using Coverage.Fhir;
using Hl7.Fhir.Model;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using Task = System.Threading.Tasks.Task;

namespace Coverage.Server.Tests.Workbench;

/// <summary>
/// DTR in the workbench, in Chromium (issue 17): a nurse asks the provider for what a pended request lacks — the form
/// names the questionnaire the line's missing facts generate, and the request is kept and audited with her identity —
/// then, once the provider's QuestionnaireResponse has come in, the case page shows each clinical fact with the
/// question it answered, its DTR information-origin, who supplied it and when. Screenshots:
/// docs/screenshots/dtr-reviewer-request.png, docs/screenshots/case-fact-origins.png.
/// </summary>
public sealed class DtrWorkbenchBrowserTests(WorkbenchHost host) : IClassFixture<WorkbenchHost>
{
    private static readonly PolicyCatalogue Catalogue = CatalogueLoader.Load(CoverageApp.RepositoryRoot);

    [Fact]
    public async Task ANurseAsksThroughTheQuestionnaire_AndTheAnswersShowWithTheirOrigin()
    {
        // The rider plan's cryoablation with two label facts missing: it waits for information.
        var request = JsonNode.Parse(Api.WithRequestId(CoverageApp.Sample("cryoablation-rider-on-label.json"), Api.NewId()))!.AsObject();
        var clinical = request["clinical"]!.AsObject();
        clinical.Remove("tumorSizeCm");
        clinical.Remove("histology");
        var (created, body, _) = await Api.Post(host.Api, "/api/v1/determinations", request.ToJsonString());
        Assert.Equal(HttpStatusCode.Created, created);
        var caseId = body.Str("caseId");

        await using var session = await host.NewSession();
        var page = await WorkbenchSignIn.ToQueue(session, WorkbenchHost.Nurse, WorkbenchHost.NursePassword);
        await page.GotoAsync($"/workbench/cases/{caseId}");
        await Expect(page.Locator("#case-status")).ToHaveTextAsync("Waiting for information");
        var toComplete = page.Locator("#questionnaires-to-complete li");
        await Expect(toComplete).ToHaveCountAsync(1);
        await Expect(toComplete).ToContainTextAsync("/fhir/Questionnaire/");
        await Expect(toComplete).ToContainTextAsync(Catalogue.Digest);

        await page.GetByLabel("What information is needed").FillAsync("The tumor size from imaging and the histology from the core biopsy.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Ask the provider" }).ClickAsync();

        await Expect(page.Locator("#information-request")).ToContainTextAsync("The tumor size from imaging");
        await Expect(page.Locator("#questionnaires-requested li")).ToContainTextAsync(Catalogue.Digest);
        await page.ScreenshotAsync(new() { Path = Path.Combine(WorkbenchHost.ScreenshotFolder, "dtr-reviewer-request.png"), FullPage = true });
        var (_, asked, _) = await Api.Get(host.Api, $"/api/v1/cases/{caseId}");
        var canonical = asked.GetProperty("informationRequestQuestionnaires")[0].Str("canonical");
        var (_, audit, _) = await Api.Get(host.Api, $"/api/v1/cases/{caseId}/audit");
        Assert.Contains(audit.GetProperty("events").EnumerateArray(),
            e => e.Str("action") == "information-requested" && e.Str("actor") == WorkbenchHost.Nurse && e.Str("actorRole") == "nurse" && e.Str("detail").Contains(canonical, StringComparison.Ordinal));

        // The provider's DTR client answers: the size from the record (auto), the histology typed (manual).
        var response = new QuestionnaireResponse { Questionnaire = canonical, Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed };
        response.Item.Add(Item("tumorSizeCm", new Quantity(1.2m, "cm", FhirSystems.Ucum) { Unit = "cm" }, "auto"));
        response.Item.Add(Item("histology", new Coding(FhirSystems.ClinicalFactValue, "idc"), "manual"));
        var information = new JsonObject { ["questionnaireResponse"] = JsonNode.Parse(FhirJson.Serialize(response)) };
        var (sent, _, _) = await Api.Post(host.Api, $"/api/v1/cases/{caseId}/information", information.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, sent);

        await page.GotoAsync($"/workbench/cases/{caseId}");
        await Expect(page.Locator("#case-status")).ToHaveTextAsync("Final");
        var table = page.Locator("#clinical-facts");
        await Expect(table.Locator("thead th")).ToHaveTextAsync(["Fact", "Value", "Question it answered", "Origin", "Supplied by", "When (UTC)"]);
        var size = table.Locator("tr[data-fact='tumorSizeCm']");
        await Expect(size.Locator("td[data-origin]")).ToHaveAttributeAsync("data-origin", "auto");
        await Expect(size).ToContainTextAsync(Catalogue.Facts.Find("tumorSizeCm")!.Documentation!);
        await Expect(size).ToContainTextAsync(canonical);
        await Expect(size).ToContainTextAsync("1.2 cm");
        await Expect(size).ToContainTextAsync(ApiTokens.PayerClient);
        await Expect(table.Locator("tr[data-fact='histology'] td[data-origin]")).ToHaveAttributeAsync("data-origin", "manual");
        // A fact sent with the request says so: no questionnaire, no origin stated.
        var focality = table.Locator("tr[data-fact='focality']");
        await Expect(focality).ToContainTextAsync("sent with the request");
        await Expect(focality.Locator("td[data-origin]")).ToHaveAttributeAsync("data-origin", "unstated");
        await table.ScreenshotAsync(new() { Path = Path.Combine(WorkbenchHost.ScreenshotFolder, "case-fact-origins.png") });
    }

    [Fact]
    public async Task TheFactsTable_EscapesWhatTheSenderWrote()
    {
        var request = JsonNode.Parse(Api.WithRequestId(CoverageApp.Sample("cryoablation-rider-on-label.json"), Api.NewId()))!.AsObject();
        request["clinical"]!.AsObject().Remove("histology");
        var (_, body, _) = await Api.Post(host.Api, "/api/v1/determinations", request.ToJsonString());
        var caseId = body.Str("caseId");
        var response = new QuestionnaireResponse { Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed };
        var item = Item("histology", new Coding(FhirSystems.ClinicalFactValue, "idc"), "override");
        item.Text = "<script>document.title='owned'</script><b>bold</b>";
        response.Item.Add(item);
        var (sent, _, _) = await Api.Post(host.Api, $"/api/v1/cases/{caseId}/information",
            new JsonObject { ["questionnaireResponse"] = JsonNode.Parse(FhirJson.Serialize(response)) }.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, sent);

        await using var session = await host.NewSession();
        var page = await WorkbenchSignIn.ToQueue(session, WorkbenchHost.Nurse, WorkbenchHost.NursePassword);
        await page.GotoAsync($"/workbench/cases/{caseId}");

        var row = page.Locator("#clinical-facts tr[data-fact='histology']");
        await Expect(row).ToContainTextAsync("<script>document.title='owned'</script><b>bold</b>");
        await Expect(row.Locator("b")).ToHaveCountAsync(0);
        await Expect(row.Locator("td[data-origin]")).ToHaveAttributeAsync("data-origin", "override");
        Assert.NotEqual("owned", await page.TitleAsync());
    }

    private static QuestionnaireResponse.ItemComponent Item(string linkId, DataType value, string origin)
    {
        var answer = new QuestionnaireResponse.AnswerComponent { Value = value };
        answer.Extension.Add(new Extension { Url = ClinicalFactReader.InformationOrigin, Extension = [new Extension("source", new Code(origin))] });
        return new QuestionnaireResponse.ItemComponent { LinkId = linkId, Text = Catalogue.Facts.Find(linkId)?.Documentation, Answer = [answer] };
    }

}
