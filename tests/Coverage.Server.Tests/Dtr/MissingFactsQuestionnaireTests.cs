using System.Net;
using Coverage.Fhir;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Time.Testing;
using Task = System.Threading.Tasks.Task;

namespace Coverage.Server.Tests.Dtr;

/// <summary>
/// <c>QuestionnaireSubject.ForMissingFacts</c> for a line a physician reviews (docs/dtr.md, "A reviewer asks for more"):
/// on the test catalogue Fixtures/dtr-diagnoses, a line whose statement has one criterion not met (the pain, stated
/// false) and one unknown (the diagnosis, not stated) is a not-medically-necessary recommendation; a reviewer's request
/// names that statement's questionnaire, and of its questions the one the case cannot answer is exactly the unknown
/// criterion's. A line whose criteria were all assessed gets no questionnaire.
/// </summary>
public sealed class MissingFactsQuestionnaireTests : IClassFixture<SqliteStorage>, IDisposable
{
    private readonly CoverageApp _app;
    private readonly HttpClient _provider;
    private readonly HttpClient _nurse;

    public MissingFactsQuestionnaireTests(SqliteStorage storage)
    {
        _app = new CoverageApp(storage, new FakeTimeProvider(CoverageApp.Start), builder =>
        {
            ApiTokens.Configure(builder);
            builder.UseSetting("Catalogue:Path", DiagnosisPrepopulationTests.Catalogue);
        });
        _provider = _app.CreateClient().With(ApiTokens.Create(ApiTokens.AllScopes + " system/Questionnaire.r"));
        _nurse = _app.CreateClient().With(ApiTokens.Person(ApiTokens.Nurse));
    }

    public void Dispose()
    {
        _provider.Dispose();
        _nurse.Dispose();
        _app.Dispose();
    }

    private async Task<System.Text.Json.JsonElement> Submit(string requestId, string diagnoses)
    {
        var (status, created, _) = await Api.Post(_provider, "/api/v1/determinations", $$"""
            {"requestId": "{{requestId}}", "member": {"id": "M-{{requestId}}", "birthDate": "1960-02-02"}, "dateOfService": "2026-06-15",
             "diagnoses": [{{diagnoses}}], "clinical": {"painAfterRadiotherapy": false}, "serviceLines": [{"sequence": 1, "code": "20982"}]}
            """);
        Assert.Equal(HttpStatusCode.Created, status);
        return created;
    }

    [Fact]
    public async Task AReviewedLine_WithOneCriterionNotMetAndOneUnknown_IsAskedTheStatementsQuestionnaire_WhoseOnlyOpenQuestionIsTheUnknownOne()
    {
        var created = await Submit("MF-1", diagnoses: "");
        var line = created.GetProperty("determination").GetProperty("lines")[0];
        Assert.Equal("not-medically-necessary", line.Str("outcome"));
        var results = line.GetProperty("criteria").EnumerateArray().ToDictionary(c => c.Str("id"), c => c.Str("result"));
        Assert.Equal("not-met", results["pain-after-radiotherapy"]);
        Assert.Equal("unknown", results["limb-or-metastatic-bone-malignancy"]);

        var (status, asked, _) = await Api.Post(_nurse, $"/api/v1/cases/{created.Str("caseId")}/information-requests", """{"needed":"Which diagnosis is the lesion?"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var named = Assert.Single(asked.GetProperty("informationRequestQuestionnaires").EnumerateArray());
        Assert.Equal(1, named.GetProperty("sequence").GetInt32());
        var canonical = named.Str("canonical");
        Assert.Contains("/fhir/Questionnaire/test-dx-2025-01-01-bone-malignancy|sha256:", canonical, StringComparison.Ordinal);
        // The questionnaire a canonical names is the statement's (both criteria's facts); what the case does not state is the unknown criterion's.
        using var response = await _provider.GetAsync(new Uri(new Uri(canonical.Split('|')[0]).PathAndQuery, UriKind.Relative));
        var questionnaire = FhirJson.Parse<Questionnaire>(await response.Content.ReadAsStringAsync(), out _)!;
        Assert.Equal(["diagnoses", "painAfterRadiotherapy"], questionnaire.Item.Select(i => i.LinkId));
        var stated = new[] { "painAfterRadiotherapy" };
        Assert.Equal(["diagnoses"], questionnaire.Item.Select(i => i.LinkId!).Except(stated));
    }

    [Fact]
    public async Task AReviewedLine_WhoseCriteriaWereAllAssessed_IsAskedNoQuestionnaire()
    {
        var created = await Submit("MF-2", diagnoses: "\"C79.51\"");
        Assert.Equal("not-medically-necessary", created.GetProperty("determination").GetProperty("lines")[0].Str("outcome"));

        var (status, asked, _) = await Api.Post(_nurse, $"/api/v1/cases/{created.Str("caseId")}/information-requests", """{"needed":"Anything else?"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(asked.GetProperty("informationRequestQuestionnaires").EnumerateArray());
    }
}
