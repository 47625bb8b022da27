using System.Net;
using Coverage.Server.Tests.Workbench;
using Coverage.Server.Workbench.Notices;

namespace Coverage.Server.Tests.Security;

/// <summary>
/// Finding 6: the notice PDF was a CPU bomb (an 8,000-character word took 44 s to wrap, and rendering went
/// on after the client left), and the workbench's 4,000-character limit on a rationale existed only in the
/// browser. Wrapping is now linear, rendering stops when the request is aborted, and the page handlers
/// enforce the limits themselves.
/// </summary>
public sealed class NoticeBombTests
{
    private static string Word(int length) => string.Concat(Enumerable.Repeat("Abcdefghij", length / 10 + 1))[..length];

    [Fact]
    public void Wrap_MeasuresEachCharacterAConstantNumberOfTimes_SoItIsLinear()
    {
        static long Measured(string text)
        {
            long characters = 0;
            var lines = TextWrap.Wrap(text, piece => { characters += piece.Length; return piece.Length * 5.0; }, 500).ToList();
            Assert.All(lines, line => Assert.True(line.Length <= 100, $"a line of {line.Length} characters is wider than the width"));
            Assert.Equal(text.Replace(" ", "", StringComparison.Ordinal), string.Concat(lines).Replace(" ", "", StringComparison.Ordinal));
            return characters;
        }

        var small = Measured(Word(2000) + " and some words " + Word(50));
        var large = Measured(Word(8000) + " and some words " + Word(50));

        Assert.True(large <= 3 * 8100, $"{large} characters measured for 8,000 of text");
        Assert.True(large < 4.5 * small, $"4× the text measured {large / (double)small:0.0}× as many characters (linear is 4×)");
    }

    [Fact]
    public void Wrap_NeverSplitsASurrogatePairOrALetterFromItsAccent()
    {
        var word = string.Concat(Enumerable.Repeat("😀e\u0301", 200));

        var lines = TextWrap.Wrap(word, piece => piece.Length * 3.0, 60).ToList();

        Assert.True(lines.Count > 1);
        Assert.All(lines, line =>
        {
            Assert.False(char.IsHighSurrogate(line[^1]), "a line ends inside a surrogate pair");
            Assert.NotEqual('\u0301', line[0]);
        });
    }

    /// <summary>
    /// The PDF wraps every text through <see cref="TextWrap"/>, whose linearity the test above proves by counting; here the
    /// longest texts the workbench lets through render whole (no timing: speed is measured in <c>bench/</c>).
    /// </summary>
    [Fact]
    public void Pdf_WithAn8000CharacterWordAndA4000CharacterRationale_Renders()
    {
        var notice = NoticeBuilderTests.Builder.Build(NoticeBuilderTests.Case("cryoablation-prior-auth.json", DecisionActions.Uphold, rationale: Word(4000)), 1)!;
        var attached = new NoticeSection("Attached", [new NoticeParagraph(Word(8000)), new NoticeQuote(Word(8000), Word(300))]);

        var plain = NoticePdf.Render(notice);
        var bombed = NoticePdf.Render(notice with { Sections = [.. notice.Sections, attached] });

        Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString(bombed, 0, 4), StringComparison.Ordinal);
        Assert.True(PageCount(bombed) > PageCount(plain), $"{PageCount(bombed)} pages with 16,000 more characters, {PageCount(plain)} without");
    }

    private static int PageCount(byte[] pdf) =>
        System.Text.RegularExpressions.Regex.Count(System.Text.Encoding.Latin1.GetString(pdf), @"/Type\s*/Page\b");

    [Fact]
    public void Pdf_StopsWhenTheRequestIsAborted()
    {
        var notice = NoticeBuilderTests.Builder.Build(NoticeBuilderTests.Case("cryoablation-prior-auth.json", DecisionActions.Uphold), 1)!;
        using var aborted = new CancellationTokenSource();
        aborted.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => NoticePdf.Render(notice, aborted.Token));
    }

    [Fact]
    public async Task Workbench_RefusesOverlongRationaleAndNeeded_ServerSide_AndRendersTheLongestAllowedWord()
    {
        await using var server = await SecureServer.StartAsync();
        var caseId = await SecureCases.SubmitPendingReviewAsync(server);
        var physician = new WorkbenchClient(server);
        Assert.Equal(HttpStatusCode.Redirect, (await physician.SignInAsync(SecureServer.Physician, SecureServer.PhysicianPassword)).Status);
        var page = $"/workbench/cases/{caseId}";

        // One character over the limit, posted without the browser's maxlength: refused with a clear error, nothing decided.
        var (tooLong, body, _) = await physician.PostFormAsync($"{page}?handler=Decide",
            new Dictionary<string, string> { ["sequence"] = "1", ["action"] = "uphold", ["rationale"] = Word(4001) }, formPage: page);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong);
        Assert.Contains("The rationale is 4,001 characters long; write at most 4,000.", body, StringComparison.Ordinal);
        var (neededTooLong, neededBody, _) = await physician.PostFormAsync($"{page}?handler=RequestInformation",
            new Dictionary<string, string> { ["needed"] = Word(2001) }, formPage: page);
        Assert.Equal(HttpStatusCode.BadRequest, neededTooLong);
        Assert.Contains("write at most 2,000", neededBody, StringComparison.Ordinal);
        var (_, still, _) = await server.SendAsync(HttpMethod.Get, $"/api/v1/cases/{caseId}", SecureServer.Token("coverage/cases.read", SecureServer.UmSystem));
        Assert.Contains("pending-physician-review", still, StringComparison.Ordinal);

        // The longest rationale allowed, one unbroken word: upheld, and its notice renders.
        var (upheld, _, _) = await physician.PostFormAsync($"{page}?handler=Decide",
            new Dictionary<string, string> { ["sequence"] = "1", ["action"] = "uphold", ["rationale"] = Word(4000) }, formPage: page);
        Assert.Equal(HttpStatusCode.Redirect, upheld);
        var (pdf, _, response) = await physician.GetAsync($"{page}/notices/1.pdf");
        Assert.Equal(HttpStatusCode.OK, pdf);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
    }
}
