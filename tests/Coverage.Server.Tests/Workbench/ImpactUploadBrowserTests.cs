using System.IO.Compression;
using System.Net;
using System.Text.Json.Nodes;
using Coverage.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Coverage.Server.Tests.Workbench;

/// <summary>
/// The analyst uploads a candidate catalogue as a .zip in a real browser: one that does not validate is refused before
/// any run, naming the problem; a zipped "cover on-label cryoablation" catalogue runs as a chosen one does, shows its
/// transition, and the run is audited with the analyst and the uploaded catalogue's name. A host of its own, so that
/// the audit trail holds this class's runs only.
/// </summary>
public sealed class ImpactUploadBrowserTests(WorkbenchHost host) : IClassFixture<WorkbenchHost>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("coverage-upload-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string Fixture(string name) => Path.Combine(CoverageApp.RepositoryRoot, "tests", "Coverage.Cli.Tests", "Fixtures", "catalogues", name);

    [Fact]
    public async Task Analyst_UploadsAZippedCandidate_InvalidIsRefusedValidRunsAndIsAudited()
    {
        var sample = JsonNode.Parse(CoverageApp.Sample("cryoablation-rider-on-label.json"))!.AsObject();
        sample["requestId"] = Api.NewId();
        sample["member"]!["planId"] = "standard";
        var (status, _, _) = await Api.Post(host.Api, "/api/v1/determinations", sample.ToJsonString());
        Assert.Equal(HttpStatusCode.Created, status);

        var valid = Path.Combine(_folder, "cover-on-label.zip");
        ZipFile.CreateFromDirectory(Fixture("0540-covers-on-label-cryoablation"), valid, CompressionLevel.Optimal, includeBaseDirectory: true);
        // The same catalogue with a plan that names a policy no catalogue has: it does not validate.
        var broken = Path.Combine(_folder, "broken");
        CopyFolder(Fixture("0540-covers-on-label-cryoablation"), broken);
        var plan = Path.Combine(broken, "plans", "standard.yaml");
        await File.WriteAllTextAsync(plan, (await File.ReadAllTextAsync(plan)).Replace("policy: \"0540\"", "policy: \"9999\"", StringComparison.Ordinal).Replace("policy: '0540'", "policy: '9999'", StringComparison.Ordinal).Replace("policy: 0540", "policy: 9999", StringComparison.Ordinal));
        var invalid = Path.Combine(_folder, "broken.zip");
        ZipFile.CreateFromDirectory(broken, invalid);

        await using var session = await host.NewSession();
        var page = await session.NewPageAsync();
        await page.GotoAsync("/workbench");
        await page.GetByLabel("User name").FillAsync(WorkbenchHost.Analyst);
        await page.GetByLabel("Password").FillAsync(WorkbenchHost.AnalystPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/workbench/impact$"));

        await page.GetByLabel("Or upload a zipped catalogue").SetInputFilesAsync(invalid);
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and compare" }).ClickAsync();
        await Expect(page.Locator("#error-message")).ToContainTextAsync("The candidate catalogue broken (uploaded) is invalid");
        await Expect(page.Locator("#run")).ToHaveCountAsync(0);

        await page.GetByLabel("Or upload a zipped catalogue").SetInputFilesAsync(valid);
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and compare" }).ClickAsync();
        await Expect(page.Locator("#run")).ToHaveAttributeAsync("data-status", "done", new() { Timeout = 60_000 });
        await Expect(page.Locator("#run-heading")).ToContainTextAsync("cover-on-label (uploaded)");
        await Expect(page.Locator("#lines-changed")).ToHaveTextAsync("1");
        await Expect(page.Locator("#by-transition")).ToContainTextAsync("not-medically-necessary → covered");

        using var scope = host.Services.CreateScope();
        var audit = await scope.ServiceProvider.GetRequiredService<CoverageDbContext>().AuditEvents.AsNoTracking()
            .Where(e => e.Subject == "reports/impact").ToListAsync();
        var run = Assert.Single(audit);
        Assert.Equal((WorkbenchHost.Analyst, "analyst"), (run.Actor, run.ActorRole));
        Assert.Contains("cover-on-label (uploaded)", run.Detail ?? "", StringComparison.Ordinal);
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
