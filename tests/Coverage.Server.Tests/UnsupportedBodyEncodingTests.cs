using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace Coverage.Server.Tests;

/// <summary>
/// A request body with a content coding the server does not undo (refused with 415 and Accept-Encoding: identity, RFC
/// 9110 §15.5.16, RFC 7694) or in a charset other than UTF-8 (415) is refused on every surface in its own error form —
/// whether the body really is so encoded or only labelled so: the server never reads such bytes as if they were plain
/// UTF-8. A UTF-8 byte order mark before the JSON is ignored (RFC 8259 §8.1).
/// </summary>
public sealed class UnsupportedBodyEncodingTests(SqliteStorage storage) : IClassFixture<SqliteStorage>
{
    private static string Body(string path) => path switch
    {
        "/api/v1/determinations" => Api.WithRequestId(CoverageApp.Sample("cryoablation-prior-auth.json"), Api.NewId()),
        "/fhir/Claim/$submit" => CoverageApp.Sample("pas-submit-bundle.json").Replace("PA-20260504-0001", Api.NewId(), StringComparison.Ordinal),
        _ => "{}",
    };

    private static string ContentType(string path) => path.StartsWith("/fhir", StringComparison.Ordinal) ? "application/fhir+json" : "application/json";

    private static async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> Post(
        HttpClient client, string path, byte[] body, string? coding, string? charset = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType(path) + (charset is null ? "" : $"; charset={charset}"));
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

    [Theory]
    [InlineData("/api/v1/determinations", "utf-16")]
    [InlineData("/fhir/Claim/$submit", "iso-8859-1")]
    [InlineData("/cds-services/order-sign", "\"windows-1252\"")]
    public async Task ABodyInACharsetOtherThanUtf8_Is415_NamingTheCharset_AndNothingIsRecorded(string path, string charset)
    {
        using var app = new CoverageApp(storage, new FakeTimeProvider(CoverageApp.Start));
        using var client = app.CreateClient();
        var text = Body(path);
        var before = await CaseCount(client);

        // UTF-16 really is another encoding; the others are labels on bytes that would read as UTF-8 (ASCII): refused all the same.
        var answer = await Post(client, path, charset == "utf-16" ? Encoding.Unicode.GetBytes(text) : Encoding.UTF8.GetBytes(text), null, charset);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, answer.Status);
        Assert.Contains($"'{charset.Trim('"')}'", answer.Body, StringComparison.Ordinal);
        if (path.StartsWith("/api", StringComparison.Ordinal)) ErrorResponseTests.AssertProblem(HttpStatusCode.UnsupportedMediaType, answer);
        else ErrorResponseTests.AssertOutcome(HttpStatusCode.UnsupportedMediaType, "not-supported", answer);
        Assert.Equal(before, await CaseCount(client));
    }

    [Theory]
    [InlineData("utf-8")]
    [InlineData("UTF8")]
    [InlineData("\"utf-8\"")]
    public async Task Utf8_HoweverSpelled_IsTaken(string charset)
    {
        using var app = new CoverageApp(storage, new FakeTimeProvider(CoverageApp.Start));
        using var client = app.CreateClient();

        var answer = await Post(client, "/api/v1/determinations", Encoding.UTF8.GetBytes(Body("/api/v1/determinations")), null, charset);

        Assert.Equal(HttpStatusCode.Created, answer.Status);
    }

    [Theory]
    [InlineData("/api/v1/determinations", HttpStatusCode.Created)]
    [InlineData("/fhir/Claim/$submit", HttpStatusCode.OK)]
    public async Task AByteOrderMarkBeforeTheJson_IsIgnored(string path, HttpStatusCode expected)
    {
        using var app = new CoverageApp(storage, new FakeTimeProvider(CoverageApp.Start));
        using var client = app.CreateClient();
        var text = Body(path);

        var answer = await Post(client, path, [.. "\uFEFF"u8, .. Encoding.UTF8.GetBytes(text)], null);

        Assert.True(answer.Status == expected, answer.Body);
        // The case keeps the request as read after the mark: a repeat without it is the same request.
        var repeat = await Post(client, path, Encoding.UTF8.GetBytes(text), null);
        Assert.Equal(HttpStatusCode.OK, repeat.Status);
    }

    private static async Task<int> CaseCount(HttpClient client)
    {
        var (_, page, _) = await Api.Get(client, "/api/v1/cases?pageSize=1");
        return page.GetProperty("total").GetInt32();
    }
}
