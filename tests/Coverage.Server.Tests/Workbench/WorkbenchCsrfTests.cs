using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Coverage.Server.Tests.Workbench;

/// <summary>
/// Every state-changing form of the workbench, posted by a signed-in reviewer or analyst's browser without the
/// antiforgery token or with another session's (what a forged cross-site form would send), is refused (400) and
/// changes nothing: the session goes on, no run starts.
/// </summary>
public sealed partial class WorkbenchCsrfTests(SqliteStorage storage) : IClassFixture<SqliteStorage>, IDisposable
{
    private const string AnyCase = "01a20000-0000-7000-8000-000000000000";

    private readonly CoverageApp _app = new(storage, new FakeTimeProvider(CoverageApp.Start));

    public void Dispose() => _app.Dispose();

    [Theory]
    [InlineData("dr-lee", "physician-dev-password", $"/workbench/cases/{AnyCase}?handler=Decide")]
    [InlineData("dr-lee", "physician-dev-password", $"/workbench/cases/{AnyCase}?handler=RequestInformation")]
    [InlineData("dr-lee", "physician-dev-password", $"/workbench/cases/{AnyCase}?handler=Appeal")]
    [InlineData("dr-lee", "physician-dev-password", $"/workbench/cases/{AnyCase}?handler=Extend")]
    [InlineData("dr-lee", "physician-dev-password", $"/workbench/cases/{AnyCase}?handler=PeerToPeer")]
    [InlineData("dr-lee", "physician-dev-password", $"/workbench/cases/{AnyCase}?handler=ExternalReview")]
    [InlineData("dr-lee", "physician-dev-password", "/workbench/sign-out")]
    [InlineData("ana", "analyst-dev-password", "/workbench/impact")]
    [InlineData("ana", "analyst-dev-password", "/workbench/impact?handler=Upload")]
    public async Task AFormPostedWithoutItsToken_OrWithAnotherSessionsToken_IsRefused(string user, string password, string path)
    {
        using var victim = await SignedInAsync(user, password);
        using var attacker = await SignedInAsync(user, password);
        var home = user == "ana" ? "/workbench/impact" : "/workbench";
        var attackersToken = TokenPattern().Match(await attacker.GetStringAsync(new Uri(home, UriKind.Relative))).Groups[1].Value;
        Assert.NotEmpty(attackersToken);

        foreach (var token in new string?[] { null, attackersToken })
        {
            var fields = new Dictionary<string, string>
            {
                ["sequence"] = "1", ["action"] = "overturn", ["rationale"] = "forged", ["needed"] = "forged", ["filedBy"] = "provider",
                ["reason"] = "forged", ["days"] = "14", ["with"] = "forged", ["heldAt"] = "2026-01-01T00:00:00Z", ["summary"] = "forged",
                ["organisation"] = "forged", ["candidate"] = "lines-of-business",
            };
            if (token is not null) fields["__RequestVerificationToken"] = token;
            using var form = new FormUrlEncodedContent(fields);

            var response = await victim.PostAsync(new Uri(path, UriKind.Relative), form);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
        // Still signed in (the forged sign-out did nothing), and no impact run was started.
        var after = await victim.GetAsync(new Uri(home, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        if (user == "ana") Assert.DoesNotContain("id=\"run\"", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<HttpClient> SignedInAsync(string user, string password)
    {
        var client = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var page = await client.GetStringAsync(new Uri("/workbench/sign-in", UriKind.Relative));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = user, ["Password"] = password, ["__RequestVerificationToken"] = TokenPattern().Match(page).Groups[1].Value,
        });
        Assert.Equal(HttpStatusCode.Redirect, (await client.PostAsync(new Uri("/workbench/sign-in", UriKind.Relative), form)).StatusCode);
        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
