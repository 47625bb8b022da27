using Coverage.Engine.Text;
using Coverage.Fhir;
using Coverage.Fhir.Pas;
using Coverage.Server.CdsHooks;
using Coverage.Server.Endpoints;
using Coverage.Server.Errors;
using Coverage.Server.Security;
using Coverage.Store;
using Hl7.Fhir.Model;

namespace Coverage.Server.Subscriptions;

/// <summary>
/// PAS subscriptions (R4 Subscriptions Backport): POST /fhir/Subscription, GET, PUT and DELETE /fhir/Subscription/{id},
/// GET /fhir/Subscription/{id}/$status, GET or POST /fhir/Subscription/$status, GET or POST /fhir/Subscription/{id}/$events. A subscription is its creator's organisation's, taken from the access token,
/// never from the body: another organisation's is answered as not found (PAS spec-59).
/// </summary>
internal static class SubscriptionEndpoints
{
    public static IEndpointRouteBuilder MapSubscriptionEndpoints(this IEndpointRouteBuilder app)
    {
        var fhir = app.MapGroup("/fhir/Subscription").WithTags("FHIR (Da Vinci PAS)");
        // As every /fhir group: an Accept of application/fhir+xml was answered 200 with JSON.
        fhir.AddEndpointFilter(FhirResults.JsonOnly);
        fhir.MapPost("", Create).RequireAuthorization(SubscriptionScopes.CreatePolicy)
            .WithMetadata(DescribedBody.Fhir("A Subscription on the PAS topic (backport profile)", "Subscription"))
            .WithName("PasSubscriptionCreate")
            .WithSummary("Create a PAS Subscription (rest-hook, full-resource, org-identifier filter); the server then sends its handshake");
        fhir.MapGet("/{id:fhir-id}", Read).RequireAuthorization(SubscriptionScopes.ReadPolicy).WithName("PasSubscriptionRead").WithSummary("Read one of your Subscriptions");
        fhir.MapPut("/{id:fhir-id}", Update).RequireAuthorization(SubscriptionScopes.UpdatePolicy)
            .WithMetadata(DescribedBody.Fhir("The Subscription as it should now be", "Subscription"))
            .WithName("PasSubscriptionUpdate").WithSummary("Update one of your Subscriptions");
        fhir.MapDelete("/{id:fhir-id}", Delete).RequireAuthorization(SubscriptionScopes.DeletePolicy).WithName("PasSubscriptionDelete").WithSummary("Delete one of your Subscriptions");
        // Type level, as the backport's OperationDefinition allows (type and instance): the literal segment takes precedence over {id}.
        fhir.MapMethods("/$status", [HttpMethods.Get, HttpMethods.Post], TypeStatus).RequireAuthorization(SubscriptionScopes.ReadPolicy)
            .WithMetadata(DescribedBody.OptionalParameters("By POST: Parameters with the ids and statuses to report (each optional)"))
            .WithName("PasSubscriptionStatusAll")
            .WithSummary("The status of your Subscriptions, all or those named by id and status (a searchset Bundle with one SubscriptionStatus each)");
        fhir.MapGet("/{id:fhir-id}/$status", Status).RequireAuthorization(SubscriptionScopes.ReadPolicy).WithName("PasSubscriptionStatus")
            .WithSummary("The status of one of your Subscriptions (a searchset Bundle with its SubscriptionStatus)");
        fhir.MapMethods("/{id:fhir-id}/$events", [HttpMethods.Get, HttpMethods.Post], Events).RequireAuthorization(SubscriptionScopes.ReadPolicy)
            .WithMetadata(DescribedBody.OptionalParameters("By POST: Parameters with eventsSinceNumber, eventsUntilNumber and content (each optional)"))
            .WithName("PasSubscriptionEvents")
            .WithSummary("The events of one of your Subscriptions again, by number (a history Bundle with each event's PAS response Bundle), to recover a missed notification");
        return app;
    }

    private static async Task<IResult> Create(HttpRequest request, PasSubscriptions subscriptions, SubscriptionRules rules, SubscriptionWake wake, CrdSettings settings, CancellationToken cancellationToken)
    {
        var caller = request.HttpContext.Caller();
        var (draft, failure) = await rules.ReadAsync(request, caller, null, cancellationToken);
        if (draft is null) return failure!;
        if (await subscriptions.CountAsync(caller.Tenant, cancellationToken) >= rules.MaxPerOrganisation)
            return FhirResults.Outcome(Outcomes.Of(OperationOutcome.IssueType.BusinessRule,
                $"Your organisation holds {rules.MaxPerOrganisation} subscriptions, the most allowed; delete one first (one subscription covers all of a sending system's requests)."), 422);
        var created = await subscriptions.CreateAsync(draft, caller, cancellationToken);
        wake.Signal();
        var resource = SubscriptionResource.Build(Snapshot(created));
        request.HttpContext.Response.Headers.Location = $"{settings.BaseUrl}/fhir/Subscription/{resource.Id}";
        return FhirResults.Resource(resource, StatusCodes.Status201Created);
    }

    private static async Task<IResult> Read(string id, HttpRequest request, PasSubscriptions subscriptions, CancellationToken cancellationToken)
    {
        if (Id(id) is not { } key) return NotFound(id);
        var result = await subscriptions.ReadAsync(key, request.HttpContext.Caller(), "The Subscription", cancellationToken);
        return result.Error is not null ? FhirErrors.From(result.Error) : FhirResults.Resource(SubscriptionResource.Build(Snapshot(result.Value!)));
    }

