using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Coverage.Server.Tests.Workbench;

/// <summary>
/// Cases keep the rules they were decided with: a HIFU case decided on a server with the criteria policies
/// (catalogues/with-related-resources) is shown, with its criteria checklist, and its notice written, by a server
/// started later on a catalogue without that policy, its facts or its plan's files — from the snapshot the first
/// server kept by digest in the case store.
/// </summary>
public sealed class CatalogueSnapshotPageTests(PostgresStorage storage) : IClassFixture<PostgresStorage>
{
    private static readonly string Extension = Path.Combine(CoverageApp.RepositoryRoot, "catalogues", "with-related-resources");

    private const string LesionTooClose = """
        {"requestId": "SNAP-H05", "member": {"id": "M-SNAP", "birthDate": "1960-03-01"}, "dateOfService": "2026-03-20",
         "diagnoses": ["C79.51"], "serviceLines": [{"sequence": 1, "code": "C9734", "units": 1}],
         "clinical": {"lesionDistanceFromSkinAndNervesCm": 0.9, "mirelsScore": 6, "requiresSurgicalStabilization": false,
                      "clinicallySignificantComorbidities": false, "painRefractoryToRadiation": true}}
        """;

    private CoverageApp App(string catalogue) => new(storage, new FakeTimeProvider(CoverageApp.Start), builder =>
    {
        ApiTokens.Configure(builder);
        builder.UseSetting("Catalogue:Path", catalogue);
    });

    [Fact]
    public async Task OldCase_AfterTheCatalogueChanged_IsShownAndNoticedWithItsOwnRules()
    {
        string caseId;
        await using (var before = App(Extension))
        {
            using var api = before.CreateClient().With(ApiTokens.Person(ApiTokens.Physician));
            var (status, body, _) = await Api.Post(api, "/api/v1/determinations", LesionTooClose);
            Assert.Equal(HttpStatusCode.Created, status);
            caseId = body.Str("caseId");
            var decided = await Api.Post(api, $"/api/v1/cases/{caseId}/decisions", Api.Decision((1, "uphold", "The lesion is too close to the skin.")));
            Assert.Equal(HttpStatusCode.OK, decided.Status);
        }

        await using var after = App(CoverageApp.RepositoryRoot); // 0540 only: no CG-MED-81, none of its facts
        using var browser = after.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        await WorkbenchFormSignIn.AsDevelopmentPhysicianAsync(browser);

        var page = await browser.GetStringAsync(new Uri($"/workbench/cases/{caseId}", UriKind.Relative));
        Assert.Contains("Policy criteria checklist", page, StringComparison.Ordinal);
        Assert.Contains("CG-MED-81", page, StringComparison.Ordinal);
        Assert.Contains("0.9 cm", page, StringComparison.Ordinal);
        Assert.DoesNotContain("catalogue-not-kept", page, StringComparison.Ordinal);

        var notice = await browser.GetStringAsync(new Uri($"/workbench/cases/{caseId}/notices/1", UriKind.Relative));
        Assert.Contains("This criterion was not met:", WebUtility.HtmlDecode(notice), StringComparison.Ordinal);
        var pdf = await browser.GetAsync(new Uri($"/workbench/cases/{caseId}/notices/1.pdf", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
    }

    [Fact]
    public async Task OldCase_WhoseCatalogueWasNotKept_IsShownWithTodaysAndSaysSo()
    {
        string caseId;
        string digest;
        await using (var before = App(Extension))
        {
            using var api = before.CreateClient().With(ApiTokens.Person(ApiTokens.Physician));
            var (status, body, _) = await Api.Post(api, "/api/v1/determinations",
                Api.WithRequestId(CoverageApp.Sample("cryoablation-prior-auth.json"), "SNAP-GONE"));
            Assert.Equal(HttpStatusCode.Created, status);
            caseId = body.Str("caseId");
            digest = body.GetProperty("determination").Str("catalogueDigest");
        }
        // As a case from before snapshots were kept: its catalogue's files are nowhere now.
        await using (var connection = new Npgsql.NpgsqlConnection(storage.ConnectionString))
        {
            await connection.OpenAsync();
            await using var delete = new Npgsql.NpgsqlCommand("DELETE FROM catalogue_snapshots WHERE \"Digest\" = @digest", connection);
            delete.Parameters.AddWithValue("digest", digest);
            Assert.Equal(1, await delete.ExecuteNonQueryAsync());
        }

        await using var after = App(CoverageApp.RepositoryRoot);
        using var browser = after.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        await WorkbenchFormSignIn.AsDevelopmentPhysicianAsync(browser);
        var page = await browser.GetAsync(new Uri($"/workbench/cases/{caseId}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("id=\"catalogue-not-kept\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
