using Coverage.Store;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Coverage.Server.Operations;

/// <summary>
/// OpenTelemetry: traces of requests (and their PostgreSQL commands), metrics of requests and of the server's own
/// meter (<see cref="CoverageMetrics"/>), and logs. Exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (as
/// an environment variable or a setting; the other OTEL_EXPORTER_OTLP_* settings apply), and the metrics scraped
/// at /metrics when Metrics:Prometheus:Enabled (<see cref="MetricsScrapeAccess"/>). With neither, nothing is
/// collected. What is recorded names routes, statuses, outcomes and policy ids, never member data: request spans
/// carry the route and the path (case ids, no member id), query strings are redacted, and SQL is recorded without
/// its parameter values.
/// </summary>
internal static class Telemetry
{
    public const string ServiceName = "coverage-server";
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static IServiceCollection AddTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var prometheus = configuration.GetSection(PrometheusOptions.Section).Get<PrometheusOptions>() ?? new PrometheusOptions();
        services.AddSingleton(prometheus);
        services.AddSingleton<MetricsScrapeAccess>();
        var otlp = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]);
        if (!otlp && !prometheus.Enabled) return services;

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName, serviceVersion: Coverage.Engine.Evaluation.Evaluator.EngineVersion))
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation().AddMeter(CoverageMetrics.MeterName, CoverageMetrics.DatabaseDriverSource);
                if (prometheus.Enabled) metrics.AddPrometheusExporter();
            });
        if (otlp)
        {
            // Probes and scrapes are not traced: they would be most of the spans and say nothing.
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsProbe(context.Request.Path))
                .AddSource(CoverageMetrics.DatabaseDriverSource));
            telemetry.WithLogging(configureBuilder: null, configureOptions: o => o.IncludeFormattedMessage = true);
            telemetry.UseOtlpExporter();
        }
        return services;
    }

    /// <summary>/metrics for Prometheus, when enabled: before authentication and rate limits, for the callers <see cref="MetricsScrapeAccess"/> allows.</summary>
    public static IApplicationBuilder UsePrometheusScraping(this IApplicationBuilder app)
    {
        var access = app.ApplicationServices.GetRequiredService<MetricsScrapeAccess>();
        if (access.Enabled) app.UseOpenTelemetryPrometheusScrapingEndpoint(access.Allows);
        return app;
    }

    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/ping") || path.StartsWithSegments("/metrics");
}
