using System.Net;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Coverage.Server.Tests.Workbench;

/// <summary>
/// Markup a submitter writes into a case — a request id (printable ASCII, so '&lt;' and quotes pass) and a line's
/// description — reaches the reviewer's queue and case page as text, never as markup; and a sign-in link cannot send
/// the reviewer to another site after signing in.
/// </summary>
public sealed class WorkbenchEncodingTests(SqliteStorage storage) : IClassFixture<SqliteStorage>, IDisposable
{
    private const string Payload = "<img src=x onerror=alert(1)>";

    private readonly CoverageApp _app = new(storage, new FakeTimeProvider(CoverageApp.Start));

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task ARequestIdAndADescriptionHoldingMarkup_AreShownAsText()
    {
        var request = JsonNode.Parse(CoverageApp.Sample("cryoablation-rider-on-label.json"))!.AsObject();
        var requestId = "\"'><svg onload=alert(1)>" + Guid.NewGuid().ToString("N")[..8];
        request["requestId"] = requestId;
        request["serviceLines"]![0]!["description"] = Payload;
        using var api = _app.CreateClient();
        var (status, body, _) = await Api.Post(api, "/api/v1/determinations", request.ToJsonString());
        Assert.Equal(HttpStatusCode.Created, status);
        var caseId = body.GetProperty("caseId").GetString();

        using var client = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        await WorkbenchFormSignIn.AsDevelopmentPhysicianAsync(client);
        foreach (var path in new[] { $"/workbench/cases/{caseId}", "/workbench?pageSize=100" })
        {
            var page = await client.GetStringAsync(new Uri(path, UriKind.Relative));
            Assert.DoesNotContain("<svg onload", page, StringComparison.Ordinal);
            Assert.DoesNotContain("<img src=x", page, StringComparison.Ordinal);
        }
        var casePage = await client.GetStringAsync(new Uri($"/workbench/cases/{caseId}", UriKind.Relative));
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", casePage, StringComparison.Ordinal);
        Assert.Contains("&lt;svg onload=alert(1)&gt;", casePage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://evil.example/workbench")]
    [InlineData("//evil.example/workbench")]
    [InlineData("/\\evil.example/workbench")]
    [InlineData("/workbench/../\\\\evil.example")]
    public async Task SignIn_WithAReturnUrlToAnotherSite_GoesToTheWorkbench(string returnUrl)
    {
        using var client = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var page = await client.GetStringAsync(new Uri("/workbench/sign-in", UriKind.Relative));
        var token = Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = "dr-lee", ["Password"] = "physician-dev-password", ["__RequestVerificationToken"] = token, ["ReturnUrl"] = returnUrl,
        });

        var response = await client.PostAsync(new Uri("/workbench/sign-in", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith("/workbench", location, StringComparison.Ordinal);
        Assert.False(location.StartsWith("//", StringComparison.Ordinal) || location.StartsWith("/\\", StringComparison.Ordinal), location);
        Assert.DoesNotContain("://", location, StringComparison.Ordinal);
    }
}
