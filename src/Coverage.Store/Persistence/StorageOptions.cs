using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Coverage.Store;

public enum StorageProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Registers the case store for the configured provider.</summary>
public static class StorageRegistration
{
    public static IServiceCollection AddCaseStore(this IServiceCollection services, StorageProvider provider, string connectionString)
    {
        switch (provider)
        {
            case StorageProvider.Sqlite:
                services.AddSingleton<SqliteWriteGate>();
                // Pooled: a request reuses a reset context instead of building one (and its services) anew.
                services.AddDbContextPool<CoverageDbContext, SqliteCoverageDbContext>((sp, o) =>
                    QuietFailures(o.UseSqlite(connectionString).AddInterceptors(sp.GetRequiredService<SqliteWriteGate>(), sp.GetRequiredService<DeterminationCounting>())));
                break;
            case StorageProvider.Postgres:
                services.AddDbContextPool<CoverageDbContext, PostgresCoverageDbContext>((sp, o) =>
                    QuietFailures(o.UseNpgsql(connectionString).AddInterceptors(sp.GetRequiredService<DeterminationCounting>())));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(provider));
        }
        services.AddScoped<CaseService>();
        services.AddScoped<CatalogueSnapshotStore>();
        services.AddScoped<ServiceAudit>();
        services.AddScoped<MaintenanceLease>();
        services.AddScoped<RetentionPurge>();
        services.AddMetrics();
        services.AddSingleton<CoverageMetrics>();
        services.AddSingleton<DeterminationCounting>();
        services.AddSingleton<ServiceCallJournal>();
        services.AddSingleton<NewCaseWriter>();
        // Background work runs as hosted services. The journal's writer is registered before anything that writes
        // through it when it stops (the server's security events): the host stops services in reverse order.
        services.AddHostedService<ServiceCallJournalWriter>();
        services.AddHostedService<UsedTokenCleanup>();
        return services;
    }

    /// <summary>
    /// EF Core logs every failed command and SaveChanges as an error, with its exception. A failure the store
    /// handles — the unique index refusing the second of two racing submissions of one request id, which then
    /// answers with the winner's case — is not an error, and a failure it does not handle reaches the caller, who
    /// logs it once (503 for an outage, else the server's exception handler). So EF's own reports are debug.
    /// </summary>
    private static DbContextOptionsBuilder QuietFailures(DbContextOptionsBuilder options) =>
        options.ConfigureWarnings(w => w.Log((RelationalEventId.CommandError, LogLevel.Debug), (CoreEventId.SaveChangesFailed, LogLevel.Debug)));
}

// Design-time factories: `dotnet ef migrations add` uses them to build each provider's migrations.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteCoverageDbContext>
{
    public SqliteCoverageDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteCoverageDbContext>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresCoverageDbContext>
{
    public PostgresCoverageDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresCoverageDbContext>().UseNpgsql("Host=localhost;Database=design").Options);
}
