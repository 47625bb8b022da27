using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace Coverage.Server.Tests;

/// <summary>
/// The server on a catalogue of another shape than 0540 (the engine tests' Fixtures/other-shapes: an infusion
/// policy with criteria on sex, place of service and a count over a list): it starts, decides, and a case waiting
/// for the member's sex and the place of service is completed through the information endpoint — no code of its own.
/// </summary>
public sealed class OtherShapesServerTests : IClassFixture<SqliteStorage>, IDisposable
{
    private static readonly string OtherShapes = Path.Combine(CoverageApp.RepositoryRoot, "tests", "Coverage.Engine.Tests", "Fixtures", "other-shapes");

    private readonly CoverageApp _app;
    private readonly HttpClient _client;

    public OtherShapesServerTests(SqliteStorage storage)
    {
        _app = new CoverageApp(storage, new FakeTimeProvider(CoverageApp.Start), builder =>
        {
            ApiTokens.Configure(builder);
            builder.UseSetting("Catalogue:Path", OtherShapes);
        });
        _client = _app.CreateClient().With(ApiTokens.Create(ApiTokens.AllScopes));
    }

    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
    }

    private static string Crohns(string requestId) => $$"""
        {"requestId": "{{requestId}}", "member": {"id": "M-{{requestId}}", "birthDate": "1980-05-05"}, "dateOfService": "2026-06-15",
         "diagnoses": ["K50.90"], "clinical": {"priorImmunotherapies": ["methotrexate", "azathioprine"]},
         "serviceLines": [{"sequence": 1, "code": "96413"}]}
        """;

    [Fact]
    public async Task Case_WaitingForSexAndPlaceOfService_IsCoveredOnceTheyAreAdded()
    {
        var (status, created, _) = await Api.Post(_client, "/api/v1/determinations", Crohns("OS-1"));
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("pending-information", created.Str("status"));
        var needed = created.GetProperty("determination").GetProperty("lines")[0].GetProperty("factsNeeded").EnumerateArray().Select(f => f.Str("fact")).ToList();
        Assert.Equal(["placeOfService", "member.sex", "pregnancyTestNegative"], needed);

        var (added, body, _) = await Api.Post(_client, $"/api/v1/cases/{created.Str("caseId")}/information",
            """{"member": {"sex": "male"}, "placeOfService": "22"}""");

        Assert.Equal(HttpStatusCode.OK, added);
        Assert.Equal("covered", body.GetProperty("determination").GetProperty("lines")[0].Str("outcome"));
    }

    [Fact]
    public async Task Information_SexGivenTwiceIsRefused_ALinesPlaceOfServiceDecides()
    {
        var (_, created, _) = await Api.Post(_client, "/api/v1/determinations", Crohns("OS-2").Replace("\"birthDate\"", "\"sex\": \"female\", \"birthDate\"", StringComparison.Ordinal));
        var caseId = created.Str("caseId");
        Assert.Equal("pending-information", created.Str("status"));

        var (twice, error, _) = await Api.Post(_client, $"/api/v1/cases/{caseId}/information", """{"member": {"sex": "male"}}""");
        var (added, body, _) = await Api.Post(_client, $"/api/v1/cases/{caseId}/information", """{"serviceLines": [{"sequence": 1, "placeOfService": "21"}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, twice);
        Assert.Contains("member.sex", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("already given", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, added);
        // Inpatient (21) fails the outpatient criterion: not medically necessary, whatever the pregnancy test would say.
        Assert.Equal("not-medically-necessary", body.GetProperty("determination").GetProperty("lines")[0].Str("outcome"));
    }

    [Fact]
    public async Task MutatedRequestsWithSexPlaceAndLists_AreRefusedWith4xxNeverAServerError()
    {
        var seed = Crohns("OS-FUZZ").Replace("\"birthDate\"", "\"sex\": \"female\", \"birthDate\"", StringComparison.Ordinal)
            .Replace("\"dateOfService\"", "\"placeOfService\": \"22\", \"dateOfService\"", StringComparison.Ordinal)
            .Replace("\"code\": \"96413\"}", "\"code\": \"96413\", \"placeOfService\": \"11\"}", StringComparison.Ordinal);
        var failures = new List<string>();
        foreach (var body in HostileInputs.Mutations(seed, seed: 7, count: 200))
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var response = await _client.PostAsync(new Uri("/api/v1/determinations", UriKind.Relative), content);
            if ((int)response.StatusCode >= 500) failures.Add($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
    }
}
