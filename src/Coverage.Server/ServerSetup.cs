using Coverage.Engine.Catalogue;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Text;
using Coverage.Fhir.Crd;
using Coverage.Fhir.Pas;
using Coverage.Server.CdsHooks;
using Coverage.Server.Security;
using Coverage.Store;
using Microsoft.EntityFrameworkCore;

namespace Coverage.Server;

/// <summary>Reads the server's configuration: the catalogue and the case store.</summary>
internal static class ServerSetup
{
    /// <summary>The catalogue's folder: Catalogue:Path, else the copy of policies/ and plans/ built beside the server.</summary>
    private static string CatalogueRoot(IConfiguration configuration)
    {
        var configured = configuration["Catalogue:Path"];
        return string.IsNullOrWhiteSpace(configured) ? Path.Combine(AppContext.BaseDirectory, "catalogue") : Path.GetFullPath(configured);
    }

    /// <summary>Storage:Provider (sqlite or postgres) and Storage:ConnectionString; SQLite defaults to data/coverage.db.</summary>
    public static (StorageProvider Provider, string ConnectionString) Storage(IConfiguration configuration, IHostEnvironment environment)
    {
        var providerName = configuration["Storage:Provider"] ?? "sqlite";
        var provider = providerName.ToLowerInvariant() switch
        {
            "sqlite" => StorageProvider.Sqlite,
            "postgres" or "postgresql" => StorageProvider.Postgres,
            _ => throw new InvalidOperationException($"Storage:Provider '{providerName}' is not sqlite or postgres."),
        };
        var connectionString = configuration["Storage:ConnectionString"];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            if (provider == StorageProvider.Postgres)
                throw new InvalidOperationException("Storage:Provider is postgres but Storage:ConnectionString is empty.");
            var path = Path.Combine(environment.ContentRootPath, "data", "coverage.db");
            connectionString = $"Data Source={path}";
        }
        return (provider, connectionString);
    }

    /// <summary>
    /// The payer's X12 886 review decision reason codes (Pas:ReviewReasonCodesPath, relative to the content root): a
    /// licensed list the operator installs, not part of the catalogue (it changes no determination). None without the
    /// setting; a file that cannot be read or is invalid stops the server, naming the file and what is wrong.
    /// </summary>
    private static ReviewReasonCodes ReviewReasonCodesFile(IConfiguration configuration, IHostEnvironment environment)
    {
        if (configuration["Pas:ReviewReasonCodesPath"] is not { Length: > 0 } configured) return ReviewReasonCodes.None;
        var path = Path.GetFullPath(configured, environment.ContentRootPath);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"Pas:ReviewReasonCodesPath: {path} cannot be read ({e.Message}).", e);
        }
        // Read exactly: a stray byte would put U+FFFD into a reason's display that every provider is sent.
        var utf8 = Utf8Text.WithoutByteOrderMark(bytes);
        if (Utf8Text.Problem(utf8) is { } notUtf8) throw new InvalidOperationException($"Pas:ReviewReasonCodesPath: {path} {notUtf8}.");
        var json = System.Text.Encoding.UTF8.GetString(utf8);
        return ReviewReasonCodes.Read(json, out var problem) ?? throw new InvalidOperationException($"Pas:ReviewReasonCodesPath: {path} is invalid: {problem}.");
    }

    public static void AddCoverage(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var root = CatalogueRoot(configuration);
        var catalogue = CatalogueLoader.Load(root); // an invalid catalogue stops the server with file, path and reason
        // {id:fhir-id}: a FHIR resource id is never an operation's name ($submit, $status, …); see FhirResourceId.
        services.Configure<RouteOptions>(options => options.SetParameterPolicy<Endpoints.FhirResourceId>(Endpoints.FhirResourceId.Name));
        services.AddSingleton(catalogue);
        services.AddSingleton(new CatalogueSource(root));
        services.AddSingleton<CatalogueVersions>();
        // The workbench's impact candidates: by default the catalogues beside the server's own (catalogues/ of the repository).
        services.PostConfigure<Workbench.ImpactOptions>(options => options.CandidatesPath ??= Path.Combine(root, "catalogues"));
        services.AddSingleton<InformationRequestQuestionnaires>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new Evaluator(catalogue, sp.GetRequiredService<TimeProvider>()));
        var (provider, connectionString) = Storage(configuration, environment);
        services.AddCaseStore(provider, connectionString);
        services.AddSingleton(new StorageInfo(provider));

        // Da Vinci CRD and PAS.
        var crd = configuration.GetSection("Coverage").Get<CrdSettings>() ?? new CrdSettings();
        // Outside Development the server does not start without a usable public base URL (no URL from Host headers).
        if (CrdSettings.Check(crd.PublicBaseUrl, environment.IsDevelopment()) is { } invalid) throw new InvalidOperationException(invalid);
        if (crd.AllowedFhirServers.Select(FhirServerAllowList.Problem).OfType<string>().FirstOrDefault() is { } badServer) throw new InvalidOperationException(badServer);
        if (CrdSettings.CheckReadBudget(crd.FhirReadBudgetSeconds) is { } badBudget) throw new InvalidOperationException(badBudget);
        services.AddSingleton(crd);
        services.AddSingleton(ReviewReasonCodesFile(configuration, environment));
        services.AddHostedService<CrdSettings.ListeningAddress>();
        // An EHR's FHIR server and the JWK Sets (KeySetClients) are read without following redirects (an allowed URL could
        // otherwise send the payer elsewhere) and within a size (a read that would hold more fails, as an unreachable one does).
        services.AddHttpClient<FhirServerClient>(client =>
            {
                client.Timeout = TimeSpan.FromSeconds(10);
                client.MaxResponseContentBufferSize = FhirServerClient.MaxResponseBytes;
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        services.AddKeySetClients();
        var auth = configuration.GetSection("CdsHooks:Authentication").Get<CdsHooksAuthenticationOptions>() ?? new CdsHooksAuthenticationOptions();
        // On by default; only an explicit setting turns it off, and only in Development.
        if (!environment.IsDevelopment()) auth.Enabled = true;
        if (CdsHooksAuthenticationValidation.Problems(auth) is { Count: > 0 } problems)
            throw new InvalidOperationException("CdsHooks:Authentication is invalid: " + string.Join("; ", problems));
        services.AddSingleton(auth);
        services.AddSingleton<CdsHooksAuthenticator>();
        services.AddSingleton(configuration.GetSection("RateLimits:CdsHooks").Get<CdsHooksRateLimitOptions>() ?? new CdsHooksRateLimitOptions());
        services.AddSingleton<CdsHooksRateLimits>();

        // Refusals, 401s and 403s: audited bounded and aggregated per source.
        services.AddSecurityEvents(configuration);

        // OAuth 2.0 bearer tokens with scopes for the REST API and the FHIR endpoints.
        services.AddApiAuthentication(configuration, environment);
    }

    /// <summary>Brings the database to the latest migration before the server takes requests.</summary>
    public static void MigrateCaseStore(this WebApplication app)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CoverageDbContext>();
        if (db.Database.IsSqlite())
        {
            var connection = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(db.Database.GetConnectionString());
            var source = connection.DataSource;
            if (!string.IsNullOrEmpty(source) && source != ":memory:" && connection.Mode != Microsoft.Data.Sqlite.SqliteOpenMode.Memory)
            {
                // Member data: the folder (when the server creates it) is 0700 and the file 0600 (SQLite gives its -wal and -shm files the same mode).
                var path = Path.GetFullPath(source);
                if (Path.GetDirectoryName(path) is { } folder) PrivateFiles.CreateFolder(folder);
                PrivateFiles.CreateOrRestrictFile(path);
                PrivateFiles.Restrict(path + "-wal");
                PrivateFiles.Restrict(path + "-shm");
            }
        }
        db.Database.Migrate();
        // Readers must never block the one writer (SqliteWriteGate): write-ahead logging, said outright. EF sets it
        // only when it creates the file itself, and the file is now created beforehand, with its private mode.
        if (db.Database.IsSqlite()) db.Database.ExecuteSqlRaw("PRAGMA journal_mode = 'wal';");
    }

    /// <summary>
    /// Keeps the catalogue's files by digest before the server decides anything with them, so that every case can be
    /// shown with the rules it was decided by (the snapshot is taken from the folder; its digest must be the loaded one's).
    /// </summary>
    public static void KeepCatalogueSnapshot(this WebApplication app)
    {
        var catalogue = app.Services.GetRequiredService<PolicyCatalogue>();
        var snapshot = CatalogueLoader.Snapshot(app.Services.GetRequiredService<CatalogueSource>().Root);
        if (snapshot.Digest != catalogue.Digest)
            throw new InvalidOperationException($"The catalogue's files changed while the server started ({catalogue.Digest}, now {snapshot.Digest}); start it again.");
        using var scope = app.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<CatalogueSnapshotStore>().SaveAsync(snapshot).GetAwaiter().GetResult();
    }
}

internal sealed record StorageInfo(StorageProvider Provider);
