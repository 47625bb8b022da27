using System.Diagnostics;
using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Coverage.Server.Tests.Security;

/// <summary>
/// The real server as its own process in the Production environment, configured the way a payer would:
/// an API token issuer and a CDS client with keys this test generates, clients with organisations, people
/// with roles, workbench accounts with PBKDF2 hashes, a public base URL and its own SQLite file. The
/// security regression suite attacks it over HTTP as an outsider would.
/// </summary>
public sealed class SecureServer : IAsyncDisposable
{
    public const string ApiIssuer = "https://auth.payer.test";
    public const string OtherApiIssuer = "https://auth.partner.test";
    public const string CdsIssuer = "https://ehr.test";

    /// <summary>The payer's UM system: payer staff access, machine client (client credentials).</summary>
    public const string UmSystem = "um-system";
    /// <summary>A machine client with only the decide scope that must never decide (the critical finding).</summary>
    public const string IntakeBot = "um-intake-bot";
    /// <summary>Two provider portals: each an organisation of its own.</summary>
    public const string PortalA = "portal-a";
    public const string PortalB = "portal-b";
    public const string OrganisationA = "provider-org-a";
    public const string OrganisationB = "provider-org-b";
    /// <summary>The reviewers' app (user-context tokens for people).</summary>
    public const string ReviewApp = "review-app";

    public const string Physician = "dr-kim";
    public const string PhysicianName = "Dr. Ana Kim";
    public const string Nurse = "nurse-ray";
    public const string NurseName = "Ray Nurse, RN";
    public const string PhysicianPassword = "physician-test-password-1";
    public const string NursePassword = "nurse-test-password-1";

    private static readonly RSA ApiKey = RSA.Create(2048);
    private static readonly RSA OtherApiKey = RSA.Create(2048);
    private static readonly RSA CdsKey = RSA.Create(2048);

    private readonly string _folder;
    private readonly Dictionary<string, string> _settings;
    private readonly string _environment;
    private Process? _process;

