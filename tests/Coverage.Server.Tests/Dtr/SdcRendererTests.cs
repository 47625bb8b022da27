using System.Diagnostics;
using Coverage.Fhir;
using Coverage.Server.Tests.Workbench;
using Hl7.Fhir.Model;
using Microsoft.Playwright;
using Xunit.Abstractions;
using Task = System.Threading.Tasks.Task;

namespace Coverage.Server.Tests.Dtr;

/// <summary>
/// The generated Questionnaires in a real SDC form filler: the reference renderer (@aehrc/smart-forms-renderer 1.4.0,
/// bundled by tools/sdc-render-check) in Debian's Chromium, for the 0540 FDA label, the two criteria policies of the
/// with-related-resources catalogue and the diagnoses test catalogue (Fixtures/dtr-diagnoses). The page and its questionnaire are served to the browser by the test itself
/// (Playwright routes), choice answers are expanded from the package's own ValueSets, and nothing leaves the machine.
/// Fails when the renderer reports an error or shows a question of the Questionnaire not at all. Screenshots:
/// docs/screenshots/dtr-&lt;policy&gt;.png.
/// </summary>
public sealed class SdcRendererTests(SqliteStorage storage, ITestOutputHelper output) : IClassFixture<SqliteStorage>
{
    private const string Origin = "http://sdc-render.test";

    public static TheoryData<string, string?, string, string, string?> Questionnaires => new()
    {
        { "0540", null, "example-fda-cryo-rider", "0581T", "C50.412" },
        { "cg-med-81", "with-related-resources", "standard", "C9734", "C79.51" },
        { "mp-728", "with-related-resources", "standard", "61736", "G40.109" },
        // The test catalogue whose criterion reads the diagnoses: the repeating open-choice diagnoses question.
        { "test-dx", DiagnosisPrepopulationTests.Catalogue, "standard", "20982", null },
    };

    [NodeTheory]
    [MemberData(nameof(Questionnaires))]
    public async Task TheRendererShowsEveryQuestion_WithoutAnError(string policy, string? catalogue, string plan, string code, string? diagnosis)
    {
        var dist = await SdcHarness.BuildAsync(output);
        var package = await Dtr.PackageAsync(storage, catalogue, plan, code, diagnosis);
        var questionnaire = Dtr.QuestionnaireOf(package);
        var valueSets = package.Entry.Select(e => e.Resource).OfType<ValueSet>().ToList();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = WorkbenchHost.ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        await using var context = await browser.NewContextAsync(new() { ViewportSize = new ViewportSize { Width = 1280, Height = 800 }, Locale = "en-US" });
        var page = await context.NewPageAsync();
        var problems = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") problems.Add($"console: {message.Text}"); };
        page.PageError += (_, error) => problems.Add($"page: {error}");
        await page.RouteAsync("**/*", route => Serve(route, dist, questionnaire, valueSets, problems));

        await page.GotoAsync($"{Origin}/index.html?questionnaire=q");
        await page.WaitForSelectorAsync("body[data-loaded='true']");
        var first = questionnaire.Item.First(i => i.Text is not null).Text!;
        await page.GetByText(first, new() { Exact = false }).First.WaitForAsync(new() { Timeout = 30_000 });
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        var reported = await page.EvaluateAsync<string[]>("() => window.sdcRender.errors");
        problems.AddRange(reported);
        var missing = new List<string>();
        foreach (var item in questionnaire.Item.Where(i => i.Text is not null))
            if (await page.GetByText(item.Text!, new() { Exact = false }).CountAsync() == 0) missing.Add($"{item.LinkId}: {item.Text}");
        await page.ScreenshotAsync(new() { Path = Path.Combine(WorkbenchHost.ScreenshotFolder, $"dtr-{policy}.png"), FullPage = true });

        output.WriteLine($"{questionnaire.Url}|{questionnaire.Version}: {questionnaire.Item.Count} items");
        Assert.True(problems.Count == 0, "The renderer reported: " + string.Join(Environment.NewLine, problems));
        Assert.NotEmpty(questionnaire.Item);
        Assert.True(missing.Count == 0, "Not rendered: " + string.Join("; ", missing));
    }

