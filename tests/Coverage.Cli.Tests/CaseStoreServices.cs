using Coverage.Engine.Catalogue;
using Coverage.Engine.Evaluation;
using Coverage.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Coverage.Cli.Tests;

/// <summary>A case store as the server uses it (its case service on the repository's catalogue), for tests to fill before the CLI reads it.</summary>
internal static class CaseStoreServices
{
    public static ServiceCollection Of(StorageProvider provider, string connection)
    {
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new Evaluator(CatalogueLoader.Load(CliRunner.RepositoryRoot), TimeProvider.System));
        services.AddLogging();
        services.AddCaseStore(provider, connection);
        return services;
    }

    /// <summary>The store's services, its schema made.</summary>
    public static async Task<ServiceProvider> MigratedAsync(StorageProvider provider, string connection)
    {
        var services = Of(provider, connection).BuildServiceProvider();
        using var scope = services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<CoverageDbContext>().Database.MigrateAsync();
        return services;
    }
}
