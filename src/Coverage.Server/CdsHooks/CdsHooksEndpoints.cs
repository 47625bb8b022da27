using System.Text.Json;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;
using Coverage.Engine.Text;
using Coverage.Fhir;
using Coverage.Fhir.Crd;
using Coverage.Server.Endpoints;
using Coverage.Server.Errors;
using Coverage.Server.Security;
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
        group.MapPost("/{id}", Call)
            .WithMetadata(new DescribedBody("A CDS Hooks 2.0 request: the hook, its instance, context and prefetch (and fhirServer, fhirAuthorization)", ["application/json"], ["hook", "hookInstance", "context"]))
            .WithName("CdsServiceCall").WithSummary("Call a CRD service with a CDS Hooks request (application/json)");
        group.MapPost("/{id}/feedback", Feedback)
            .WithMetadata(new DescribedBody("CDS Hooks feedback: one entry per card acted on (its uuid, outcome, accepted suggestions or override reason)", ["application/json"], ["feedback"]))
            .WithName("CdsServiceFeedback")
            .WithSummary("CDS Hooks feedback: what the user did with the service's cards (accepted, overridden and why), audited");
        return app;
    }

    /// <summary>Every service declares the CRD version it conforms to and the configuration options it honours.</summary>
    private static readonly Dictionary<string, object> CrdExtension = new(StringComparer.Ordinal)
    {
        [CrdConfiguration.VersionExtensionName] = new[] { CrdConfiguration.Version },
        [CrdConfiguration.OptionsExtensionName] = CrdConfiguration.Options
            .Select(o => new CdsConfigurationOption(o.Code, o.Type, o.Name, o.Description, o.Default)).ToList(),
    };

    private static Microsoft.AspNetCore.Http.HttpResults.Ok<CdsDiscovery> Discovery(Evaluator evaluator) => TypedResults.Ok(new CdsDiscovery(
        CdsServices.For(evaluator.Catalogue.Facts).Select(s => new CdsServiceDescription(s.Hook, s.Id, s.Title, s.Description, s.Prefetch, CrdExtension)).ToList()));

    /// <summary>The most of a hook call's audit detail kept: a hundred orders' codes and outcomes fit well within it.</summary>
    private const int MaxAuditDetail = 8_000;

    private static Task<IResult> Call(
        string id, HttpRequest request, Evaluator evaluator, FhirServerClient fhir, TimeProvider time, CrdSettings settings,
        CdsHooksAuthenticationOptions authOptions, CdsHooksAuthenticator authenticator, ServiceCallJournal journal,
        SecurityEvents securityEvents, CdsHooksRateLimits limits, IHostEnvironment environment, CancellationToken cancellationToken) =>
        Serve(id, request, settings, authOptions, authenticator, journal, securityEvents, limits, environment, async (service, root) =>
        {
            var hookRequest = CdsHookRequest.Read(root, service.Hook, out var error);
            if (hookRequest is null) return ("hook-refused", $"Malformed request: {error!.Message}", FhirResults.Outcome(Outcomes.Invalid(error.Message, error.Path), 400));
            var crd = new CrdService(evaluator, fhir, time, settings.Crd());
            var result = await crd.HandleAsync(hookRequest, cancellationToken);
            return (result.Status == 200 ? "hook-answered" : "hook-refused", result.AuditDetail, result.Status == 200
                ? TypedResults.Bytes(result.Response!, "application/json")
                : FhirResults.Outcome(result.Error!, result.Status));
        }, cancellationToken);

    /// <summary>
    /// CDS Hooks 2.0 feedback (a MAY for services): what the user did with cards this service returned — accepted, or
    /// overridden and why — kept as an audit event of the service (<c>hook-feedback</c>), authenticated and rate-limited
    /// as a hook call is, its token single-use alike. The utilization-management team reads it with the AuditEvent
    /// search (subject <c>cds-hooks/{id}</c>): which prior-authorization cards clinicians override, and with what reason.
    /// </summary>
    private static Task<IResult> Feedback(
        string id, HttpRequest request, CrdSettings settings, CdsHooksAuthenticationOptions authOptions, CdsHooksAuthenticator authenticator,
        ServiceCallJournal journal, SecurityEvents securityEvents, CdsHooksRateLimits limits, IHostEnvironment environment, CancellationToken cancellationToken) =>
        Serve(id, request, settings, authOptions, authenticator, journal, securityEvents, limits, environment, (_, root) =>
        {
            var feedback = CdsFeedback.Read(root, out var error, out var expression);
            return System.Threading.Tasks.Task.FromResult<(string, string?, IResult)>(feedback is null
                ? ("feedback-refused", $"Malformed feedback: {error}", FhirResults.Outcome(Outcomes.Invalid(error!, expression), 400))
                : ("hook-feedback", CdsFeedback.AuditDetail(feedback), TypedResults.Ok()));
        }, cancellationToken);

    /// <summary>
    /// What every call of a service goes through, whatever it asks: the service found, the client authenticated (its
    /// JWT's aud is the service's URL) and within its rate, an application/json body that is valid JSON; then
    /// <paramref name="handle"/> answers, and the answer is audited with the token's use (a replayed token turns it into
    /// a refusal).
    /// </summary>
    private static async Task<IResult> Serve(
        string id, HttpRequest request, CrdSettings settings, CdsHooksAuthenticationOptions authOptions, CdsHooksAuthenticator authenticator,
        ServiceCallJournal journal, SecurityEvents securityEvents, CdsHooksRateLimits limits, IHostEnvironment environment,
        Func<CdsService, JsonElement, Task<(string Action, string? Detail, IResult Answer)>> handle, CancellationToken cancellationToken)
    {
        var service = CdsServices.Find(id);
        if (service is null) return FhirResults.Outcome(Outcomes.Of(OperationOutcome.IssueType.NotFound, $"No CDS service '{id}'."), 404);

        var subject = $"cds-hooks/{service.Id}";
        var source = SourceAddress.Of(request.HttpContext);
        var actor = Actor.Anonymous with { Source = source };
        TokenUse? token = null;
        if (authOptions.Enabled)
        {
            // A source whose calls keep being refused is not heard until its budget refills: neither its token's
            // signature is checked nor an audit row written for it (the refusal is counted, see SecurityEvents).
            if (limits.SourceBlocked(source) is { } wait)
            {
                securityEvents.Record(subject, "hook-refused", "rate-limited", actor, "Too many refused calls from this source: answered 429 unread.");
                return TooMany(wait);
            }
            var check = await authenticator.AuthenticateAsync(request, $"{settings.BaseUrl}/cds-services/{service.Id}", cancellationToken);
            if (!check.Valid) return Refused(check.Kind!, check.Error!);
            actor = new Actor(check.Issuer!, "cds-client", check.Issuer, check.Client, check.Client, source);
            // An issuer the operator allowed to reuse a token within its lifetime (off by default; docs/crd-pas.md
            // "Running the Inferno CRD kit") is not checked for replay: its calls record no token use.
            token = authOptions.Issuers.FirstOrDefault(i => i.Issuer == check.Issuer)?.AllowTokenReuse == true ? null : check.Use;
        }
        // Each client (issuer; without authentication, in Development, each source) has a rate of its own.
        if (limits.ClientBlocked(actor.Issuer ?? source) is { } clientWait)
        {
            securityEvents.Record(subject, "hook-rate-limited", "client-rate", actor, "More calls than this client's rate allows: answered 429.");
            return TooMany(clientWait);
        }

        // From here on, every answer commits the token's use with the call's audit event, when there is one; a
        // token used before (by any server of the store, or by a call racing this one) turns the answer into the
        // replay's refusal.
        if (!request.HasJsonContentType())
            return await Answer(null, null, FhirResults.Outcome(Outcomes.Of(FhirErrors.IssueOf(StatusCodes.Status415UnsupportedMediaType), "Send the CDS Hooks request as application/json."), StatusCodes.Status415UnsupportedMediaType));
        var body = await RequestBody.ReadAsync(request, cancellationToken);
        if (JsonText.Check(body) is { } invalid) return await Answer(null, null, FhirResults.Outcome(Outcomes.Invalid($"The request is invalid: {invalid.Message}."), 400));
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
            var (action, detail, handled) = await handle(service, document.RootElement);
            return await Answer(action, detail, handled);
        }

        async Task<IResult> Answer(string? action, string? detail, IResult answer)
        {
            // The detail holds what the client wrote (its hookInstance, a hook name it got wrong, its orders' codes):
            // bounded and without control characters, as every audited text an outsider chooses.
            var own = action is null ? null : new ServiceCallEvent(subject, action, actor, Bounded.Text(detail, MaxAuditDetail));
            if (own is null && token is null) return answer;
            // A replay writes no row of its own: it is a refusal, counted like the others.
            var fresh = await journal.RecordAsync(new(own, token), cancellationToken);
            return fresh ? answer : Refused("replay", CdsHooksAuthenticator.ReplayedJti);
        }

        // Every refusal is counted (aggregated per source, bounded) and uses up the source's refusal budget.
        IResult Refused(string kind, string reason)
        {
            limits.Refused(source);
            securityEvents.Record(subject, "hook-refused", kind, Actor.Anonymous with { Source = source }, $"Authentication failed: {reason}.");
            var response = request.HttpContext.Response;
            if (environment.IsDevelopment())
            {
                response.Headers.WWWAuthenticate = "Bearer";
                return FhirResults.Outcome(Outcomes.Of(OperationOutcome.IssueType.Login, $"Authentication failed: {reason}."), 401);
            }
            // Outside Development the caller learns only that its token failed (RFC 6750); the reason is in the
            // log and the audit.
            response.Headers.WWWAuthenticate = kind == "no-token" ? "Bearer" : "Bearer error=\"invalid_token\"";
            return FhirResults.Outcome(Outcomes.Of(OperationOutcome.IssueType.Login, "Authentication failed."), 401);
        }

        IResult TooMany(TimeSpan wait)
        {
            var seconds = CdsHooksRateLimits.RetryAfter(wait);
            request.HttpContext.Response.Headers.RetryAfter = seconds;
            return FhirResults.Outcome(Outcomes.Of(OperationOutcome.IssueType.Throttled, $"Too many requests: try again in {seconds} s."), 429);
        }
    }
}

public sealed record CdsDiscovery(IReadOnlyList<CdsServiceDescription> Services);

public sealed record CdsServiceDescription(
    string Hook, string Id, string Title, string Description, IReadOnlyDictionary<string, string> Prefetch, IReadOnlyDictionary<string, object> Extension);

/// <summary>A davinci-crd.configuration-options entry (CRD 2.0.1 CDSHookServicesExtensionConfiguration).</summary>
public sealed record CdsConfigurationOption(string Code, string Type, string Name, string Description, bool Default);
