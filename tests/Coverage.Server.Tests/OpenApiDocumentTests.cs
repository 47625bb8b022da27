using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Microsoft.OpenApi;

namespace Coverage.Server.Tests;

/// <summary>
/// The OpenAPI document as a client's tooling reads it: valid OpenAPI (read back with Microsoft.OpenApi, its rules
/// applied), every POST and PUT with the body it takes — the FHIR operations and the CDS services too, whose handlers
/// read the request themselves (<c>OpenApiBodies</c>) — and every FHIR answer in application/fhir+json.
/// </summary>
public sealed class OpenApiDocumentTests(SqliteStorage storage) : IClassFixture<SqliteStorage>
{
    private async Task<string> DocumentAsync()
    {
        using var app = new CoverageApp(storage, new FakeTimeProvider(CoverageApp.Start));
        using var client = app.CreateClient();
        using var response = await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task TheDocument_ReadsBackAsValidOpenApi()
    {
        var text = await DocumentAsync();

        var read = OpenApiDocument.Parse(text, OpenApiConstants.Json);

        Assert.NotNull(read.Document);
        Assert.Empty(read.Diagnostic?.Errors ?? []);
        Assert.Empty(read.Document!.Validate(ValidationRuleSet.GetDefaultRuleSet()) ?? []);
    }

    [Fact]
    public async Task EveryPostAndPut_SaysWhatBodyItTakes_AndTheFhirOperationsWhichResources()
    {
        var paths = JsonDocument.Parse(await DocumentAsync()).RootElement.GetProperty("paths");

        foreach (var path in paths.EnumerateObject())
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name is "post" or "put"))
                Assert.True(operation.Value.TryGetProperty("requestBody", out var body) && body.GetProperty("content").EnumerateObject().Any(),
                    $"{operation.Name.ToUpperInvariant()} {path.Name} describes no body");

        static IEnumerable<string?> ResourceTypes(JsonElement paths, string path, string method) =>
            paths.GetProperty(path).GetProperty(method).GetProperty("requestBody").GetProperty("content").GetProperty("application/fhir+json")
                .GetProperty("schema").GetProperty("properties").GetProperty("resourceType").GetProperty("enum").EnumerateArray().Select(e => e.GetString());
        Assert.Equal(["Bundle", "Parameters"], ResourceTypes(paths, "/fhir/Claim/$submit", "post"));
        Assert.Equal(["QuestionnaireResponse", "Parameters"], ResourceTypes(paths, "/fhir/Questionnaire/$next-question", "post"));
        Assert.Equal(["Subscription"], ResourceTypes(paths, "/fhir/Subscription/{id}", "put"));
        Assert.True(paths.GetProperty("/fhir/Claim/$submit").GetProperty("post").GetProperty("requestBody").GetProperty("required").GetBoolean());
        var statusBody = paths.GetProperty("/fhir/Subscription/$status").GetProperty("post").GetProperty("requestBody");
        Assert.False(statusBody.TryGetProperty("required", out var required) && required.GetBoolean()); // OpenAPI's default: optional
        var hook = paths.GetProperty("/cds-services/{id}").GetProperty("post").GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        Assert.Equal(["hook", "hookInstance", "context"], hook.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task EveryFhirAnswer_IsApplicationFhirJson()
    {
        var paths = JsonDocument.Parse(await DocumentAsync()).RootElement.GetProperty("paths");

        foreach (var path in paths.EnumerateObject().Where(p => p.Name.StartsWith("/fhir/", StringComparison.Ordinal)))
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name != "parameters"))
                foreach (var response in operation.Value.GetProperty("responses").EnumerateObject().Where(r => r.Name.StartsWith('2')))
                    Assert.True(response.Value.TryGetProperty("content", out var content) && content.TryGetProperty("application/fhir+json", out _),
                        $"{operation.Name.ToUpperInvariant()} {path.Name} {response.Name} is not application/fhir+json");
    }
}
