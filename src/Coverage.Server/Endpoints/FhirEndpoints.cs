using Coverage.Engine.Catalogue;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;
using Coverage.Fhir;
using Coverage.Fhir.Pas;
using Coverage.Server.CdsHooks;
using Coverage.Server.Errors;
using Coverage.Server.Security;
using Coverage.Store;
using Hl7.Fhir.Model;

namespace Coverage.Server.Endpoints;

/// <summary>Da Vinci PAS: POST /fhir/Claim/$submit and $inquire, and the CapabilityStatement.</summary>
internal static class FhirEndpoints
{
    public static IEndpointRouteBuilder MapFhirEndpoints(this IEndpointRouteBuilder app)
    {
        var fhir = app.MapGroup("/fhir").WithTags("FHIR (Da Vinci PAS)");
        fhir.MapGet("/metadata", Metadata).WithName("FhirCapabilityStatement").WithSummary("The CapabilityStatement");
        // No Accepts(...) content-type constraint: a wrong content type must be answered with an OperationOutcome, not ProblemDetails.
        fhir.MapPost("/Claim/$submit", Submit).RequireAuthorization(Security.ApiAuthentication.SubmitClaims).WithName("PasSubmit").WithSummary("Submit a PAS prior authorization request Bundle (application/fhir+json)");
        fhir.MapPost("/Claim/$inquire", Inquire).RequireAuthorization(Security.ApiAuthentication.InquireClaims).WithName("PasInquire").WithSummary("Inquire about a prior authorization request (application/fhir+json)");
        fhir.MapGet("/AuditEvent", AuditEventSearch).RequireAuthorization(Security.ApiAuthentication.ReadAudit).WithName("FhirAuditEvents")
            .WithSummary("Audit events as FHIR AuditEvents (IHE BALP), newest first: ?entity=<case id>, ?subject=cds-hooks/<id>, _count");
        return app;
    }

    private static async Task<IResult> AuditEventSearch(
        string? entity, string? subject, string? _count, HttpRequest request, ServiceAudit audit, ServiceCallJournal journal, CrdSettings settings,
        CancellationToken cancellationToken)
    {
        Guid? caseId = null;
        if (entity is not null)
        {
            if (!Guid.TryParse(entity.Split('/')[^1], out var parsed))
                return FhirResults.Outcome(Outcomes.Invalid($"entity: '{entity}' is not a case id", "entity"), 400);
            caseId = parsed;
        }
        var count = 100;
        if (_count is not null && (!int.TryParse(_count, out count) || count is < 1 or > 1000))
            return FhirResults.Outcome(Outcomes.Invalid("_count: a whole number from 1 to 1000", "_count"), 400);
        // Payer staff (auditors) search the whole trail; a submitter only the history of one of its own cases.
        var caller = request.HttpContext.Caller();
        if (caller.Access != CallerAccess.PayerStaff)
        {
            if (caseId is null || subject is not null)
                return FhirResults.Outcome(Outcomes.Of(OperationOutcome.IssueType.Forbidden, "Only payer staff search the whole audit trail; name one of your cases with entity=<case id>."), 403);
            if (await audit.CaseTenantAsync(caseId.Value, cancellationToken) is not { } tenant || !caller.MaySee(tenant))
                return FhirResults.Outcome(Outcomes.Of(OperationOutcome.IssueType.NotFound, $"No case {caseId}."), 404);
        }
        var found = await audit.SearchAsync(caseId, subject, count, cancellationToken);
        await AuditTheSearch(request, journal, caseId is { } id && await audit.CaseExistsAsync(id, cancellationToken) ? id : null, found.Count, cancellationToken);
        var baseUrl = settings.BaseUrl;
        var events = found.Select(f => AuditEvents.From(
            new AuditRecord(f.Event.Id, new DateTimeOffset(f.Event.At, TimeSpan.Zero), f.Event.Action, f.Event.Actor, f.Event.ActorRole, f.Event.Detail, f.CaseId, f.Subject,
                f.Event.ActorIssuer, f.Event.ActorClient, f.Event.ActorSubject, f.Event.Source),
            "Coverage server", $"{baseUrl}/api/v1/cases"));
        return FhirResults.Resource(AuditEvents.SearchSet(events, $"{baseUrl}/fhir", $"{baseUrl}{request.Path}{request.QueryString}"));
    }

