using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Coverage.Server.Tests;

/// <summary>The real server in memory, on the given storage, with a clock the test controls.</summary>
public sealed class CoverageApp(Storage storage, FakeTimeProvider clock, Action<IWebHostBuilder>? configure = null) : WebApplicationFactory<Program>
{
    public static readonly DateTimeOffset Start = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Clock { get; } = clock;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:Provider", storage.Provider);
        builder.UseSetting("Storage:ConnectionString", storage.ConnectionString);
        builder.UseSetting("Catalogue:Path", RepositoryRoot);
        // The in-memory server's address (tokens' aud and links name it): the server never takes it from a Host header.
        builder.UseSetting("Coverage:PublicBaseUrl", "http://localhost");
        // Local development convenience: CDS clients are not authenticated unless a test says so.
        builder.UseSetting("CdsHooks:Authentication:Enabled", "false");
        // Many tests send thousands of requests from the in-memory server's one (absent) address; the rate
        // limits have tests of their own against the real process (Security/RateLimitTests).
        builder.UseSetting("RateLimits:PerClientPerMinute", "100000000");
        builder.UseSetting("RateLimits:AnonymousPerSourcePerMinute", "100000000");
        builder.UseSetting("RateLimits:CdsHooksPerSourcePerMinute", "100000000");
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
        });
        configure?.Invoke(builder);
    }

    public static string RepositoryRoot => Coverage.Testing.RepositoryRoot.Path;

    public static string Sample(string name) => File.ReadAllText(Path.Combine(RepositoryRoot, "samples", name));

    /// <summary>Works on the server's database directly, with a context of its own scope (rows a test sets up or checks).</summary>
    public async Task<T> WithDbAsync<T>(Func<Coverage.Store.CoverageDbContext, Task<T>> work)
    {
        using var scope = Services.CreateScope();
        return await work(scope.ServiceProvider.GetRequiredService<Coverage.Store.CoverageDbContext>());
    }

    /// <inheritdoc cref="WithDbAsync{T}"/>
    public Task WithDbAsync(Func<Coverage.Store.CoverageDbContext, Task> work) => WithDbAsync(async db =>
    {
        await work(db);
        return true;
    });
}
