using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace Coverage.Server.Tests;

/// <summary>FHIR's names are case-sensitive: a path that names a FHIR endpoint only when case is ignored is no endpoint.</summary>
public sealed class FhirPathCaseTests(SqliteStorage storage) : IClassFixture<SqliteStorage>
{
    [Theory]
    [InlineData("GET", "/fhir/Metadata")]
    [InlineData("GET", "/FHIR/metadata")]
    [InlineData("POST", "/fhir/claim/$submit")]
    [InlineData("POST", "/fhir/Claim/$SUBMIT")]
    [InlineData("POST", "/fhir/questionnaire/$questionnaire-package")]
    [InlineData("GET", "/fhir/questionnaire")]
    public async Task APathMatchingOnlyWhenCaseIsIgnored_Is404_AnOperationOutcome_NothingRecorded(string method, string path)
    {
        using var app = new CoverageApp(storage, new FakeTimeProvider(CoverageApp.Start));
        using var client = app.CreateClient();
        var cases = await app.WithDbAsync(db => Task.FromResult(db.Cases.Count()));
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (method == "POST") request.Content = new StringContent(CoverageApp.Sample("pas-submit-bundle.json"), Encoding.UTF8, "application/fhir+json");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("OperationOutcome", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("resourceType").GetString());
        Assert.Equal(cases, await app.WithDbAsync(db => Task.FromResult(db.Cases.Count())));
    }

    [Fact]
    public async Task TheExactNames_AreServed()
    {
        using var app = new CoverageApp(storage, new FakeTimeProvider(CoverageApp.Start));
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/fhir/metadata", UriKind.Relative))).StatusCode);
        using var content = new StringContent(CoverageApp.Sample("pas-submit-bundle.json"), Encoding.UTF8, "application/fhir+json");
        using var submit = await client.PostAsync(new Uri("/fhir/Claim/$submit", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.OK, submit.StatusCode);
    }
}