    /// <summary>
    /// Reading the audit trail is itself audited, before the answer is sent: one event for the search (who, from
    /// where, which query, how many events it returned) and, when it names a case, one on that case, so that the
    /// case's own history shows who read it. The query is cut short: it is the caller's text.
    /// </summary>
    /// <param name="caseId">The case the search named, when it exists.</param>
    private static async System.Threading.Tasks.Task AuditTheSearch(HttpRequest request, ServiceCallJournal journal, Guid? caseId, int returned, CancellationToken cancellationToken)
    {
        var actor = AuditActor.Of(request.HttpContext);
        var detail = $"Searched the audit trail: {Bounded.Text(request.QueryString.Value, 200)}; {returned} events returned.";
        var search = journal.RecordAsync(new(new ServiceCallEvent("fhir/AuditEvent", "audit-searched", actor, detail)), cancellationToken);
        var onCase = caseId is not null
            ? journal.RecordAsync(new(new ServiceCallEvent(null, "audit-searched", actor, detail) { CaseId = caseId }), cancellationToken)
            : System.Threading.Tasks.Task.FromResult(true);
        await System.Threading.Tasks.Task.WhenAll(search, onCase);
    }

    private static IResult Metadata(CrdSettings settings, TimeProvider time) =>
        FhirResults.Resource(FhirCapabilities.Build($"{settings.BaseUrl}/fhir", Evaluator.EngineVersion, time.GetUtcNow()));

    private static async Task<IResult> Submit(
        HttpRequest request, PolicyCatalogue catalogue, CaseService cases, CrdSettings settings, TimeProvider time, CancellationToken cancellationToken)
    {
        var (pas, failure) = await ReadPasRequest(request, catalogue, cancellationToken);
        if (pas is null) return failure!;

        var read = pas.Validate(catalogue);
        if (!read.IsValid)
            return FhirResults.Outcome(Outcomes.Invalid(read.Errors.Select(e => ($"{pas.ElementOf(e.Field)}: {e.Message}", (string?)pas.ElementOf(e.Field)))), 400);

        var result = await cases.SubmitAsync(read.Request!, request.HttpContext.Caller(), cancellationToken, pas.ExternalKey);
        if (result.Error is not null) return FhirErrors.From(result.Error);
        await Subscriptions.PendedRequests.KeepAsync(request.HttpContext, result.Value!, pas.Bundle, cancellationToken);
        return FhirResults.Resource(PasResponse.Build(pas, PasCase(result.Value!), CaseSystem(settings), time.GetUtcNow()));
    }

    private static async Task<IResult> Inquire(
        HttpRequest request, PolicyCatalogue catalogue, CaseService cases, CrdSettings settings, TimeProvider time, CancellationToken cancellationToken)
    {
        var (pas, failure) = await ReadPasRequest(request, catalogue, cancellationToken);
        if (pas is null) return failure!;
        var result = await cases.FindByRequestAsync(pas.MemberId, pas.RequestId, pas.ExternalKey, request.HttpContext.Caller(), cancellationToken);
        if (result.Error is not null) return FhirErrors.From(result.Error);
        return FhirResults.Resource(PasResponse.Build(pas, PasCase(result.Value!), CaseSystem(settings), time.GetUtcNow()));
    }

    private static async Task<(PasRequest? Request, IResult? Failure)> ReadPasRequest(HttpRequest request, PolicyCatalogue catalogue, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType() && request.ContentType?.StartsWith(FhirResults.ContentType, StringComparison.OrdinalIgnoreCase) != true)
            return (null, FhirResults.Outcome(Outcomes.Of(FhirErrors.IssueOf(StatusCodes.Status415UnsupportedMediaType), "Send the Bundle as application/fhir+json."), StatusCodes.Status415UnsupportedMediaType));
        var bytes = await RequestBody.ReadAsync(request, cancellationToken);
        if (bytes.Length == 0) return (null, FhirResults.Outcome(Outcomes.Invalid("The body is empty; send a PAS request Bundle."), 400));
        if (RequestBody.CheckText(bytes, 128) is { } invalid) return (null, FhirResults.Outcome(Outcomes.Invalid($"The Bundle is invalid: {invalid.Message}."), 400));
        var bundle = FhirJson.Parse<Bundle>(bytes, out var problems);
        if (bundle is null) return (null, FhirResults.Outcome(problems!, 400));
        var pas = PasRequest.Read(bundle, catalogue.Facts, out var error);
        return pas is null ? (null, FhirResults.Outcome(error!, 400)) : (pas, null);
    }

    private static string CaseSystem(CrdSettings settings) => $"{settings.BaseUrl}/api/v1/cases";

    /// <summary>The stored case, its determination read once, as the PAS mapping (<see cref="PriorAuthorizationCase.Of"/>) takes it.</summary>
    private static PriorAuthorizationCase PasCase(CaseView view) => PriorAuthorizationCase.Of(
        view.Id, view.Status, new DateTimeOffset(view.UpdatedAt, TimeSpan.Zero), DeterminationReader.Read(view.DeterminationJson),
        [.. view.Decisions.Select(d => new ReviewerDecision(d.Sequence, d.Action, d.Rationale, new DateTimeOffset(d.DecidedAt, TimeSpan.Zero)))]);
}
