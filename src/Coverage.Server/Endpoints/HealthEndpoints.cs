using Coverage.Engine.Catalogue;
using Coverage.Server.Operations;
using Coverage.Store;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Coverage.Server.Endpoints;

/// <summary>
/// The health endpoints: GET /health (is the database reachable, and which catalogue is loaded), GET /ping, and
/// the ASP.NET Core health checks for orchestrators — /health/live (the process answers; no dependency, so that a
/// database outage never restarts the server) and /health/ready (database, catalogue, journal: 503 when one of them
/// is unhealthy, so that a load balancer sends no calls).
/// </summary>
internal static class HealthEndpoints
{
    public const string ReadinessTag = "ready";

    public static IServiceCollection AddHealthEndpoints(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddDbContextCheck<CoverageDbContext>("database", tags: [ReadinessTag])
            .AddCheck<CatalogueHealthCheck>("catalogue", tags: [ReadinessTag])
            .AddCheck<JournalHealthCheck>("journal", tags: [ReadinessTag]);
        return services;
    }

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        // Probes are never rate-limited (they do no work a flood could use; a liveness probe behind the same NAT as a
        // noisy client must not see 429 and restart the pod), and answer GET and HEAD only: MapHealthChecks maps every
        // method, so the GET metadata makes routing answer any other with 405 and Allow, as every route does.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponses.WriteAsync })
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Get])).DisableRateLimiting()
            .WithName("Liveness").WithTags("Health").WithSummary("Liveness: the process answers (no dependency is checked)");
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadinessTag), ResponseWriter = HealthResponses.WriteAsync })
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Get])).DisableRateLimiting()
            .WithName("Readiness").WithTags("Health").WithSummary("Readiness: database, catalogue and journal (503 when one is unhealthy)");
        app.MapGet("/health", Health).WithName("Health").WithTags("Health").WithSummary("Database and catalogue status")
            .Produces<HealthReport>().Produces<HealthReport>(StatusCodes.Status503ServiceUnavailable);
        // The cheapest answer the server can give (no database, no catalogue): liveness, and the baseline of bench/load.sh.
        app.MapGet("/ping", Ping).DisableRateLimiting().WithName("Ping").WithTags("Health").WithSummary("Liveness: answers \"pong\" without touching the database");
        return app;
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ContentHttpResult Ping() => TypedResults.Text("pong");

    private static async Task<IResult> Health(CoverageDbContext db, PolicyCatalogue catalogue, StorageInfo storage, CancellationToken cancellationToken)
    {
        bool reachable;
        try
        {
            reachable = await db.Database.CanConnectAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            reachable = false;
        }
        var report = new HealthReport(
            reachable ? "healthy" : "unhealthy",
            new DatabaseHealth(storage.Provider.ToString().ToLowerInvariant(), reachable ? "reachable" : "unreachable"),
            new CatalogueHealth(
                "loaded",
                catalogue.Digest,
                catalogue.Policies.Select(p => new PolicyHealth(p.Id, p.Title, p.CurrentVersion.Version, p.NextReviewDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))).ToList(),
                catalogue.Plans.Select(p => p.Id).ToList()));
        return reachable ? TypedResults.Ok(report) : TypedResults.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}

public sealed record HealthReport(string Status, DatabaseHealth Database, CatalogueHealth Catalogue);

public sealed record DatabaseHealth(string Provider, string Status);

public sealed record CatalogueHealth(string Status, string Digest, IReadOnlyList<PolicyHealth> Policies, IReadOnlyList<string> Plans);

public sealed record PolicyHealth(string Id, string Title, string CurrentVersion, string NextReviewDate);