    /// <summary>The page, its script and CSS from the harness's dist/, the questionnaire, and the package's ValueSets as a terminology server would expand them; anything else is refused.</summary>
    private static async Task Serve(IRoute route, string dist, Questionnaire questionnaire, IReadOnlyList<ValueSet> valueSets, List<string> problems)
    {
        var url = new Uri(route.Request.Url);
        if (url.GetLeftPart(UriPartial.Authority) != Origin)
        {
            problems.Add($"a request left the page's origin: {route.Request.Url}");
            await route.AbortAsync();
            return;
        }
        if (url.AbsolutePath == "/questionnaires/q.json")
        {
            await route.FulfillAsync(new() { Status = 200, ContentType = "application/fhir+json", Body = FhirJson.Serialize(questionnaire) });
            return;
        }
        if (url.AbsolutePath.StartsWith("/tx/", StringComparison.Ordinal))
        {
            var wanted = System.Web.HttpUtility.ParseQueryString(url.Query)["url"];
            var found = valueSets.FirstOrDefault(v => wanted is not null && (v.Url == wanted || $"{v.Url}|{v.Version}" == wanted));
            if (found is null) problems.Add($"the renderer asked the terminology server for something the package lacks: {route.Request.Url}");
            await route.FulfillAsync(found is null
                ? new() { Status = 404, ContentType = "application/fhir+json", Body = """{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"not-found"}]}""" }
                : new() { Status = 200, ContentType = "application/fhir+json", Body = FhirJson.Serialize(found) });
            return;
        }
        var file = Path.GetFullPath(Path.Combine(dist, url.AbsolutePath.TrimStart('/')));
        if (!file.StartsWith(dist, StringComparison.Ordinal) || !File.Exists(file))
        {
            await route.FulfillAsync(new() { Status = 404, Body = "" });
            return;
        }
        await route.FulfillAsync(new() { Status = 200, Path = file });
    }

}

/// <summary>
/// tools/sdc-render-check, built: <c>npm ci</c> when its packages are not installed (test.sh does it; npm reaches the
/// served registry), then its esbuild step. Only node and npm being absent skips the tests (<see cref="NodeTheoryAttribute"/>).
/// </summary>
internal static class SdcHarness
{
    private static readonly SemaphoreSlim Once = new(1, 1);
    private static string? _built;

    public static string Folder => Path.Combine(CoverageApp.RepositoryRoot, "tools", "sdc-render-check");

    public static async Task<string> BuildAsync(ITestOutputHelper output)
    {
        await Once.WaitAsync();
        try
        {
            if (_built is not null) return _built;
            if (!Directory.Exists(Path.Combine(Folder, "node_modules"))) await RunAsync("npm", "ci --no-audit --no-fund", output);
            await RunAsync("npm", "run build", output);
            return _built = Path.GetFullPath(Path.Combine(Folder, "dist")) + Path.DirectorySeparatorChar;
        }
        finally
        {
            Once.Release();
        }
    }

    private static async Task RunAsync(string program, string arguments, ITestOutputHelper output)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(timeout.Token);
        output.WriteLine($"{program} {arguments}: exit {process.ExitCode}{Environment.NewLine}{await stdout}{await stderr}");
        Assert.True(process.ExitCode == 0, $"{program} {arguments} failed in {Folder}: {await stderr}");
    }
}

/// <summary>A theory that needs node and npm (on PATH): skipped, saying so, only when they are absent.</summary>
public sealed class NodeTheoryAttribute : TheoryAttribute
{
    public NodeTheoryAttribute()
    {
        if (!OnPath("node") || !OnPath("npm"))
            Skip = "node and npm are not installed (Debian: apt-get install nodejs npm; ./test.sh installs them): the SDC renderer check needs them.";
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(folder => File.Exists(Path.Combine(folder, program)));
}

/// <summary>A fact that needs node and npm (on PATH): skipped, saying so, only when they are absent.</summary>
public sealed class NodeFactAttribute : FactAttribute
{
    public NodeFactAttribute()
    {
        if (!OnPath("node") || !OnPath("npm"))
            Skip = "node and npm are not installed (Debian: apt-get install nodejs npm; ./test.sh installs them): the reference CQL engine check needs them.";
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(folder => File.Exists(Path.Combine(folder, program)));
}
