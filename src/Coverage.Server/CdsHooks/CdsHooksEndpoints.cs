using System.Text.Json;
using Coverage.Engine.Evaluation;
using Coverage.Fhir;
using Coverage.Fhir.Crd;
using Coverage.Server.Endpoints;
using Coverage.Store;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;

namespace Coverage.Server.CdsHooks;

/// <summary>Da Vinci CRD over CDS Hooks 2.0: discovery and one endpoint per service.</summary>
internal static class CdsHooksEndpoints
{
    public static IEndpointRouteBuilder MapCdsHooksEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/cds-services").WithTags("CDS Hooks (Da Vinci CRD)");
        group.MapGet("/", Discovery).WithName("CdsDiscovery").WithSummary("CDS Hooks discovery: the CRD services and their prefetch templates");
        group.MapPost("/{id}", Call).WithName("CdsServiceCall").WithSummary("Call a CRD service with a CDS Hooks request (application/json)");
        return app;
    }

    private static Microsoft.AspNetCore.Http.HttpResults.Ok<CdsDiscovery> Discovery() => TypedResults.Ok(new CdsDiscovery(
        CdsServices.All.Select(s => new CdsServiceDescription(s.Hook, s.Id, s.Title, s.Description, s.Prefetch)).ToList()));

    private static async Task<IResult> Call(
        string id, HttpRequest request, Evaluator evaluator, FhirServerClient fhir, TimeProvider time, CrdSettings settings,
        CdsHooksAuthenticationOptions authOptions, CdsHooksAuthenticator authenticator, TokenReplayGuard replay, ServiceAudit audit,
        CancellationToken cancellationToken)
    {
        var service = CdsServices.Find(id);
        if (service is null) return FhirResults.Outcome(Outcomes.Of(OperationOutcome.IssueType.NotFound, $"No CDS service '{id}'."), 404);

        var actor = Actor.Anonymous;
        if (authOptions.Enabled)
        {
            var audience = $"{settings.BaseUrl(request)}/cds-services/{id}";
            var check = await authenticator.AuthenticateAsync(request, audience, replay, cancellationToken);
            if (!check.Valid) return await Refused(check.Error!);
            actor = new Actor(check.Issuer!, "cds-client");
        }

        // From here on, every answer commits the token's use (with the audit event when there is one), and a
        // call that loses a race for the same token is refused as a replay would have been.
        if (!request.HasJsonContentType())
            return await Answer(null, null, FhirResults.Outcome(Outcomes.Invalid("Send the CDS Hooks request as application/json."), 415));
        var body = await RequestBody.ReadAsync(request, cancellationToken);
        if (RequestBody.CheckText(body) is { } invalid) return FhirResults.Outcome(Outcomes.Invalid($"The request is invalid: {invalid.Message}."), 400);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            return await Answer(null, null, FhirResults.Outcome(Outcomes.Invalid($"The request is not valid JSON: {e.Message.Split(" Path:")[0]}"), 400));
        }
        using (document)
        {
            var hookRequest = CdsHookRequest.Read(document.RootElement, service.Hook, out var error);
            if (hookRequest is null)
                return await Answer("hook-refused", $"Malformed request: {error}", FhirResults.Outcome(Outcomes.Invalid(error!), 400));
            var crd = new CrdService(evaluator, fhir, time, settings.Crd(request));
            var result = await crd.HandleAsync(hookRequest, cancellationToken);
            return await Answer(result.Status == 200 ? "hook-answered" : "hook-refused", result.AuditDetail, result.Status == 200
                ? TypedResults.Text(result.ResponseJson!, "application/json")
                : FhirResults.Outcome(result.Error!, result.Status));
        }

        async Task<IResult> Answer(string? action, string? detail, IResult answer)
        {
            try
            {
                if (action is null) await replay.CommitAsync(cancellationToken);
                else await audit.RecordAsync($"cds-hooks/{id}", action, actor, detail!, cancellationToken);
            }
            catch (DbUpdateException) when (authOptions.Enabled)
            {
                if (!await replay.LostRaceAsync(cancellationToken)) throw;
                return await Refused(CdsHooksAuthenticator.ReplayedJti);
            }
            return answer;
        }

        async Task<IResult> Refused(string reason)
        {
            await audit.RecordAsync($"cds-hooks/{id}", "hook-refused", Actor.Anonymous, $"Authentication failed: {reason}.", cancellationToken);
            request.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
            return FhirResults.Outcome(Outcomes.Of(OperationOutcome.IssueType.Login, $"Authentication failed: {reason}."), 401);
        }
    }
}

public sealed record CdsDiscovery(IReadOnlyList<CdsServiceDescription> Services);

public sealed record CdsServiceDescription(string Hook, string Id, string Title, string Description, IReadOnlyDictionary<string, string> Prefetch);

/// <summary>Where the server is reachable (for aud and policy links) and which FHIR servers it may read.</summary>
public sealed class CrdSettings
{
    /// <summary>Coverage:PublicBaseUrl, e.g. https://coverage.payer.example; else the request's own scheme and host.</summary>
    public string? PublicBaseUrl { get; set; }
    public List<string> AllowedFhirServers { get; set; } = [];

    public string BaseUrl(HttpRequest request) =>
        (string.IsNullOrWhiteSpace(PublicBaseUrl) ? $"{request.Scheme}://{request.Host}{request.PathBase}" : PublicBaseUrl).TrimEnd('/');

    public CrdOptions Crd(HttpRequest request) => new()
    {
        PolicyBaseUrl = $"{BaseUrl(request)}/policies",
        AllowedFhirServers = AllowedFhirServers,
    };
}
