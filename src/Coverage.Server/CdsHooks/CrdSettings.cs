using Coverage.Fhir.Crd;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Coverage.Server.CdsHooks;

/// <summary>Where the server is reachable (for aud and every URL it emits) and which FHIR servers it may read.</summary>
public sealed class CrdSettings
{
    public const string PublicBaseUrlKey = "Coverage:PublicBaseUrl";

    /// <summary>
    /// Coverage:PublicBaseUrl, e.g. https://coverage.payer.example: the address clients use. Required outside
    /// Development (checked at start, <see cref="Check"/>).
    /// </summary>
    public string? PublicBaseUrl { get; set; }
    public List<string> AllowedFhirServers { get; set; } = [];

    /// <summary>
    /// Coverage:FhirReadBudgetSeconds: the most time one hook call spends reading from the EHR's FHIR server, all its
    /// reads together (1–60; default 5). Checked at start (<see cref="CheckReadBudget"/>).
    /// </summary>
    public double FhirReadBudgetSeconds { get; set; } = CrdOptions.DefaultFhirReadBudget.TotalSeconds;

    /// <summary><see cref="AllowedFhirServers"/> parsed once (the options are built for every hook call).</summary>
    private FhirServerAllowList? _allowedFhirServers;

    /// <summary>
    /// Coverage:Payer: the payer this server answers for — Name (the label of its cards, and a Coverage.payor display
    /// it recognises) and Identifiers ("system|value", e.g. its NAIC code) a Coverage.payor names it by. Unset: every
    /// Coverage is taken as this payer's (hook-13 cannot be checked without knowing who the payer is).
    /// </summary>
    public PayerSettings? Payer { get; set; }

    /// <summary><see cref="Payer"/> as the adapters check it (CRD's Coverage.payor, PAS's Claim.insurer, DTR's coverage).</summary>
    public PayerIdentity PayerIdentity => Payer is { Name: { Length: > 0 } name } ? new PayerIdentity(name, Payer.Identifiers) : PayerIdentity.Unnamed;

    /// <summary>
    /// Coverage:AdaptiveForms: this payer uses DTR adaptive forms — the questionnaire canonical CRD and a reviewer's
    /// request name, and the package an order gets, is each questionnaire's adaptive form (questions from
    /// $next-question). Off: the standard form. Either form is served by its own canonical whatever the setting.
    /// </summary>
    public bool AdaptiveForms { get; set; }

    /// <summary>The canonicals of the DTR resources this server generates, under its FHIR base, in the form this payer uses.</summary>
    public Fhir.Dtr.DtrCanonicals Dtr() => new($"{BaseUrl}/fhir", AdaptiveForms);

    /// <summary>Development without a public base URL: where the server listens, once it does.</summary>
    internal string? ListeningUrl { get; set; }

    /// <summary>
    /// The base of every URL the server checks (a CDS token's aud) or emits (links, FHIR fullUrls): the configured
    /// public base URL — never the request's Host header, which the caller writes: built from it, a token minted
    /// for another payer's server would be accepted by sending that server's name as Host. In Development without
    /// one, the address the server listens on, else http://localhost (the in-memory test server).
    /// </summary>
    public string BaseUrl => (string.IsNullOrWhiteSpace(PublicBaseUrl) ? ListeningUrl ?? "http://localhost" : PublicBaseUrl).TrimEnd('/');

    public CrdOptions Crd() => new()
    {
        PolicyBaseUrl = $"{BaseUrl}/policies",
        QuestionnairesFor = Dtr().QuestionnairesFor,
        AllowedFhirServers = _allowedFhirServers ??= new FhirServerAllowList(AllowedFhirServers),
        Payer = PayerIdentity,
        PasSubmitUrl = $"{BaseUrl}/fhir/Claim/$submit",
        FhirReadBudget = TimeSpan.FromSeconds(FhirReadBudgetSeconds),
        DecisionTimeframes = (catalogue, planId) =>
        {
            // The plan's line of business chooses the regulation's clocks; a plan we do not know, or one naming none, gets the shortest.
            var lineOfBusiness = planId is null ? null : catalogue.FindPlan(planId)?.LineOfBusiness;
            return (Cases.DecisionClocks.For(lineOfBusiness, Engine.Model.RequestPriority.Standard, appeal: false).Timeframe,
                Cases.DecisionClocks.For(lineOfBusiness, Engine.Model.RequestPriority.Expedited, appeal: false).Timeframe);
        },
    };

    /// <summary>Why <see cref="FhirReadBudgetSeconds"/> cannot be used, naming the setting; null when it can.</summary>
    public static string? CheckReadBudget(double seconds) =>
        seconds is >= 1 and <= 60 ? null : $"Coverage:FhirReadBudgetSeconds must be 1 to 60 (seconds); it is {seconds}.";

    /// <summary>
    /// Why the public base URL cannot be used, naming the setting; null when it can. It must be an absolute http(s)
    /// URL without query or fragment; outside Development it is required and must be https, unless its host is
    /// loopback (a server only this machine reaches, or one behind a local TLS proxy).
    /// </summary>
    public static string? Check(string? url, bool development)
    {
        if (string.IsNullOrWhiteSpace(url))
            return development ? null : $"{PublicBaseUrlKey} is required outside Development: set it to the https URL clients reach this server at " +
                "(e.g. https://coverage.payer.example). CDS Hooks token audiences and every URL the server emits are built from it, never from a request's Host header.";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
            return $"{PublicBaseUrlKey} '{url}' is not an absolute http(s) URL without query, fragment or user info (e.g. https://coverage.payer.example).";
        if (!development && uri.Scheme != Uri.UriSchemeHttps && !uri.IsLoopback)
            return $"{PublicBaseUrlKey} '{url}' must be https outside Development (http only for localhost, 127.0.0.1 or [::1]).";
        return null;
    }

    /// <summary>Development without a public base URL: notes the address the server listens on once it has started.</summary>
    internal sealed class ListeningAddress(CrdSettings settings, IServer server) : IHostedLifecycleService
    {
        public Task StartedAsync(CancellationToken cancellationToken)
        {
            if (!string.IsNullOrWhiteSpace(settings.PublicBaseUrl)) return Task.CompletedTask;
            var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
            if (address is not null && Uri.TryCreate(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri))
            {
                var host = uri.Host is "0.0.0.0" or "[::]" ? "localhost" : uri.Host; // a wildcard is no address to give out
                settings.ListeningUrl = $"{uri.Scheme}://{host}:{uri.Port}";
            }
            return Task.CompletedTask;
        }

        public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>Coverage:Payer (see <see cref="CrdSettings.Payer"/>).</summary>
public sealed class PayerSettings
{
    public string? Name { get; set; }
    public List<string> Identifiers { get; set; } = [];
}
