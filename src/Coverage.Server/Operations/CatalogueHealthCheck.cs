using Coverage.Engine.Catalogue;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Coverage.Server.Operations;

/// <summary>
/// Readiness: a catalogue is loaded with policies to decide by. The server does not start without a valid one,
/// so this fails only for a catalogue folder that holds no policy at all — which would answer every line "no policy".
/// </summary>
internal sealed class CatalogueHealthCheck(PolicyCatalogue catalogue) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["digest"] = catalogue.Digest, ["policies"] = catalogue.Policies.Count, ["plans"] = catalogue.Plans.Count };
        return Task.FromResult(catalogue.Policies.Count > 0
            ? HealthCheckResult.Healthy($"Catalogue {catalogue.Digest}: policies {catalogue.Policies.Count}, plans {catalogue.Plans.Count}.", data)
            : HealthCheckResult.Unhealthy("The catalogue holds no policy.", data: data));
    }
}