    private static async Task<IResult> Update(string id, HttpRequest request, PasSubscriptions subscriptions, SubscriptionRules rules, SubscriptionWake wake, CancellationToken cancellationToken)
    {
        if (Id(id) is not { } key) return NotFound(id);
        var caller = request.HttpContext.Caller();
        var (draft, failure) = await rules.ReadAsync(request, caller, id, cancellationToken);
        if (draft is null) return failure!;
        var result = await subscriptions.UpdateAsync(key, draft, caller, cancellationToken);
        if (result.Error is not null) return FhirErrors.From(result.Error);
        wake.Signal();
        return FhirResults.Resource(SubscriptionResource.Build(Snapshot(result.Value!)));
    }

    private static async Task<IResult> Delete(string id, HttpRequest request, PasSubscriptions subscriptions, CancellationToken cancellationToken)
    {
        if (Id(id) is not { } key) return NotFound(id);
        var result = await subscriptions.DeleteAsync(key, request.HttpContext.Caller(), cancellationToken);
        return result.Error is not null ? FhirErrors.From(result.Error) : TypedResults.NoContent();
    }

    private static async Task<IResult> Status(string id, HttpRequest request, PasSubscriptions subscriptions, CrdSettings settings, TimeProvider time, CancellationToken cancellationToken)
    {
        if (Id(id) is not { } key) return NotFound(id);
        var result = await subscriptions.ReadAsync(key, request.HttpContext.Caller(), "The Subscription's $status", cancellationToken);
        if (result.Error is not null) return FhirErrors.From(result.Error);
        var snapshot = Snapshot(result.Value!);
        return FhirResults.Resource(SubscriptionStatusParameters.Search(snapshot, $"{settings.BaseUrl}/fhir/Subscription/{snapshot.Id}", time.GetUtcNow()));
    }

    private static async Task<IResult> TypeStatus(HttpRequest request, PasSubscriptions subscriptions, CrdSettings settings, TimeProvider time, CancellationToken cancellationToken)
    {
        var (query, failure) = await StatusQuery.ReadAsync(request, cancellationToken);
        if (query is null) return failure!;
        // An id that is not one of ours (not a subscription id at all) names nothing: it matches nothing, like an unknown one.
        var ids = query.Ids.Select(Id).OfType<Guid>().ToList();
        if (query.Ids.Count > 0 && ids.Count == 0)
            return FhirResults.Resource(SubscriptionStatusParameters.Search([], time.GetUtcNow()));
        var found = await subscriptions.ListAsync(request.HttpContext.Caller(), ids, query.Statuses, cancellationToken);
        return FhirResults.Resource(SubscriptionStatusParameters.Search(
            [.. found.Select(Snapshot).Select(s => (s, $"{settings.BaseUrl}/fhir/Subscription/{s.Id}"))], time.GetUtcNow()));
    }

    /// <summary>The most events one $events call returns (the lowest numbers of the range); a client asks again from the next.</summary>
    public const int MaxEventsPerCall = 100;

    private static async Task<IResult> Events(
        string id, HttpRequest request, PasSubscriptions subscriptions, SubscriptionDeliveries deliveries, PasCaseResponses responses,
        CrdSettings settings, TimeProvider time, CancellationToken cancellationToken)
    {
        if (Id(id) is not { } key) return NotFound(id);
        var (query, failure) = await EventsQuery.ReadAsync(request, cancellationToken);
        if (query is null) return failure!;
        var caller = request.HttpContext.Caller();
        var result = await subscriptions.EventsAsync(key, caller, query.Since, query.Until, MaxEventsPerCall, cancellationToken);
        if (result.Error is not null) return FhirErrors.From(result.Error);
        var now = time.GetUtcNow();
        // One response Bundle per case, however many events are about it: each is the case as it stands now.
        var byCase = new Dictionary<Guid, Bundle?>();
        var events = new List<QueriedEvent>();
        foreach (var found in result.Value!.Events)
        {
            Bundle? response = null;
            if (query.WithContent && found.CaseId is { } caseId && !byCase.TryGetValue(caseId, out response))
            {
                response = await ResponseAsync(deliveries, responses, caseId, caller.Tenant, now, cancellationToken);
                byCase[caseId] = response;
            }
            events.Add(new QueriedEvent(found.Number, new DateTimeOffset(found.At, TimeSpan.Zero), response));
        }
        return FhirResults.Resource(SubscriptionNotification.Events(Snapshot(result.Value.Subscription), $"{settings.BaseUrl}/fhir", events, now));
    }

    /// <summary>The case's response now; none when the case or its request is no longer kept (past retention), or could not be built.</summary>
    private static async Task<Bundle?> ResponseAsync(
        SubscriptionDeliveries deliveries, PasCaseResponses responses, Guid caseId, string tenant, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var kept = await responses.ReadAsync(deliveries, caseId, cancellationToken);
        // The subscription is the caller's, and its events its organisation's cases; checked again all the same.
        if (kept is null || !string.Equals(kept.Tenant, tenant, StringComparison.Ordinal)) return null;
        try
        {
            return responses.Build(kept, now);
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The kept subscription as the FHIR resources about it show it.</summary>
    public static SubscriptionSnapshot Snapshot(SubscriptionView view) => new(
        view.Id.ToString("N"), view.Status, view.FilterCriteria, view.Endpoint, view.ContentType, view.Reason,
        view.End is { } end ? new DateTimeOffset(DateTime.SpecifyKind(end, DateTimeKind.Utc)) : null,
        view.TimeoutSeconds, view.EventsSinceStart, view.LastError, view.HeartbeatSeconds);

    private static Guid? Id(string id) => Guid.TryParseExact(id, "N", out var key) || Guid.TryParseExact(id, "D", out key) ? key : null;

    private static IResult NotFound(string id) =>
        FhirResults.Outcome(Outcomes.Of(OperationOutcome.IssueType.NotFound, $"No Subscription {Bounded.Text(id, 64)}."), 404);
}
