using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace Coverage.Server.Tests;

/// <summary>
/// A request body with a content coding the server does not undo is refused with 415 and Accept-Encoding: identity
/// (RFC 9110 §15.5.16, RFC 7694), on every surface in its own error form — whether the body really is compressed or
/// only labelled so: the server never reads coded bytes as if they were plain.
/// </summary>
public sealed class UnsupportedContentCodingTests(SqliteStorage storage) : IClassFixture<SqliteStorage>
{
    private static string Body(string path) => path switch
    {
        "/api/v1/determinations" => Api.WithRequestId(CoverageApp.Sample("cryoablation-prior-auth.json"), Api.NewId()),
        "/fhir/Claim/$submit" => CoverageApp.Sample("pas-submit-bundle.json").Replace("PA-20260504-0001", Api.NewId(), StringComparison.Ordinal),
        _ => "{}",
    };

    private static string ContentType(string path) => path.StartsWith("/fhir", StringComparison.Ordinal) ? "application/fhir+json" : "application/json";

    private static async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> Post(HttpClient client, string path, byte[] body, string? coding)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(ContentType(path));
        if (coding is not null) request.Content.Headers.TryAddWithoutValidation("Content-Encoding", coding);
        var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    private static byte[] Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.Fastest)) gzip.Write(Encoding.UTF8.GetBytes(text));
        return buffer.ToArray();
    }

    [Theory]
    [InlineData("/api/v1/determinations", "gzip", true)]
    [InlineData("/api/v1/determinations", "gzip", false)]
    [InlineData("/api/v1/determinations", "identity, br", false)]
    [InlineData("/fhir/Claim/$submit", "gzip", true)]
    [InlineData("/fhir/Claim/$submit", "deflate", false)]
    [InlineData("/cds-services/order-sign", "br", false)]
    public async Task ABodyWithAContentCoding_Is415_NamingTheCoding_AndNothingIsRecorded(string path, string coding, bool compressed)
    {
        using var app = new CoverageApp(storage, new FakeTimeProvider(CoverageApp.Start));
        using var client = app.CreateClient();
        var text = Body(path);
        var before = await CaseCount(client);

        var answer = await Post(client, path, compressed ? Gzip(text) : Encoding.UTF8.GetBytes(text), coding);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, answer.Status);
        Assert.Equal("identity", Assert.Single(answer.Response.Headers.GetValues("Accept-Encoding")));
        var refused = coding.Split(',', StringSplitOptions.TrimEntries).Last();
        if (path.StartsWith("/api", StringComparison.Ordinal))
        {
            ErrorResponseTests.AssertProblem(HttpStatusCode.UnsupportedMediaType, answer);
            Assert.Contains($"'{refused}'", JsonDocument.Parse(answer.Body).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        else
        {
            ErrorResponseTests.AssertOutcome(HttpStatusCode.UnsupportedMediaType, "not-supported", answer);
            Assert.Contains($"'{refused}'", answer.Body, StringComparison.Ordinal);
        }
        Assert.Equal(before, await CaseCount(client));
    }

    [Fact]
    public async Task TheIdentityCoding_IsTakenAsNoCoding()
    {
        using var app = new CoverageApp(storage, new FakeTimeProvider(CoverageApp.Start));
        using var client = app.CreateClient();

        var answer = await Post(client, "/api/v1/determinations", Encoding.UTF8.GetBytes(Body("/api/v1/determinations")), "identity");

        Assert.Equal(HttpStatusCode.Created, answer.Status);
    }

    private static async Task<int> CaseCount(HttpClient client)
    {
        var (_, page, _) = await Api.Get(client, "/api/v1/cases?pageSize=1");
        return page.GetProperty("total").GetInt32();
    }
}
