using Coverage.Engine.Catalogue;
using Coverage.Store;

namespace Coverage.Server.Endpoints;

/// <summary>GET /health: is the database reachable, and which catalogue is loaded.</summary>
internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", Health).WithName("Health").WithTags("Health").WithSummary("Database and catalogue status")
            .Produces<HealthReport>().Produces<HealthReport>(StatusCodes.Status503ServiceUnavailable);
        // The cheapest answer the server can give (no database, no catalogue): liveness, and the baseline of bench/load.sh.
        app.MapGet("/ping", Ping).WithName("Ping").WithTags("Health").WithSummary("Liveness: answers \"pong\" without touching the database");
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
