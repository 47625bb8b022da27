using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.DependencyInjection;

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
                    o.UseSqlite(connectionString).AddInterceptors(sp.GetRequiredService<SqliteWriteGate>()));
                break;
            case StorageProvider.Postgres:
                services.AddDbContextPool<CoverageDbContext, PostgresCoverageDbContext>(o =>
                    o.UseNpgsql(connectionString));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(provider));
        }
        services.AddScoped<CaseService>();
        services.AddScoped<ServiceAudit>();
        services.AddSingleton<ServiceCallJournal>();
        return services;
    }
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
