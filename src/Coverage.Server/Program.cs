using Coverage.Server;
using Coverage.Server.CdsHooks;
using Coverage.Server.Endpoints;
using Coverage.Server.Errors;
using Coverage.Server.Operations;
using Coverage.Server.Security;
using Coverage.Server.Subscriptions;
using Coverage.Server.Workbench;
using Microsoft.AspNetCore.Http.Json;

if (HashPasswordCommand.Matches(args))
{
    Environment.ExitCode = HashPasswordCommand.Run(Console.In, Console.Out, Console.Error, interactive: !Console.IsInputRedirected);
    return;
}

var builder = WebApplication.CreateBuilder(args);

// Slow or oversized requests are refused by the web server itself: 408 for a client that does not send
// its headers within 10 s or its body at 1,024 bytes/s (after 5 s), 413 beyond 1 MB; RequestBodyDeadline
// ends a body still arriving after Limits:RequestBodySeconds. No Server header: it only tells attackers what runs here.
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.Limits.MaxRequestBodySize = RequestBody.MaxBytes;
    kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
    kestrel.Limits.MinRequestBodyDataRate = new Microsoft.AspNetCore.Server.Kestrel.Core.MinDataRate(1024, TimeSpan.FromSeconds(5));
});

builder.Services.AddCoverage(builder.Configuration, builder.Environment);
builder.Services.AddPasSubscriptions(builder.Configuration, builder.Environment);
builder.Services.AddWorkbench(builder.Configuration, builder.Environment);
builder.Services.AddKeyProtection(builder.Configuration, builder.Environment);
builder.Services.AddKnownProxies(builder.Configuration);
builder.Services.AddRateLimits(builder.Configuration);
builder.Services.AddCrossOrigin(builder.Configuration);
builder.Services.AddErrorResponses();
builder.Services.AddHealthEndpoints();
builder.Services.AddTelemetry(builder.Configuration);
builder.Services.AddOpenApi(options =>
{
    options.AddDocumentTransformer((document, _, _) =>
    {
        document.Info.Title = "Coverage API";
        document.Info.Description = "Coverage determinations under computable medical coverage policies, kept as cases with an audit trail.";
        return Task.CompletedTask;
    });
    // How each operation is authorized, from the same scope table the policies are built from.
    options.AddDocumentTransformer<OpenApiSecurity>();
    options.AddOperationTransformer<OpenApiSecurity>();
    // The bodies the FHIR operations and the CDS services read themselves, and FHIR's media type.
    options.AddOperationTransformer<OpenApiBodies>();
});
builder.Services.Configure<JsonOptions>(o => o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never);

var app = builder.Build();

// HEAD is routed as the GET it stands for; routing comes right after (where it would be by default).
app.UseMiddleware<HeadRequests>();
app.UseRouting();
app.UseMiddleware<FhirPathCase>(); // FHIR's names are case-sensitive; routing is not
app.UseMiddleware<OperationMethods>(); // GET /fhir/Questionnaire/$questionnaire-package is 405, not a Questionnaire read

// Forwarded headers only from configured proxies; then the headers every response carries, errors included.
app.UseForwardedHeaders();
app.UseMiddleware<SecurityHeaders>();
if (!app.Environment.IsDevelopment()) app.UseHsts();
app.UseErrorResponses();
app.UseMiddleware<UnsupportedBodyEncoding>();
app.UseMiddleware<RequestBodyDeadline>();
app.UsePrometheusScraping();

app.MapOpenApi();
app.UseSwaggerUI(options =>
{
    options.SwaggerEndpoint("/openapi/v1.json", "Coverage API v1");
    options.RoutePrefix = "api-reference";
    options.DocumentTitle = "Coverage API reference";
});

app.UseCrossOrigin(app.Configuration); // a preflight carries no token: answered before authentication
app.UseAuthentication();
app.UseRateLimits(); // after authentication, so that an API client is limited as itself (see RateLimits)
app.UseAuthorization();

app.MapWorkbench();
app.MapHealthEndpoints();
app.MapPolicyPages();
app.MapCdsHooksEndpoints();
app.MapFhirEndpoints();
app.MapDtrEndpoints();
app.MapSubscriptionEndpoints();
var api = app.MapGroup("/api/v1");
api.MapDeterminationEndpoints();
api.MapCaseEndpoints();
api.MapAppealEndpoints();
api.MapReportEndpoints();

// The evaluator compiles every policy now: a catalogue the engine cannot run stops the server at start
// instead of answering every determination with a 500 while /health says healthy.
app.Services.GetRequiredService<Coverage.Engine.Evaluation.Evaluator>();
app.MigrateCaseStore();
app.KeepCatalogueSnapshot();
app.WarnIfKeysUnprotected();
app.Run();

/// <summary>The server's entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
