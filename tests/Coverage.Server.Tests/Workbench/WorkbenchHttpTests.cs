using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Coverage.Server.Tests.Workbench;

/// <summary>The workbench's protections over plain HTTP: sign-in required everywhere, antiforgery, cookie flags, the API untouched.</summary>
public sealed partial class WorkbenchHttpTests(SqliteStorage storage) : IClassFixture<SqliteStorage>, IDisposable
{
    private readonly CoverageApp _app = new(storage, new FakeTimeProvider(CoverageApp.Start));

    public void Dispose() => _app.Dispose();

    private HttpClient Client() => _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    [Theory]
    [InlineData("/workbench")]
    [InlineData("/workbench?status=final")]
    [InlineData("/workbench/cases/01a20000-0000-7000-8000-000000000000")]
    [InlineData("/workbench/cases/01a20000-0000-7000-8000-000000000000/notices/1")]
    [InlineData("/workbench/cases/01a20000-0000-7000-8000-000000000000/notices/1.pdf")]
    public async Task EveryPage_WithoutSignIn_RedirectsToSignIn(string path)
    {
        using var client = Client();

        var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/workbench/sign-in", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Actions_WithoutSignIn_AreRefused()
    {
        using var client = Client();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["sequence"] = "1", ["action"] = "uphold", ["rationale"] = "x" });

        var response = await client.PostAsync(new Uri("/workbench/cases/01a20000-0000-7000-8000-000000000000?handler=Decide", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/workbench/sign-in", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_WithoutAntiforgeryToken_IsRefused()
    {
        using var client = Client();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["UserName"] = "dr-lee", ["Password"] = "physician-dev-password" });

        var response = await client.PostAsync(new Uri("/workbench/sign-in", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task SignIn_SetsAnHttpOnlySameSiteStrictSessionCookie()
    {
        // The in-memory server runs as Development, so appsettings.Development.json's accounts apply here.
        using var client = Client();
        var page = await client.GetStringAsync(new Uri("/workbench/sign-in", UriKind.Relative));
        var token = TokenPattern().Match(page).Groups[1].Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = "dr-lee", ["Password"] = "physician-dev-password", ["__RequestVerificationToken"] = token,
        });

        var response = await client.PostAsync(new Uri("/workbench/sign-in", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("coverage-workbench=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/workbench", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("expires=", cookie, StringComparison.OrdinalIgnoreCase); // a session cookie; the ticket itself expires after 30 idle minutes
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/workbench", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task RestApi_StaysAsItWas_NoCookieNeeded()
    {
        using var client = Client();

        var response = await client.GetAsync(new Uri("/api/v1/cases", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
