using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Coverage.Server.Tests.Workbench;

/// <summary>
/// Hostile candidate catalogues uploaded on the impact page over plain HTTP, as an attack script would send them: YAML
/// whose anchors name anchors ("billion laughs"), YAML nested far deeper than any policy, and archives whose entries
/// cannot be unpacked as named. Each is refused on the page (422) with a sentence saying why, quickly, and the server
/// goes on: never a 500, a hang or a process ended by a stack overflow.
/// </summary>
public sealed partial class CandidateUploadAttackTests(SqliteStorage storage) : IClassFixture<SqliteStorage>, IDisposable
{
    private readonly CoverageApp _app = new(storage, new FakeTimeProvider(CoverageApp.Start));

    public void Dispose() => _app.Dispose();

    private static string Fixture => Path.Combine(CoverageApp.RepositoryRoot, "tests", "Coverage.Cli.Tests", "Fixtures", "catalogues", "0540-covers-on-label-cryoablation");

    private const string PolicyFile = "policies/0540-ablative-breast/policy.yaml";
    private const string Condition = "when: { fact: ageYears, atLeast: 70 }";

    /// <summary>A condition whose <paramref name="levels"/> anchors each name the one before twice: 2^levels conditions.</summary>
    private static string AliasBomb(int levels)
    {
        var bomb = new StringBuilder("when: { allOf: [ &w0 { fact: ageYears, atLeast: 70 }");
        for (var i = 1; i <= levels; i++) bomb.Append($", &w{i} {{ allOf: [ *w{i - 1}, *w{i - 1} ] }}");
        return bomb.Append(" ] }").ToString();
    }

    [Fact]
    public async Task AnAliasBomb_IsRefusedBeforeItIsWalked_SayingTheFileIsTooLarge()
    {
        // 40 anchors, each naming the one before twice: 2^40 conditions for the loader to walk, in 1 KB of YAML — an
        // answer at all shows the walk was never begun (it would not end); the message names the aliases' limit.
        var (status, page) = await UploadAsync(Archive(PolicyWith(AliasBomb(40))));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("too large to read", page, StringComparison.Ordinal);
        Assert.Contains("aliases", page, StringComparison.Ordinal);
        using var anyone = _app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anyone.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);
    }

    /// <summary>
    /// A smaller bomb, far below the bound on one file's nodes (2^16 conditions), is refused as well: aliases may not
    /// multiply a file, or an archive of a thousand such policies would still be billions of nodes to walk.
    /// </summary>
    [Fact]
    public async Task AliasesThatMultiplyAFile_AreRefused_EvenBelowTheBoundOnItsNodes()
    {
        var (status, page) = await UploadAsync(Archive(PolicyWith(AliasBomb(16))));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("more than 10 times as many", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task YamlNestedDeeperThanAnyPolicy_IsRefused_AndTheServerGoesOn()
    {
        const int depth = 50_000;
        var nested = $"when: {string.Concat(Enumerable.Repeat("{ allOf: [ ", depth))}{{ fact: ageYears, atLeast: 70 }}{string.Concat(Enumerable.Repeat(" ] }", depth))}";

        var (status, page) = await UploadAsync(Archive(PolicyWith(nested)));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("nested more than 64 levels deep", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHugeScalar_IsNamedInTheProblem_OnlyInPart()
    {
        // 4 MB of one fact name (a few KB zipped): the loader quotes it in its error, the page must not repeat it whole.
        var (status, page) = await UploadAsync(Archive(PolicyWith($"when: {{ fact: {new string('a', 4 * 1024 * 1024)}, atLeast: 70 }}")));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("is invalid", page, StringComparison.Ordinal);
        Assert.Contains("more characters", page, StringComparison.Ordinal);
        Assert.True(page.Length < 64 * 1024, $"the page holds {page.Length:N0} characters");
    }

    [Fact]
    public async Task AnEntryUnderAFile_IsRefusedOnThePage_NotA500()
    {
        var (status, page) = await UploadAsync(Archive(PolicyWith(Condition), (PolicyFile + "/more.yaml", "x: 1\n")));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("cannot be unpacked as it is named", page, StringComparison.Ordinal);
    }

    /// <summary>The fixture catalogue as a zip, its policy's first age condition replaced by <paramref name="policy"/>'s.</summary>
    private static byte[] Archive(string policy, params (string Name, string? Text)[] extra)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var file in Directory.GetFiles(Fixture, "*", SearchOption.AllDirectories))
            {
                var name = Path.GetRelativePath(Fixture, file).Replace('\\', '/');
                var entry = zip.CreateEntry(name, CompressionLevel.Fastest);
                using var to = entry.Open();
                to.Write(name == PolicyFile ? Encoding.UTF8.GetBytes(policy) : File.ReadAllBytes(file));
            }
            foreach (var (name, text) in extra)
            {
                var entry = zip.CreateEntry(name);
                if (text is null) continue;
                using var to = entry.Open();
                to.Write(Encoding.UTF8.GetBytes(text));
            }
        }
        return stream.ToArray();
    }

    private static string PolicyWith(string condition)
    {
        var text = File.ReadAllText(Path.Combine(Fixture, PolicyFile));
        var at = text.IndexOf(Condition, StringComparison.Ordinal);
        Assert.True(at >= 0, "the fixture's policy has the age condition");
        return string.Concat(text.AsSpan(0, at), condition, text.AsSpan(at + Condition.Length));
    }

    private async Task<(HttpStatusCode Status, string Page)> UploadAsync(byte[] archive)
    {
        using var client = await SignedInClientAsync();
        var impact = await client.GetStringAsync(new Uri("/workbench/impact", UriKind.Relative));
        using var form = new MultipartFormDataContent
        {
            { new StringContent(TokenPattern().Match(impact).Groups[1].Value), "__RequestVerificationToken" },
            { new ByteArrayContent(archive), "archive", "candidate.zip" },
        };
        using var response = await client.PostAsync(new Uri("/workbench/impact?handler=Upload", UriKind.Relative), form);
        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, page);
    }

    /// <summary>The Development analyst, signed in through the form (the in-memory server runs as Development).</summary>
    private async Task<HttpClient> SignedInClientAsync()
    {
        var client = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var page = await client.GetStringAsync(new Uri("/workbench/sign-in", UriKind.Relative));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = "ana", ["Password"] = "analyst-dev-password", ["__RequestVerificationToken"] = TokenPattern().Match(page).Groups[1].Value,
        });
        var response = await client.PostAsync(new Uri("/workbench/sign-in", UriKind.Relative), form);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
