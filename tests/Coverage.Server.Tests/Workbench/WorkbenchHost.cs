using System.Net;
using Coverage.Server.Workbench;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;

namespace Coverage.Server.Tests.Workbench;

/// <summary>
/// The real server on a loopback port (Kestrel, so that a browser can reach it), with a SQLite file of
/// its own, two test accounts and a clock the tests control; and Debian's Chromium driven by Playwright.
/// Playwright's own browser downloads are never used: the browser is /usr/bin/chromium.
/// </summary>
#pragma warning disable CA1001 // xUnit disposes the fixture through IAsyncLifetime.DisposeAsync.
public sealed class WorkbenchHost : IAsyncLifetime
#pragma warning restore CA1001
{
    public const string Nurse = "nurse-test", NursePassword = "nurse-test-password-1";
    public const string Physician = "dr-test", PhysicianPassword = "physician-test-password-1";
    /// <summary>A second physician, outside dr-test's reporting line: decides appeals of dr-test's decisions.</summary>
    public const string SecondPhysician = "dr-second", SecondPhysicianPassword = "physician-test-password-2";
    /// <summary>An analyst: runs impact reports, works no case.</summary>
    public const string Analyst = "ana-test", AnalystPassword = "analyst-test-password-1";
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly SqliteStorage _storage = new();
    private WorkbenchApp? _app;
    private IPlaywright? _playwright;

    public FakeTimeProvider Clock { get; } = new(CoverageApp.Start);
    public Uri BaseAddress { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public HttpClient Api { get; private set; } = null!;
    /// <summary>The server's services, to read what it stored (the audit trail).</summary>
    public IServiceProvider Services => _app!.Services;

    public async Task InitializeAsync()
    {
        await _storage.InitializeAsync();
        _app = new WorkbenchApp(_storage, Clock);
        // HTTPS, as in production: outside Development the workbench's cookies are Secure and its antiforgery wants HTTPS.
        _app.UseKestrel(options => options.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(SelfSignedCertificate())));
        _app.StartServer();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
#pragma warning disable CA2000 // The client owns and disposes the handler.
        Api = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator })
        {
            BaseAddress = BaseAddress,
        };
#pragma warning restore CA2000
        Api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Bearer", ApiTokens.Create("coverage/cases.write coverage/cases.read coverage/cases.decide coverage/audit.read"));

        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: run ./test.sh, which installs Debian's chromium package.");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A certificate for 127.0.0.1 that this test makes and trusts (nothing is installed on the machine).</summary>
    private static System.Security.Cryptography.X509Certificates.X509Certificate2 SelfSignedCertificate()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
            "CN=127.0.0.1", key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        var names = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // Exported and loaded again, so that the private key is usable by the TLS stack.
        return System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx), null);
    }

    /// <summary>A fresh browser session at 1280×800 (no cookies), as a reviewer at a new machine would have.</summary>
    public Task<IBrowserContext> NewSession() => Browser.NewContextAsync(new()
    {
        BaseURL = BaseAddress.ToString().TrimEnd('/'),
        ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        AcceptDownloads = true,
        Locale = "en-US",
        TimezoneId = "UTC",
        IgnoreHTTPSErrors = true, // the test's own self-signed certificate
    });

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        Api?.Dispose();
        if (_app is not null) await _app.DisposeAsync();
        await _storage.DisposeAsync();
    }

    /// <summary>Where screenshots go: docs/screenshots when COVERAGE_SCREENSHOTS=1 (to refresh the committed ones), else a temporary folder.</summary>
    public static string ScreenshotFolder { get; } = Environment.GetEnvironmentVariable("COVERAGE_SCREENSHOTS") == "1"
        ? Path.Combine(CoverageApp.RepositoryRoot, "docs", "screenshots")
        : Directory.CreateTempSubdirectory("coverage-screenshots-").FullName;

    private sealed class WorkbenchApp(Storage storage, FakeTimeProvider clock) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            // Not Development: the development accounts of appsettings.Development.json are not loaded; these are the only ones.
            builder.UseEnvironment("Testing");
            builder.UseSetting("Storage:Provider", storage.Provider);
            builder.UseSetting("Storage:ConnectionString", storage.ConnectionString);
            builder.UseSetting("Catalogue:Path", CoverageApp.RepositoryRoot);
            // Outside Development the server does not start without its public address (the in-memory server's).
            builder.UseSetting("Coverage:PublicBaseUrl", "http://localhost");
            var hasher = new WorkbenchAccounts([]);
            (string Id, string Name, string Role, string Password)[] accounts =
            [
                (Nurse, "Nina Test, RN", "nurse", NursePassword),
                (Physician, "Dr. Theo Test", "physician", PhysicianPassword),
                (SecondPhysician, "Dr. Sam Second", "physician", SecondPhysicianPassword),
                (Analyst, "Ana Test", "analyst", AnalystPassword),
            ];
            // The impact page's candidates: the impact tests' catalogue fixtures (the repository's catalogue with one change each).
            builder.UseSetting("Impact:CandidatesPath", Path.Combine(CoverageApp.RepositoryRoot, "tests", "Coverage.Cli.Tests", "Fixtures", "catalogues"));
            // Not Development, so the API wants a token: the tests' API client carries one from this issuer.
            builder.UseSetting("Api:Authentication:Issuers:0:Issuer", ApiTokens.Issuer);
            builder.UseSetting("Api:Authentication:Issuers:0:Audience", ApiTokens.Audience);
            builder.UseSetting("Api:Authentication:Issuers:0:Jwks", ApiTokens.Jwks);
            // The tests sign in more often than a person would, all from loopback.
            builder.UseSetting("RateLimits:SignInPerSourcePerMinute", "1000");
            for (var i = 0; i < accounts.Length; i++)
            {
                builder.UseSetting($"Workbench:Accounts:{i}:Id", accounts[i].Id);
                builder.UseSetting($"Workbench:Accounts:{i}:Name", accounts[i].Name);
                builder.UseSetting($"Workbench:Accounts:{i}:Role", accounts[i].Role);
                builder.UseSetting($"Workbench:Accounts:{i}:PasswordHash", hasher.Hash(accounts[i].Password));
            }
            builder.ConfigureTestServices(services =>
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton<TimeProvider>(clock);
            });
        }
    }
}
