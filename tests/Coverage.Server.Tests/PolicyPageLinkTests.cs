using System.Net;
using System.Text.RegularExpressions;
using Coverage.Fhir;
using Microsoft.Extensions.Time.Testing;

namespace Coverage.Server.Tests;

/// <summary>
/// A policy page's link (CRD cards and coverage information point at it) names its page exactly whatever the payer's
/// policy id is: a catalogue accepts any id its folder can carry, and an id with a space or a <c>#</c> made a link that
/// ended early or was no URL at all (the Inferno CRD kit's External Reference check parses each link).
/// </summary>
public sealed partial class PolicyPageLinkTests : IClassFixture<SqliteStorage>, IDisposable
{
    private const string OddId = "TEST 7#B?";

    private readonly string _catalogue = Path.Combine(Path.GetTempPath(), $"coverage-odd-id-{Guid.NewGuid():N}");
    private readonly CoverageApp _app;
    private readonly HttpClient _client;

    public PolicyPageLinkTests(SqliteStorage storage)
    {
        // The engine tests' other-shapes catalogue, its policy's id (and folder) changed to one with a space, '#' and '?'.
        var source = Path.Combine(CoverageApp.RepositoryRoot, "tests", "Coverage.Engine.Tests", "Fixtures", "other-shapes");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_catalogue, Path.GetRelativePath(source, file).Replace("TEST-7-", $"{OddId}-", StringComparison.Ordinal));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllText(target, File.ReadAllText(file).Replace("id: \"TEST-7\"", $"id: \"{OddId}\"", StringComparison.Ordinal));
        }
        _app = new CoverageApp(storage, new FakeTimeProvider(CoverageApp.Start), builder => builder.UseSetting("Catalogue:Path", _catalogue));
        _client = _app.CreateClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
        Directory.Delete(_catalogue, recursive: true);
    }

    [Fact]
    public void For_EscapesTheIdAndTheVersion()
    {
        Assert.Equal("https://payer.example/policies/0540?version=2026-03-15", PolicyPageLink.For("https://payer.example/policies/", "0540", "2026-03-15"));
        Assert.Equal("/policies/TEST%207%23B%3F?version=2024%2001%231", PolicyPageLink.For("/policies", OddId, "2024 01#1"));
        Assert.True(Uri.TryCreate(PolicyPageLink.For("https://payer.example/policies", OddId, "v 1"), UriKind.Absolute, out var uri));
        Assert.Equal("", uri.Fragment);
    }

    [Fact]
    public async Task AVersionGivenTwice_Is400_NotAVersionNamedByBothJoined()
    {
        var link = PolicyPageLink.For("/policies", OddId, "2024-01-01");
        using var twice = await _client.GetAsync(new Uri(link + "&version=2024-01-01", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, twice.StatusCode);
        Assert.Contains("version: is given 2 times", await twice.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // A link carrying another parameter (a mail's tracking, say) still opens the page: it is a page people read.
        using var tracked = await _client.GetAsync(new Uri(link + "&utm_source=mail", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, tracked.StatusCode);
    }

    [Fact]
    public async Task APolicyWithAnOddId_IsReadAtItsLink_AndItsRevisionLinksLeadToIt()
    {
        using var page = await _client.GetAsync(new Uri(PolicyPageLink.For("/policies", OddId, "2024-01-01"), UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains($"Policy {WebUtility.HtmlEncode(OddId)}: Biologic Infusion Therapy", html, StringComparison.Ordinal);
        var links = RevisionLink().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();
        Assert.NotEmpty(links);
        foreach (var link in links)
        {
            Assert.StartsWith("/policies/TEST%207%23B%3F?version=", link, StringComparison.Ordinal);
            using var revision = await _client.GetAsync(new Uri(link, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, revision.StatusCode);
        }
    }

    [GeneratedRegex("<li><a href=\"([^\"]*)\">")]
    private static partial Regex RevisionLink();
}
