using Coverage.Engine.Catalogue;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;
using Coverage.Engine.Model;
using Coverage.Engine.Text;
using Coverage.Engine.Validation;
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
        fhir.AddEndpointFilter(FhirResults.JsonOnly);
        fhir.MapGet("/metadata", Metadata).WithName("FhirCapabilityStatement").WithSummary("The CapabilityStatement");
        // No Accepts(...) content-type constraint: a wrong content type must be answered with an OperationOutcome, not ProblemDetails.
        fhir.MapPost("/Claim/$submit", Submit).RequireAuthorization(Security.ApiAuthentication.SubmitClaims)
            .WithMetadata(DescribedBody.Fhir("A PAS request Bundle (profile-pas-request-bundle), bare or as the Parameters' resource", "Bundle", "Parameters"))
            .WithName("PasSubmit").WithSummary("Submit a PAS prior authorization request Bundle (application/fhir+json)");
        fhir.MapPost("/Claim/$inquire", Inquire).RequireAuthorization(Security.ApiAuthentication.InquireClaims)
            .WithMetadata(DescribedBody.Fhir("A PAS inquiry Bundle (profile-pas-inquiry-request-bundle), bare or as the Parameters' resource", "Bundle", "Parameters"))
            .WithName("PasInquire").WithSummary("Inquire about a prior authorization request (application/fhir+json)");
        fhir.MapGet("/AuditEvent", AuditEventSearch).RequireAuthorization(Security.ApiAuthentication.ReadAudit).WithName("FhirAuditEvents")
            .WithSummary("Audit events as FHIR AuditEvents (IHE BALP), newest first: ?entity=<case id>, ?subject=cds-hooks/<id>, _count");
        return app;
    }

    /// <summary>What the AuditEvent search reads; <c>_format</c> is the content negotiation's.</summary>
    private static readonly string[] AuditEventParameters = ["entity", "subject", "_count", "_format"];

    private static async Task<IResult> AuditEventSearch(
        string? entity, string? subject, string? _count, HttpRequest request, ServiceAudit audit, ServiceCallJournal journal, CrdSettings settings,
        CancellationToken cancellationToken)
    {
        if (QueryParameters.Problem(request.Query, AuditEventParameters) is { } wrong)
            return FhirResults.Outcome(Outcomes.Invalid($"{wrong.Name}: {wrong.Message}", wrong.Name), 400);
        Guid? caseId = null;
        if (entity is not null)
        {
            // A case id, or a reference to one (Type/id): a longer path (a/b/c/<id>) is no reference, and was read by its last segment.
            var segments = entity.Split('/');
            if (segments.Length > 2 || (segments.Length == 2 && segments[0].Length == 0) || !Guid.TryParse(segments[^1], out var parsed))
                return FhirResults.Outcome(Outcomes.Invalid($"entity: '{InputEcho.Truncate(entity)}' is not a case id (or a reference Type/<case id>)", "entity"), 400);
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
            var tenant = await audit.CaseTenantAsync(caseId.Value, cancellationToken);
            if (tenant is null || !caller.MaySee(tenant))
            {
                // Another organisation's case is answered as a missing one, and the attempt is on that case's trail,
                // as a read of it by id is.
                if (tenant is not null)
                    await journal.RecordAsync(new(new ServiceCallEvent(null, "access-refused", AuditActor.Of(request.HttpContext),
                        "The case's audit trail was asked for by a caller of another organisation; it was answered as not found.") { CaseId = caseId }), cancellationToken);
                return FhirResults.Outcome(Outcomes.Of(OperationOutcome.IssueType.NotFound, $"No case {caseId}."), 404);
            }
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

    /// <summary>
    /// $submit: a new request becomes a case; a Claim update (Claim.related, infoChanged, certificationType 3) changes
    /// or cancels the case it updates (PasRequest.Updates). A request the payer cannot act on (an item not coded as a
    /// procedure, no date of service, an unknown plan…) is answered 200 with a ClaimResponse of outcome error and X12
    /// reject reason codes (PAS 2.2.1); only a Bundle that is no PAS request at all is a 4xx OperationOutcome.
    /// </summary>
    private static async Task<IResult> Submit(
        HttpRequest request, PolicyCatalogue catalogue, CaseService cases, CrdSettings settings, InformationRequestQuestionnaires requested, TimeProvider time,
        ReviewReasonCodes reasons, CancellationToken cancellationToken)
    {
        var (received, failure) = await ReceiveBundle(request, cancellationToken);
        if (received is null) return failure!;
        var bundle = received.Bundle;
        var pas = PasRequest.Read(bundle, catalogue.Facts, out var error);
        if (pas is null) return FhirResults.Outcome(error!, 400);
        var now = time.GetUtcNow();
        // A request for another payer is not this payer's to decide, whatever else is wrong with it.
        if (pas.ForAnotherPayer(settings.PayerIdentity) is { } elsewhere) return FhirResults.Resource(PasResponse.Error(pas.Parties, [elsewhere], now));
        if (pas.BusinessErrors.Count > 0) return FhirResults.Resource(PasResponse.Error(pas.Parties, pas.BusinessErrors, now));

        var caller = request.HttpContext.Caller();
        CoverageRequest? coverageRequest = null;
        if (!pas.CancelsAll)
        {
            var read = pas.Validate(catalogue);
            if (!read.IsValid) return FhirResults.Resource(PasResponse.Error(pas.Parties, pas.BusinessErrorsOf(read), now));
            coverageRequest = read.Request!;
        }

        StoreResult<CaseView> result;
        var asNewRequest = pas.Updates is null;
        if (pas.Updates is { } updated)
        {
            var update = new CaseUpdate(updated, coverageRequest, [.. pas.CancelledItems.Select(c => new CancelledLine(c.Sequence, c.Code))], pas.CancelsAll, pas.AppealPriority);
            result = await cases.UpdateAsync(update, coverageRequest?.Member.Id ?? pas.MemberId ?? "", pas.UpdatesCase, caller, cancellationToken, pas.QuestionnaireAnswers);
            // An update of a request this payer does not hold: with services left to decide it is a new request (the
            // provider wants a decision); a cancellation of nothing is an error (docs/decisions.md).
            if (result.Error is { Kind: StoreErrorKind.NotFound } missing)
            {
                if (coverageRequest is null || pas.AppealPriority is not null)
                    return FhirResults.Resource(PasResponse.Error(pas.Parties, [new PasError(PasError.PriorRequestNotFound, "Claim.related", missing.Message)], now));
                result = await cases.SubmitAsync(coverageRequest, caller, cancellationToken, pas.ExternalKey, received.Json(), pas.QuestionnaireAnswers, UsedRequestIds.NewRequest);
                asNewRequest = true;
            }
            else if (result.Error is null)
            {
                await Subscriptions.PendedRequests.KeepAsync(request.HttpContext, result.Value!, received.Json(), cancellationToken);
            }
        }
        else
        {
            // A new case keeps its request Bundle, when pended, in its own transaction. A Claim identifier the provider
            // used before for this member with another request names a new request too (docs/decisions.md).
            result = await cases.SubmitAsync(coverageRequest!, caller, cancellationToken, pas.ExternalKey, received.Json(), pas.QuestionnaireAnswers, UsedRequestIds.NewRequest);
        }
        // What the cases refuse (an update its case cannot take; a new request under an identifier that names as many
        // requests as one may, or that kept losing the race for its next use) is a business error in PAS, answered in a
        // ClaimResponse as the IG's RejectionResponseExample answers one; the REST API answers the same refusals 409 / 422.
        if (result.Error is { Kind: StoreErrorKind.Conflict or StoreErrorKind.Unprocessable } refused)
            return FhirResults.Resource(PasResponse.Error(pas.Parties, [PasRequest.Refused(refused.Message, asNewRequest)], now));
        if (result.Error is not null) return FhirErrors.From(result.Error);
        return FhirResults.Resource(PasResponse.Build(pas.Parties, await PasCases.OfAsync(result.Value!, requested, cancellationToken), CaseSystem(settings), now, reasons));
    }

    /// <summary>
    /// $inquire (PAS 2.2.1): a Parameters with the current response Bundle of every request of the caller's
    /// organisation the inquiry names (PasInquiry: member, provider, request ids or the numbers we issued, the items it
    /// lists); none is 200 with no parameter. Each Bundle answers every line of its case (spec-46), repeating the items
    /// as the case's kept submission gave them when it kept one (a case not final), else as the inquiry gives them.
    /// </summary>
    private static async Task<IResult> Inquire(
        HttpRequest request, PolicyCatalogue catalogue, CaseService cases, CrdSettings settings, InformationRequestQuestionnaires requested, TimeProvider time,
        ReviewReasonCodes reasons, SubscriptionDeliveries kept, CancellationToken cancellationToken)
    {
        var (bundle, failure) = await ReadBundle(request, cancellationToken);
        if (bundle is null) return failure!;
        var inquiry = PasInquiry.Read(bundle, out var error);
        if (inquiry is null) return FhirResults.Outcome(error!, 400);
        var found = await cases.FindForInquiryAsync(
            inquiry.MemberId ?? "", inquiry.RequestIds, inquiry.CaseNumbers,
            view => inquiry.Matches(view.Id, view.ExternalKey, CaseLines(view, catalogue)),
            request.HttpContext.Caller(), cancellationToken);
        if (found.Error is not null) return FhirErrors.From(found.Error);
        var now = time.GetUtcNow();
        var answers = new List<Bundle>(found.Value!.Count);
        foreach (var view in found.Value!)
        {
            var submitted = await kept.PasRequestAsync(view.Id, cancellationToken) is { } json && FhirJson.Parse<Bundle>(json, out _) is { } submission
                ? PasInquiry.Read(submission, out _)?.Parties : null;
            answers.Add(PasResponse.Build(inquiry.Parties, await PasCases.OfAsync(view, requested, cancellationToken), CaseSystem(settings), now, reasons, submitted));
        }
        return FhirResults.Resource(PasResponse.Inquiry(answers, now));
    }

    /// <summary>A case's lines as an inquiry matches them: sequence, code and date of service; cancelled lines included.</summary>
    private static List<(int Sequence, string Code, DateOnly? Date)> CaseLines(CaseView view, PolicyCatalogue catalogue)
    {
        var stored = RequestReader.Read(view.RequestJson, catalogue).Request;
        var lines = new List<(int Sequence, string Code, DateOnly? Date)>();
        if (stored is not null) lines.AddRange(stored.ServiceLines.Select(l => (l.Sequence, l.Code, (DateOnly?)(l.DateOfService ?? stored.DateOfService))));
        lines.AddRange(view.CancelledLines.Where(c => lines.All(l => l.Sequence != c.Sequence)).Select(c => (c.Sequence, c.Code, (DateOnly?)null)));
        return lines;
    }

    /// <summary>
    /// The request's Bundle: the body itself, or the <c>resource</c> parameter of a Parameters (the operation's input
    /// parameter, as a client that wraps operation input sends it). Anything else is a 4xx OperationOutcome.
    /// </summary>
    private static async Task<(Bundle? Bundle, IResult? Failure)> ReadBundle(HttpRequest request, CancellationToken cancellationToken)
    {
        var (received, failure) = await ReceiveBundle(request, cancellationToken);
        return (received?.Bundle, failure);
    }

    /// <summary>A request Bundle as read, with the JSON it came as: the body's own bytes, or the Bundle a Parameters wrapped.</summary>
    private sealed record ReceivedBundle(Bundle Bundle, byte[]? Body)
    {
        /// <summary>The Bundle as sent (what a pended case keeps for its notifications); written out only when it was wrapped.</summary>
        public Utf8Json Json() => Body is not null ? Utf8Json.FromUtf8(Body) : Utf8Json.FromText(FhirJson.Serialize(Bundle));
    }

    private static async Task<(ReceivedBundle? Received, IResult? Failure)> ReceiveBundle(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!FhirResults.SendsJson(request)) return (null, FhirResults.NotJson("the Bundle"));
        var bytes = await RequestBody.ReadAsync(request, cancellationToken);
        if (bytes.Length == 0) return (null, FhirResults.Outcome(Outcomes.Invalid("The body is empty; send a PAS request Bundle."), 400));
        if (JsonText.Check(bytes, 128) is { } invalid) return (null, FhirResults.Outcome(Outcomes.Invalid($"The Bundle is invalid: {invalid.Message}."), 400));
        var resource = FhirJson.Parse<Resource>(bytes, out var problems);
        if (resource is null) return (null, FhirResults.Outcome(problems!, 400));
        if (PasOperationInput.BundleOf(resource, out var notABundle) is not { } bundle) return (null, FhirResults.Outcome(notABundle!, 400));
        // The body's bytes are the Bundle's only when it was sent unwrapped.
        return (new ReceivedBundle(bundle, ReferenceEquals(bundle, resource) ? bytes : null), null);
    }

    private static string CaseSystem(CrdSettings settings) => $"{settings.BaseUrl}/api/v1/cases";
}
