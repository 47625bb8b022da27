using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Coverage.Fhir;
using Coverage.Server.Tests.Dtr;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Time.Testing;
using Task = System.Threading.Tasks.Task;

namespace Coverage.Server.Tests.Workbench;

/// <summary>
/// The case page's facts table shows a diagnosis added as information with where it came from (over plain HTTP): on
/// the test catalogue Fixtures/dtr-diagnoses, a DTR QuestionnaireResponse answers the diagnoses question with C79.51
/// from the record (auto) and the pain by hand (manual); the table has a row for the diagnosis with its origin and the
/// question it answered, beside the fact's row.
/// </summary>
public sealed class DiagnosisProvenancePageTests(SqliteStorage storage) : IClassFixture<SqliteStorage>
{
    [Fact]
    public async Task ADiagnosisAddedThroughTheQuestionnaire_HasItsRow_WithItsOriginAndQuestion()
    {
        using var app = new CoverageApp(storage, new FakeTimeProvider(CoverageApp.Start), builder =>
        {
            ApiTokens.Configure(builder);
            builder.UseSetting("Catalogue:Path", DiagnosisPrepopulationTests.Catalogue);
        });
        using var api = app.CreateClient().With(ApiTokens.Create(ApiTokens.AllScopes));
        var (_, created, _) = await Api.Post(api, "/api/v1/determinations", """
            {"requestId": "DP-1", "member": {"id": "M-DP-1", "birthDate": "1960-02-02"}, "dateOfService": "2026-06-15",
             "serviceLines": [{"sequence": 1, "code": "20982"}]}
            """);
        var caseId = created.Str("caseId");
        var response = new QuestionnaireResponse { Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed };
        response.Item.Add(Item("diagnoses", "The diagnoses (ICD-10-CM)", new Coding(FhirSystems.Icd10Cm, "C79.51"), "auto"));
        response.Item.Add(Item("painAfterRadiotherapy", "Pain assessment after radiotherapy", new FhirBoolean(true), "manual"));
        var (sent, _, _) = await Api.Post(api, $"/api/v1/cases/{caseId}/information",
            new JsonObject { ["questionnaireResponse"] = JsonNode.Parse(FhirJson.Serialize(response)) }.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, sent);

        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        await WorkbenchFormSignIn.AsDevelopmentPhysicianAsync(browser);
        var page = await browser.GetStringAsync(new Uri($"/workbench/cases/{caseId}", UriKind.Relative));

        var diagnosis = Row(page, "diagnoses.C79.51");
        Assert.Contains("<strong>C79.51</strong>", diagnosis, StringComparison.Ordinal);
        Assert.Contains("data-origin=\"auto\"", diagnosis, StringComparison.Ordinal);
        Assert.Contains("The diagnoses (ICD-10-CM)", diagnosis, StringComparison.Ordinal);
        Assert.Contains("data-origin=\"manual\"", Row(page, "painAfterRadiotherapy"), StringComparison.Ordinal);
    }

    private static string Row(string page, string field)
    {
        var match = Regex.Match(page, $"<tr data-fact=\"{Regex.Escape(field)}\">(.*?)</tr>", RegexOptions.Singleline);
        Assert.True(match.Success, $"no row for {field} in the facts table");
        return match.Groups[1].Value;
    }

    private static QuestionnaireResponse.ItemComponent Item(string linkId, string text, DataType value, string origin)
    {
        var answer = new QuestionnaireResponse.AnswerComponent { Value = value };
        answer.Extension.Add(new Extension { Url = ClinicalFactReader.InformationOrigin, Extension = [new Extension("source", new Code(origin))] });
        return new QuestionnaireResponse.ItemComponent { LinkId = linkId, Text = text, Answer = [answer] };
    }
}
