using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Coverage.Server.Tests;

/// <summary>Member identifiers and clinical facts never reach the plain logs, whatever the server does.</summary>
public sealed class PlainLogTests(SqliteStorage storage) : IClassFixture<SqliteStorage>
{
    [Fact]
    public async Task FullRun_LogsCarryNoMemberIdentifiersOrClinicalFacts()
    {
        var logs = new CapturedLogs();
        var fhirServer = new FakeFhirServer();
        fhirServer.Add("Patient/pat-1", Ehr.Patient(memberId: "M-SECRET-42", birthDate: "1944-02-29"));
        fhirServer.Add("Coverage?patient=pat-1&status=active", Ehr.SearchSet(Ehr.Coverage(memberId: "M-SECRET-42")));
        using var app = new CoverageApp(storage, new FakeTimeProvider(CoverageApp.Start), builder =>
        {
            builder.UseSetting("Coverage:AllowedFhirServers:0", FakeFhirServer.BaseUrl);
            builder.ConfigureLogging(logging => logging.AddProvider(logs));
            builder.ConfigureTestServices(services => services.AddHttpClient<Coverage.Fhir.Crd.FhirServerClient>().ConfigurePrimaryHttpMessageHandler(() => fhirServer));
        });
        using var client = app.CreateClient();

        // REST: submit, read, list, decide, audit, and a pended case completed with information.
        var request = JsonNode.Parse(CoverageApp.Sample("cryoablation-prior-auth.json"))!;
        request["requestId"] = Api.NewId();
        request["member"]!["id"] = "M-SECRET-42";
        request["member"]!["birthDate"] = "1944-02-29";
        var (_, created, _) = await Api.Post(client, "/api/v1/determinations", request.ToJsonString());
        var caseId = created.Str("caseId");
        await Api.Get(client, $"/api/v1/cases/{caseId}");
        await Api.Get(client, "/api/v1/cases?status=pending-physician-review");
        await Api.Post(client, $"/api/v1/cases/{caseId}/decisions", Api.Decision((1, "uphold", "Not medically necessary.")));
        await Api.Get(client, $"/api/v1/cases/{caseId}/audit");
        var pended = JsonNode.Parse(CoverageApp.Sample("unlisted-without-description.json"))!;
        pended["requestId"] = Api.NewId();
        pended["member"]!["id"] = "M-SECRET-42";
        var (_, pendedCase, _) = await Api.Post(client, "/api/v1/determinations", pended.ToJsonString());
        await Api.Post(client, $"/api/v1/cases/{pendedCase.Str("caseId")}/information", """{"serviceLines":[{"sequence":1,"description":"microwave ablation"}]}""");
        // Input errors echo the bad value in the response, never in the logs.
        await Api.Post(client, "/api/v1/determinations", """{"member":{"id":"M-SECRET-42","birthDate":"1944-02-30"},"dateOfService":"2026-05-04","serviceLines":[{"code":"0581T"}]}""");

        // CRD: with prefetch, and reading the patient back from the EHR.
        await Api.Post(client, "/cds-services/order-sign", Ehr.OrderSign(Ehr.Order("0581T")).ToJsonString());
        var crd = Ehr.HookRequest("order-sign", new JsonObject { ["draftOrders"] = Ehr.Node(Ehr.Collection(Ehr.Order("0581T"))) }, prefetch: false);
        crd["fhirServer"] = FakeFhirServer.BaseUrl;
        crd["fhirAuthorization"] = new JsonObject { ["access_token"] = "secret-token", ["token_type"] = "Bearer" };
        await Api.Post(client, "/cds-services/order-sign", crd.ToJsonString());

        // PAS.
        var bundle = CoverageApp.Sample("pas-submit-bundle.json").Replace("M-77", "M-SECRET-42", StringComparison.Ordinal)
            .Replace("PA-20260504-0001", Api.NewId(), StringComparison.Ordinal);
        await Api.Send(client, HttpMethod.Post, "/fhir/Claim/$submit", bundle, "application/fhir+json");
        await Api.Send(client, HttpMethod.Post, "/fhir/Claim/$inquire", bundle, "application/fhir+json");

        Assert.NotEmpty(logs.Messages); // the run did log
        foreach (var secret in new[] { "M-SECRET-42", "1944-02-29", "1944-02-30", "pat-1", "C50.412", "C50.411", "secret-token", "Example" })
            Assert.DoesNotContain(logs.Messages, m => m.Contains(secret, StringComparison.Ordinal));
    }

    private sealed class CapturedLogs : ILoggerProvider
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Messages);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                messages.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
        }
    }
}