    private SecureServer(int port, string folder, Dictionary<string, string> settings, string environment)
    {
        Port = port;
        _folder = folder;
        _settings = settings;
        _environment = environment;
        BaseUrl = new Uri($"http://127.0.0.1:{port}");
        // A large body waits for "100 Continue" (see SendAsync) as long as the server may take to answer on a loaded machine.
        Http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, Expect100ContinueTimeout = TimeSpan.FromSeconds(30) })
            { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
    }

    public int Port { get; }
    public Uri BaseUrl { get; }
    /// <summary>The URL the server is configured to be reachable at (Coverage:PublicBaseUrl): audiences and links use it.</summary>
    public static string PublicBaseUrl => "https://coverage.payer.test";
    public HttpClient Http { get; }
    public string DatabasePath => Path.Combine(_folder, "cases.db");
    public string KeysFolder => Path.Combine(_folder, "keys");
    /// <summary>Everything the server wrote to standard output and error.</summary>
    public StringBuilder Output { get; } = new();

    /// <summary>
    /// Starts a server; <paramref name="configure"/> may change or add settings (configuration keys and values).
    /// <paramref name="environment"/> is Production but for attacks on what Development does differently.
    /// </summary>
    public static async Task<SecureServer> StartAsync(Action<Dictionary<string, string>>? configure = null, string environment = "Production")
    {
        var folder = Directory.CreateTempSubdirectory("coverage-secure-").FullName;
        var settings = DefaultSettings(folder);
        configure?.Invoke(settings);
        var server = new SecureServer(ServerProcess.FreePort(), folder, settings, environment);
        await server.StartProcessAsync();
        return server;
    }

    /// <summary>Stops the process and starts it again on the same files, optionally with changed settings.</summary>
    public async Task RestartAsync(Action<Dictionary<string, string>>? change = null)
    {
        await StopProcessAsync();
        change?.Invoke(_settings);
        await StartProcessAsync();
    }

    public IReadOnlyDictionary<string, string> Settings => _settings;

    private static Dictionary<string, string> DefaultSettings(string folder)
    {
        var hasher = new PasswordHasher<object>();
        var s = new Dictionary<string, string>
        {
            ["Storage:Provider"] = "sqlite",
            ["Storage:ConnectionString"] = $"Data Source={Path.Combine(folder, "cases.db")}",
            ["Catalogue:Path"] = CoverageApp.RepositoryRoot,
            ["Coverage:PublicBaseUrl"] = PublicBaseUrl,
            ["DataProtection:KeysPath"] = Path.Combine(folder, "keys"),
            ["Logging:LogLevel:Default"] = "Warning",
            // The test stands in for a TLS-terminating reverse proxy on loopback: the server believes its
            // X-Forwarded-Proto and X-Forwarded-For (WorkbenchClient sends them), and no one else's.
            ["Security:KnownProxies:0"] = "127.0.0.1",

            ["Api:Authentication:Issuers:0:Issuer"] = ApiIssuer,
            ["Api:Authentication:Issuers:0:Audience"] = PublicBaseUrl,
            ["Api:Authentication:Issuers:0:Jwks"] = Jwks(ApiKey, "api-key"),
            ["Api:Authentication:Issuers:1:Issuer"] = OtherApiIssuer,
            ["Api:Authentication:Issuers:1:Audience"] = "https://coverage.partner-view.test",
            ["Api:Authentication:Issuers:1:Jwks"] = Jwks(OtherApiKey, "other-key"),

            ["Api:Authentication:Clients:0:Issuer"] = ApiIssuer,
            ["Api:Authentication:Clients:0:ClientId"] = UmSystem,
            ["Api:Authentication:Clients:0:Organisation"] = "payer",
            ["Api:Authentication:Clients:0:Access"] = "payer",
            ["Api:Authentication:Clients:1:Issuer"] = ApiIssuer,
            ["Api:Authentication:Clients:1:ClientId"] = PortalA,
            ["Api:Authentication:Clients:1:Organisation"] = OrganisationA,
            ["Api:Authentication:Clients:2:Issuer"] = ApiIssuer,
            ["Api:Authentication:Clients:2:ClientId"] = PortalB,
            ["Api:Authentication:Clients:2:Organisation"] = OrganisationB,
            ["Api:Authentication:Clients:3:Issuer"] = ApiIssuer,
            ["Api:Authentication:Clients:3:ClientId"] = ReviewApp,
            ["Api:Authentication:Clients:3:Organisation"] = "payer",
            ["Api:Authentication:Clients:3:Access"] = "payer",

            ["Api:Authentication:People:0:Issuer"] = ApiIssuer,
            ["Api:Authentication:People:0:Subject"] = Physician,
            ["Api:Authentication:People:0:Id"] = Physician,
            ["Api:Authentication:People:0:Name"] = PhysicianName,
            ["Api:Authentication:People:0:Role"] = "physician",
            ["Api:Authentication:People:1:Issuer"] = ApiIssuer,
            ["Api:Authentication:People:1:Subject"] = Nurse,
            ["Api:Authentication:People:1:Id"] = Nurse,
            ["Api:Authentication:People:1:Name"] = NurseName,
            ["Api:Authentication:People:1:Role"] = "nurse",

            ["CdsHooks:Authentication:Issuers:0:Issuer"] = CdsIssuer,
            ["CdsHooks:Authentication:Issuers:0:Jwks"] = Jwks(CdsKey, "cds-key"),

            ["Workbench:Accounts:0:Id"] = Physician,
            ["Workbench:Accounts:0:Name"] = PhysicianName,
            ["Workbench:Accounts:0:Role"] = "physician",
            ["Workbench:Accounts:0:PasswordHash"] = hasher.HashPassword(new object(), PhysicianPassword),
            ["Workbench:Accounts:1:Id"] = Nurse,
            ["Workbench:Accounts:1:Name"] = NurseName,
            ["Workbench:Accounts:1:Role"] = "nurse",
            ["Workbench:Accounts:1:PasswordHash"] = hasher.HashPassword(new object(), NursePassword),
        };
        return s;
    }

    private async Task StartProcessAsync()
    {
        var start = StartInfo(_folder, _environment, BaseUrl.ToString().TrimEnd('/'), _settings);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (Output) Output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (Output) Output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        for (var i = 0; i < 300; i++)
        {
            if (process.HasExited) throw new InvalidOperationException($"the server exited at start ({process.ExitCode}):\n{Output}");
            try
            {
                using var response = await Http.GetAsync(new Uri("/health", UriKind.Relative));
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"the server did not start within 30 s:\n{Output}");
    }

    /// <summary>dotnet Coverage.Server.dll in an environment, at a URL, with every setting as a --Key=Value argument.</summary>
    private static ProcessStartInfo StartInfo(string folder, string environment, string url, IReadOnlyDictionary<string, string> settings)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(Path.GetDirectoryName(typeof(Program).Assembly.Location)!, "Coverage.Server.dll"));
        foreach (var argument in new[] { "--environment", environment, "--urls", url }) start.ArgumentList.Add(argument);
        foreach (var (key, value) in settings) start.ArgumentList.Add($"--{key}={value}");
        return start;
    }

    /// <summary>Starts the server with these settings and returns its exit code and output: for settings that must stop it.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(Action<Dictionary<string, string>> configure, TimeSpan timeout)
    {
        var folder = Directory.CreateTempSubdirectory("coverage-secure-").FullName;
        var settings = DefaultSettings(folder);
        configure(settings);
        var start = StartInfo(folder, "Production", $"http://127.0.0.1:{ServerProcess.FreePort()}", settings);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (-1, await output + await error);
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
        return (process.ExitCode, await output + await error);
    }

    /// <summary>
    /// Stops the server as a service manager does (SIGTERM): it stops taking calls, writes what it still holds
    /// (the aggregated security events) and exits. Throws when it does not exit within 30 s.
    /// </summary>
    public async Task StopGracefullyAsync()
    {
        if (_process is null || _process.HasExited) return;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
        _process.Dispose();
        _process = null;
    }

    private async Task StopProcessAsync()
    {
        if (_process is null) return;
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopProcessAsync();
        Http.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    // ------------------------------------------------------------------ tokens

    /// <summary>
    /// An API access token. A client-credentials token has no subject other than the client; a user-context
    /// token (<paramref name="subject"/> a person) names the person as sub and the app as client_id.
    /// </summary>
    public static string Token(
        string scope, string clientId, string? subject = null, string issuer = ApiIssuer, string? audience = null,
        TimeSpan? lifetime = null, string? type = "at+jwt", IDictionary<string, object>? claims = null)
    {
        var now = DateTime.UtcNow;
        var subjectClaims = new List<Claim> { new("client_id", clientId), new("scope", scope), new("sub", subject ?? clientId), new("jti", Guid.NewGuid().ToString()) };
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience ?? (issuer == ApiIssuer ? PublicBaseUrl : "https://coverage.partner-view.test"),
            IssuedAt = now.AddSeconds(-5),
            NotBefore = now.AddSeconds(-5),
            Expires = now + (lifetime ?? TimeSpan.FromMinutes(10)),
            Subject = new ClaimsIdentity(subjectClaims),
            Claims = claims,
            TokenType = type,
            SigningCredentials = new SigningCredentials(
                issuer == ApiIssuer ? new RsaSecurityKey(ApiKey) { KeyId = "api-key" } : new RsaSecurityKey(OtherApiKey) { KeyId = "other-key" },
                SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>A CDS Hooks 2.0 client JWT for one service, as an EHR signs it.</summary>
    public static string CdsToken(string service, string? jti = null, TimeSpan? lifetime = null, DateTime? expires = null, string? audience = null)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = CdsIssuer,
            Audience = audience ?? $"{PublicBaseUrl}/cds-services/{service}",
            IssuedAt = now.AddSeconds(-5),
            NotBefore = now.AddSeconds(-5),
            Expires = expires ?? now + (lifetime ?? TimeSpan.FromMinutes(4)),
            Subject = new ClaimsIdentity([new Claim("jti", jti ?? Guid.NewGuid().ToString())]),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(CdsKey) { KeyId = "cds-key" }, SecurityAlgorithms.RsaSha384),
        });
    }

    private const int LargeBody = 64 * 1024;

    /// <summary>Sends a request with a bearer token (or none) and a JSON body (or none).</summary>
    public async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> SendAsync(
        HttpMethod method, string path, string? token, string? json = null, string contentType = "application/json", IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, contentType);
        // A large body is offered with "Expect: 100-continue", as curl and other clients do: a server refusing it on its
        // headers (413) answers before the body is written, instead of closing a connection the client is still
        // writing into (a broken pipe, and no answer to assert on).
        if (json is not null && json.Length > LargeBody) request.Headers.ExpectContinue = true;
        if (headers is not null)
            foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, body, response);
    }

    private static string Jwks(RSA key, string kid) => TestJwks.Of((key, kid));
}
