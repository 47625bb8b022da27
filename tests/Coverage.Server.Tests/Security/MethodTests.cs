using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Coverage.Server.Tests.Workbench;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Coverage.Server.Tests.Security;

/// <summary>
/// Session 38 (F8): a method a path does not take is 405 with Allow everywhere — the health probes, the FHIR operations
/// (not read as a resource named "$questionnaire-package"), the workbench pages — and a page runs one handler.
/// </summary>
public sealed class MethodTests(SqliteStorage storage) : IClassFixture<SqliteStorage>, IDisposable
{
    private readonly CoverageApp _app = new(storage, new FakeTimeProvider(CoverageApp.Start));

    public void Dispose() => _app.Dispose();

    private async Task<HttpResponseMessage> Send(string method, string path, HttpClient? client = null)
    {
        using var own = client is null ? _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }) : null;
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        return await (client ?? own!).SendAsync(request);
    }

    private static string Allow(HttpResponseMessage response) => string.Join(", ", response.Content.Headers.Allow);

    [Theory]
    [InlineData("PUT", "/health/live")]
    [InlineData("DELETE", "/health/live")]
    [InlineData("PATCH", "/health/ready")]
    [InlineData("TRACE", "/health/ready")]
    [InlineData("FOO", "/health/live")]
    [InlineData("POST", "/ping")]
    public async Task AHealthProbe_TakesGetAndHeadOnly(string method, string path)
    {
        using var response = await Send(method, path);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("GET, HEAD", Allow(response));
        Assert.Equal(HttpStatusCode.OK, (await Send("HEAD", path)).StatusCode);
    }

    [Theory]
    [InlineData("GET", "/fhir/Questionnaire/$questionnaire-package", "POST")]
    [InlineData("HEAD", "/fhir/Questionnaire/$questionnaire-package", "POST")]
    [InlineData("GET", "/fhir/Questionnaire/$next-question", "POST")]
    [InlineData("GET", "/fhir/Claim/$submit", "POST")]
    [InlineData("GET", "/fhir/Claim/$inquire", "POST")]
    [InlineData("PUT", "/fhir/Subscription/$status", "GET, HEAD, POST")]
    [InlineData("DELETE", "/fhir/Subscription/$status", "GET, HEAD, POST")]
    [InlineData("PUT", "/fhir/Subscription/sub-1/$status", "GET, HEAD")]
    [InlineData("DELETE", "/fhir/Subscription/sub-1/$events", "GET, HEAD, POST")]
    public async Task AFhirOperation_WithAMethodItDoesNotTake_Is405_WithItsAllow_AsAnOperationOutcome(string method, string path, string allow)
    {
        using var response = await Send(method, path);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(allow, Allow(response));
        if (method != "HEAD")
        {
            using var outcome = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("OperationOutcome", outcome.RootElement.GetProperty("resourceType").GetString());
            Assert.Equal("not-supported", outcome.RootElement.GetProperty("issue")[0].GetProperty("code").GetString());
        }
    }

    [Fact]
    public async Task AResourceId_IsStillRead_AndANameThatIsNoOperationIsNotFound()
    {
        using var missing = await Send("GET", "/fhir/Questionnaire/no-such-questionnaire");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("this payer has no Questionnaire 'no-such-questionnaire'", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var noOperation = await Send("GET", "/fhir/Subscription/$events");
        Assert.Equal(HttpStatusCode.NotFound, noOperation.StatusCode);
    }

    [Theory]
    [InlineData("TRACE")]
    [InlineData("OPTIONS")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task AWorkbenchPage_TakesGetHeadAndPost_Only(string method)
    {
        using var response = await Send(method, "/workbench/sign-in");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("GET, HEAD, POST", Allow(response));
        Assert.DoesNotContain("<form", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWorkbenchPage_NamingTwoHandlers_Is400_NamingHandler()
    {
        using var browser = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        await WorkbenchFormSignIn.AsDevelopmentPhysicianAsync(browser);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["sequence"] = "1", ["action"] = "uphold", ["rationale"] = "x" });

        using var response = await browser.PostAsync(new Uri($"/workbench/cases/{Guid.NewGuid()}?handler=Decide&handler=Appeal", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("handler: is given 2 times", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await Send("GET", "/workbench/sign-in?handler=a&handler=b")).StatusCode);
    }
}

/// <summary>
/// Session 38 (F8): a transfer coding other than chunked is 501 (RFC 9112 §6.1), on the real server (Kestrel undoes
/// the chunking and passes the header on); a final coding other than chunked Kestrel itself refuses with 400.
/// </summary>
public sealed class TransferCodingTests(HardenedServer fixture) : IClassFixture<HardenedServer>
{
    private async Task<string> Raw(string transferEncoding)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, fixture.Server.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /api/v1/determinations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: {transferEncoding}\r\nConnection: close\r\n\r\n2\r\n{{}}\r\n0\r\n\r\n"));
        using var answer = new MemoryStream();
        await stream.CopyToAsync(answer).WaitAsync(TimeSpan.FromSeconds(30));
        return Encoding.UTF8.GetString(answer.ToArray());
    }

    [Theory]
    [InlineData("gzip, chunked", "gzip")]
    [InlineData("deflate, br, chunked", "deflate, br")]
    public async Task ATransferCodingOtherThanChunked_Is501_NamingIt(string transferEncoding, string named)
    {
        var answer = await Raw(transferEncoding);

        Assert.StartsWith("HTTP/1.1 501 ", answer, StringComparison.Ordinal);
        Assert.Contains($"the transfer coding '{named}' is not implemented", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChunkedAlone_IsRead_AndAFinalCodingOtherThanChunked_IsKestrels400()
    {
        Assert.StartsWith("HTTP/1.1 401 ", await Raw("chunked"), StringComparison.Ordinal); // read as usual: no token
        Assert.StartsWith("HTTP/1.1 400 ", await Raw("chunked, gzip"), StringComparison.Ordinal);
    }
}
