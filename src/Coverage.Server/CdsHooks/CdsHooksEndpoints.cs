using System.Text.Json;
using Coverage.Engine.Evaluation;
using Coverage.Fhir;
using Coverage.Fhir.Crd;
using Coverage.Server.Endpoints;
using Coverage.Store;
using Hl7.Fhir.Model;

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
        CdsHooksAuthenticationOptions authOptions, CdsHooksAuthenticator authenticator, ServiceCallJournal journal,
        CancellationToken cancellationToken)
    {
        var service = CdsServices.Find(id);
        if (service is null) return FhirResults.Outcome(Outcomes.Of(OperationOutcome.IssueType.NotFound, $"No CDS service '{id}'."), 404);

        var subject = $"cds-hooks/{id}";
        var actor = Actor.Anonymous;
        TokenUse? token = null;
        if (authOptions.Enabled)
        {
            var audience = $"{settings.BaseUrl(request)}/cds-services/{id}";
            var check = await authenticator.AuthenticateAsync(request, audience, cancellationToken);
            if (!check.Valid)
            {
                await journal.RecordAsync(new(RefusalEvent(check.Error!)), cancellationToken);
                return Refused(check.Error!);
            }
            actor = new Actor(check.Issuer!, "cds-client");
            token = check.Use;
        }

        // From here on, every answer commits the token's use with the call's audit event, when there is one; a
        // token used before (by any server of the store, or by a call racing this one) turns the answer into the
        // replay's refusal.
        if (!request.HasJsonContentType())
            return await Answer(null, null, FhirResults.Outcome(Outcomes.Invalid("Send the CDS Hooks request as application/json."), 415));
        var body = await RequestBody.ReadAsync(request, cancellationToken);
        if (RequestBody.CheckText(body) is { } invalid) return await Answer(null, null, FhirResults.Outcome(Outcomes.Invalid($"The request is invalid: {invalid.Message}."), 400));
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
            var own = action is null ? null : new ServiceCallEvent(subject, action, actor, detail!);
            if (own is null && token is null) return answer;
            var fresh = await journal.RecordAsync(new(own, token, RefusalEvent(CdsHooksAuthenticator.ReplayedJti)), cancellationToken);
            return fresh ? answer : Refused(CdsHooksAuthenticator.ReplayedJti);
        }

        ServiceCallEvent RefusalEvent(string reason) => new(subject, "hook-refused", Actor.Anonymous, $"Authentication failed: {reason}.");

        IResult Refused(string reason)
        {
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
