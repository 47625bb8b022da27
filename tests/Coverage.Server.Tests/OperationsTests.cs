using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coverage.Server.Tests.Security;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;

namespace Coverage.Server.Tests;

/// <summary>
/// What operators watch: liveness and readiness, the Prometheus scrape (only where configured, only for direct
/// callers from allowed networks), and traces and logs exported over OTLP without member data.
/// </summary>
public sealed class OperationsTests(SqliteStorage storage) : IClassFixture<SqliteStorage>
{
    private const string MemberId = "M-OPS-SECRET-42";

    private static string Determination()
    {
        var request = JsonNode.Parse(CoverageApp.Sample("cryoablation-prior-auth.json"))!;
        request["requestId"] = Api.NewId();
        request["member"]!["id"] = MemberId;
        return request.ToJsonString();
    }

    [Fact]
    public async Task RealServer_AnswersLivenessAndReadiness_AndPrometheusCountsDeterminations_ForDirectLocalScrapersOnly()
    {
        await using var server = await SecureServer.StartAsync(s => s["Metrics:Prometheus:Enabled"] = "true");

        var (live, liveBody, _) = await server.SendAsync(HttpMethod.Get, "/health/live", null);
        Assert.Equal(HttpStatusCode.OK, live);
        Assert.Equal("healthy", JsonDocument.Parse(liveBody).RootElement.GetProperty("status").GetString());
        var (ready, readyBody, _) = await server.SendAsync(HttpMethod.Get, "/health/ready", null);
        Assert.Equal(HttpStatusCode.OK, ready);
        var checks = JsonDocument.Parse(readyBody).RootElement.GetProperty("checks");
        foreach (var check in new[] { "database", "catalogue", "journal" })
            Assert.Equal("healthy", checks.GetProperty(check).GetProperty("status").GetString());
        // The existing endpoints are unchanged.
        Assert.Equal(HttpStatusCode.OK, (await server.SendAsync(HttpMethod.Get, "/health", null)).Status);
        Assert.Equal(HttpStatusCode.OK, (await server.SendAsync(HttpMethod.Get, "/ping", null)).Status);

        var (created, _, _) = await server.SendAsync(HttpMethod.Post, "/api/v1/determinations", SecureServer.Token("coverage/cases.write", SecureServer.PortalA), Determination());
        Assert.Equal(HttpStatusCode.Created, created);

        var (scraped, metrics, response) = await server.SendAsync(HttpMethod.Get, "/metrics", null);
        Assert.Equal(HttpStatusCode.OK, scraped);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        var determined = metrics.Split('\n').Where(l => l.StartsWith("coverage_determinations_total{", StringComparison.Ordinal)).ToList();
        Assert.Contains(determined, l => l.Contains("coverage_policy=\"0540\"", StringComparison.Ordinal) && l.Contains("coverage_outcome=", StringComparison.Ordinal));
        Assert.Contains("coverage_journal_queue_depth", metrics, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain(MemberId, metrics, StringComparison.Ordinal);

        // Through a proxy, even one on loopback, the metrics are not there.
        var proxied = new Dictionary<string, string> { ["X-Forwarded-For"] = "203.0.113.9" };
        Assert.Equal(HttpStatusCode.NotFound, (await server.SendAsync(HttpMethod.Get, "/metrics", null, headers: proxied)).Status);
        var fromLoopbackProxy = new Dictionary<string, string> { ["X-Forwarded-For"] = "127.0.0.1" };
        Assert.Equal(HttpStatusCode.NotFound, (await server.SendAsync(HttpMethod.Get, "/metrics", null, headers: fromLoopbackProxy)).Status);
    }

    [Fact]
    public async Task Metrics_AreNotServedUnlessConfigured()
    {
        using var app = new CoverageApp(storage, new FakeTimeProvider(CoverageApp.Start));
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri("/metrics", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task WithAnOtlpEndpoint_RequestsAreTracedAndLogsExported_WithoutMemberData()
    {
        var spans = new List<Activity>();
        var logs = new List<LogRecord>();
        using (var app = new CoverageApp(storage, new FakeTimeProvider(CoverageApp.Start), builder =>
        {
            // Nothing listens there: the test reads what would be exported from the in-memory exporters.
            builder.UseSetting("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9");
            builder.ConfigureTestServices(services =>
            {
                OpenTelemetry.Trace.OpenTelemetryDependencyInjectionTracingServiceCollectionExtensions.ConfigureOpenTelemetryTracerProvider(services, t => t.AddInMemoryExporter(spans));
                OpenTelemetry.Logs.OpenTelemetryDependencyInjectionLoggingServiceCollectionExtensions.ConfigureOpenTelemetryLoggerProvider(services, l => l.AddInMemoryExporter(logs));
            });
        }))
        {
            using var client = app.CreateClient();
            var (status, created, _) = await Api.Post(client, "/api/v1/determinations", Determination());
            Assert.Equal(HttpStatusCode.Created, status);
            await Api.Get(client, $"/api/v1/cases/{created.Str("caseId")}");
            // An input error echoes the bad value to the caller, never to the logs or traces.
            await Api.Post(client, "/api/v1/determinations", $$"""{"member":{"id":"{{MemberId}}","birthDate":"1944-02-30"},"dateOfService":"2026-05-04","serviceLines":[{"code":"0581T"}]}""");
            await Api.Get(client, $"/api/v1/cases?member={MemberId}");
        }

        Assert.Contains(spans, s => s.Kind == ActivityKind.Server && s.GetTagItem("http.route") as string == "/api/v1/determinations");
        var traced = spans.SelectMany(s => s.TagObjects.Select(t => $"{t.Key}={t.Value}").Append(s.DisplayName)).ToList();
        Assert.DoesNotContain(traced, t => t.Contains(MemberId, StringComparison.Ordinal) || t.Contains("1944-02-30", StringComparison.Ordinal));
        var logged = logs.SelectMany(l => (l.Attributes ?? []).Select(a => $"{a.Key}={a.Value}").Append(l.FormattedMessage ?? "").Append(l.Body ?? "")).ToList();
        Assert.NotEmpty(logged);
        Assert.DoesNotContain(logged, t => t.Contains(MemberId, StringComparison.Ordinal) || t.Contains("1944-02-30", StringComparison.Ordinal));
    }
}
