using System.Text.Encodings.Web;
using System.Text.Json;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Model;
using Coverage.Engine.Validation;
using Hl7.Fhir.Model;

namespace Coverage.Fhir.Crd;

/// <summary>Settings of the CRD service.</summary>
public sealed record CrdOptions
{
    /// <summary>Where a policy can be read by people: {PolicyBaseUrl}/{id}?version={version}. Null: no policy link.</summary>
    public string? PolicyBaseUrl { get; init; }
    /// <summary>
    /// The DTR questionnaires (canonical|version) whose answers can decide a line, for coverage-information's
    /// "questionnaire" beside doc-needed (the host wires DTR's; CRD does not know how questionnaires are made). Null: none.
    /// </summary>
    public Func<PolicyCatalogue, LineDetermination, IReadOnlyList<string>>? QuestionnairesFor { get; init; }
    /// <summary>FHIR servers this service may read back from (CDS Hooks fhirServer); none unless configured.</summary>
    public FhirServerAllowList AllowedFhirServers { get; init; } = FhirServerAllowList.None;
    /// <summary>The payer this server answers for (Coverage.payor is checked against it, hook-13).</summary>
    public PayerIdentity Payer { get; init; } = PayerIdentity.Unnamed;
    /// <summary>Where a PAS prior authorization request is posted (Claim/$submit), for the Instructions card. Null: no such card.</summary>
    public string? PasSubmitUrl { get; init; }
    /// <summary>
    /// The decision timeframes (standard, expedited) of a plan's prior authorizations, for the Instructions card (the host
    /// wires its decision clocks; CRD does not know the regulations). Null: no such card.
    /// </summary>
    public Func<PolicyCatalogue, string?, (TimeSpan Standard, TimeSpan Expedited)>? DecisionTimeframes { get; init; }
    /// <summary>
    /// The most time one hook call spends reading from the EHR's FHIR server, all its reads together: once it is spent,
    /// what is still unread is missing, as a read that failed is (a required resource: 412; a cited Observation: its fact
    /// unknown). Each read is bounded too (the host's client timeout); without this, a server that stops answering held
    /// a call for every read it made in turn.
    /// </summary>
    public TimeSpan FhirReadBudget { get; init; } = DefaultFhirReadBudget;

    /// <summary>Five seconds: an EHR waits little longer for a CDS Hooks answer.</summary>
    public static readonly TimeSpan DefaultFhirReadBudget = TimeSpan.FromSeconds(5);
}

/// <summary>The result of a hook call: a response body, or an error status with its OperationOutcome.</summary>
/// <param name="Response">The CDS Hooks response as UTF-8 JSON (the body as sent).</param>
public sealed record CrdResult(int Status, byte[]? Response, OperationOutcome? Error, string AuditDetail)
{
    public static CrdResult Fail(int status, string message, string? expression = null) =>
        new(status, null, Outcomes.Of(status == 412 ? OperationOutcome.IssueType.Incomplete : OperationOutcome.IssueType.Invalid, message, expression),
            $"refused ({status}): {message}");
}

/// <summary>
/// Answers a Da Vinci CRD 2.0.1 hook call: finds the orders, the patient and the one Coverage (prefetch, else the EHR's
/// FHIR server), assesses every order with the one evaluator, and answers with one `update` system action per order
/// carrying ext-coverage-information — never a card repeating it (resp-25) — unless the order already carries the same
/// assertion (resp-35). See docs/crd-pas.md "CRD 2.0.1" for what each kind of order is answered.
/// </summary>
public sealed class CrdService(Evaluator evaluator, FhirServerClient fhir, TimeProvider time, CrdOptions options)
{
    /// <summary>Orders in one hook call: an order-sign rarely holds more than a handful.</summary>
    public const int MaxOrders = 100;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>An answer with no card and no action.</summary>
    private static byte[] NothingToSay => """{"cards":[],"systemActions":[]}"""u8.ToArray();

    /// <summary>The hooks whose orders each get coverage information (CRD 2.0.1 "primary" hooks, and order-select).</summary>
    private static bool IsOrderHook(string hook) => hook is "order-select" or "order-sign" or "order-dispatch" or "appointment-book";

    public async Task<CrdResult> HandleAsync(CdsHookRequest request, CancellationToken cancellationToken)
    {
        // encounter-start and encounter-discharge are offered (the IG calls them optional for a server): this payer's
        // policies address orders, so they are answered with nothing to say (docs/decisions.md "CRD encounter hooks").
        if (!IsOrderHook(request.Hook))
            return new CrdResult(200, NothingToSay, null, $"{Named(request)}: nothing to assess");

        var access = request.FhirAccess is { } a && IsAllowed(a.Server) ? a : null;
        var known = new KnownResources();

        // The orders of the hook.
        var (orders, ordersError) = await Orders(request, access, known, cancellationToken);
        if (ordersError is not null) return ordersError;
        if (!request.Configuration.WantsAnything)
            return new CrdResult(200, NothingToSay, null,
                $"{Named(request)}: {orders!.Count} order(s), nothing wanted (davinci-crd.configuration: every option false)");

        // The patient (optional: without it the member id comes from the Coverage) and the one Coverage.
        var patient = await Optional<Patient>(request, "patient", access, $"Patient/{Uri.EscapeDataString(request.PatientId ?? "")}", cancellationToken);
        if (patient.Error is not null) return patient.Error;
        if (AboutAnotherPatient(request, orders!, patient.Value) is { } mismatch) return mismatch;
        var coverages = await Coverages(request, access, cancellationToken);
        if (coverages.Error is not null) return coverages.Error;
        foreach (var (key, element) in request.Prefetch)
            if (Prefetched(key, element, out _) is { } resource and not OperationOutcome) known.Add(resource);
        var candidates = coverages.Value!.Where(c => options.Payer.Serves(c, known.Find) != false).ToList();
        if (coverages.Value!.Count > 0 && candidates.Count == 0)
            return CrdResult.Fail(400, $"The patient's Coverage is with another payer ({InputEcho.Truncate(PayerIdentity.Named(coverages.Value.SelectMany(c => c.Payor), known.Find))}); " +
                $"this server answers for {options.Payer.Name} only.", "Coverage.payor");
        if (candidates.Count != 1)
            return CrdResult.Fail(400, candidates.Count == 0
                ? "No active Coverage for the patient: prefetch 'coverage' (or the FHIR server) must hold one."
                : $"{candidates.Count} active Coverages for the patient with this payer; this service needs exactly one.", "prefetch.coverage");
        var coverage = candidates[0];
        var coverageReference = $"Coverage/{coverage.Id}";

        if (FhirMapping.TwoPlans(coverage) is { } twoPlans) return CrdResult.Fail(400, $"{coverageReference}: {twoPlans}.", "Coverage.class");
        var planId = FhirMapping.PlanId(coverage);
        // A plan this payer does not administer: the Coverage is not one of ours to find (resp-45, coverage not found).
        var coverageNotFound = planId is not null && evaluator.Catalogue.FindPlan(planId) is null
            ? CoverageInformation.NotCovered(
                $"Coverage not found: the plan '{planId}' of {coverageReference} is not a plan this payer administers, so no coverage can be confirmed for this order. Check the member's coverage with the payer.")
            : null;
        var memberId = FhirMapping.Member(coverage, patient.Value)?.Value;
        var birthDate = patient.Value?.BirthDate is { Length: 10 } birth ? birth : null;
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

        // The patient's record: the Observations prefetched (or, with FHIR access, searched) that carry clinical
        // facts; read once, when the first order with a billing code needs it.
        ClinicalFactReader? history = null;

        var answers = new List<AnsweredOrder>();
        var unchanged = 0;
        foreach (var order in orders!)
        {
            if (!OrderMapper.IsOrder(order)) continue;
            var basedOnUnread = order is Appointment appointment ? await ReadBasedOn(appointment, known, access, cancellationToken) : null;
            CoverageAssertion assertion;
            PolicyReference? decidedBy = null;
            var reading = OrderMapper.Read(order, known.Find, ClinicalToBilling)!;
            if (coverageNotFound is not null) assertion = coverageNotFound with { BillingCode = reading.Facts?.BillingCodes[0] };
            // The order the appointment is for could not be read because of the EHR's server, not because of the order:
            // a technical failure, said as such (resp-43), rather than an order without a code.
            else if (reading.Facts is null && basedOnUnread is not null)
                assertion = CoverageInformation.Technical($"{basedOnUnread}, which the appointment is based on, could not be read from the EHR's FHIR server");
            else if (reading.Facts is not { } facts) assertion = CoverageInformation.NotAssessed(reading.NotAssessed!, reading.InfoNeeded);
            else
            {
                if (history is null)
                {
                    var record = await History(request, access, cancellationToken);
                    if (record.Error is not null) return record.Error;
                    history = record.Value!;
                }
                var clinical = await Clinical(order, known, history, access, cancellationToken);
                if (clinical.Error is not null) return clinical.Error;
                // Each billing code the order may be billed as (its own, then its billing options): the first a policy
                // addresses decides; none addressed, the first code's answer stands.
                LineDetermination? decided = null;
                string? unreadable = null;
                foreach (var billingCode in facts.BillingCodes)
                {
                    var draft = OrderMapper.ToRequest(facts, billingCode, OrderRequestId.For(request.HookInstance, order.TypeName, order.Id), memberId, birthDate, planId, today, clinical.Value!.Facts);
                    var read = RequestValidator.Validate(draft, evaluator.Catalogue);
                    if (read.Errors.FirstOrDefault(e => e.Field.StartsWith("clinical.", StringComparison.Ordinal)) is { } factError)
                    {
                        // A fact the EHR recorded outside what the catalogue allows (e.g. a size beyond the fact's maximum).
                        var where = clinical.Value.PathOf(factError.Field["clinical.".Length..]) ?? factError.Field;
                        // The audit names the element, not the clinical value (member data stays out of the audit).
                        return new CrdResult(400, null, Outcomes.Invalid($"{where}: {factError.Message}", where), $"refused (400): a clinical fact outside what the catalogue allows at {where}");
                    }
                    if (!read.IsValid)
                    {
                        unreadable ??= string.Join("; ", read.Errors.Select(e => $"{e.Field}: {e.Message}"));
                        continue;
                    }
                    var line = evaluator.Evaluate(read.Request!).Lines[0];
                    if (decided is null || decided.Outcome == LineOutcome.NotAddressed && line.Outcome != LineOutcome.NotAddressed) decided = line;
                    if (line.Outcome != LineOutcome.NotAddressed) break;
                }
                if (decided is { Outcome: not LineOutcome.NotAddressed }) decidedBy = decided.Policy;
                assertion = decided is not null
                    ? CoverageInformation.Assert(decided, PolicyUrl(decided)) with { Questionnaires = Questionnaires(decided) }
                    // e.g. an invalid reason code: the order cannot be assessed as it stands.
                    : CoverageInformation.NotAssessed($"The order cannot be assessed as it stands ({unreadable}): coverage was not assessed.", null);
            }
            // order-select is a secondary hook: no request for clinical or administrative information (hook-19).
            if (request.Hook == "order-select") assertion = assertion.WithoutInformationRequests();

            // Nothing new for this Coverage since the EHR last stored our answer on the order: no update (resp-35).
            var ours = ((DomainResource)order).Extension
                .Where(e => e.Url == FhirSystems.CrdCoverageInformation && CoverageInformation.CoverageOf(e) == coverageReference).ToList();
            if (ours.Count == 1 && CoverageInformation.SaysTheSame(ours[0], assertion, coverageReference))
            {
                unchanged++;
                continue;
            }
            answers.Add(new AnsweredOrder(order, assertion, decidedBy, reading.Facts?.Description ?? Display(order)));
        }
        var cards = Cards(request, answers, planId).ToList();

        using var stream = new MemoryStream();
        var actions = new List<string>();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
        {
            writer.WriteStartObject();
            // Coverage information is never a card (resp-25): it is only the update below; the cards say other things.
            writer.WriteStartArray("cards");
            foreach (var card in cards) card.Write(writer, options.Payer.Name, Guid.CreateVersion7(time.GetUtcNow()));
            writer.WriteEndArray();
            writer.WriteStartArray("systemActions");
            foreach (var (order, assertion, _, _) in request.Configuration.CoverageInfo ? answers : [])
            {
                var updated = (DomainResource)order.DeepCopy();
                // Only our own assertion for this Coverage is replaced: another payer's (another Coverage's) coverage
                // information and every other element stay as the EHR sent them (resp-32, resp-37).
                updated.Extension.RemoveAll(e => e.Url == FhirSystems.CrdCoverageInformation && CoverageInformation.CoverageOf(e) == coverageReference);
                updated.Extension.Add(CoverageInformation.Build(assertion, coverageReference, Guid.CreateVersion7(time.GetUtcNow()).ToString(), today));
                var code = assertion.BillingCode?.Code ?? order.TypeName;
                writer.WriteStartObject();
                writer.WriteString("type", "update");
                writer.WriteString("description", $"Coverage information for {code}: {assertion.Covered}");
                writer.WritePropertyName("resource");
                FhirJson.Write(updated, writer);
                writer.WriteEndObject();
                actions.Add($"{order.TypeName} {code}: {assertion.Covered}/{assertion.PaNeeded}");
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        var detail = $"{Named(request)}: {orders.Count} order(s), {actions.Count} with coverage information" +
            (unchanged > 0 ? $", {unchanged} unchanged" : "") + (actions.Count > 0 ? ": " + string.Join("; ", actions) : "") +
            (cards.Count > 0 ? $"; cards: {string.Join(", ", cards.Select(c => c.Topic.Code))}" : "");
        return new CrdResult(200, stream.ToArray(), null, detail);
    }

    /// <summary>The call as its audit detail names it: the hook and its instance, which the client writes (a UUID, if it keeps to CDS Hooks), cut short.</summary>
    private static string Named(CdsHookRequest request) => $"{request.Hook} {InputEcho.Truncate(request.HookInstance)}";

    /// <summary>
    /// The cards beside the coverage information, as the call's configuration wants them: a link to each policy that decided
    /// an order; and how and by when a prior authorization is decided — not on order-select, a secondary hook that says
    /// nothing of what an order needs (hook-19).
    /// </summary>
    private IEnumerable<CrdCard> Cards(CdsHookRequest request, List<AnsweredOrder> answers, string? planId)
    {
        if (request.Configuration.Guideline && options.PolicyBaseUrl is not null)
            foreach (var card in CrdCards.PolicyLinks(answers, policy => PolicyUrl(policy)!)) yield return card;
        if (request.Configuration.PriorAuthInstructions && request.Hook != "order-select"
            && options.PasSubmitUrl is { } submitUrl && options.DecisionTimeframes is { } timeframes)
        {
            var (standard, expedited) = timeframes(evaluator.Catalogue, planId);
            if (CrdCards.PriorAuthorization(answers, options.Payer.Name, submitUrl, standard, expedited) is { } card) yield return card;
        }
    }

    /// <summary>How the EHR names an order without a description in its code: the first display of its code.</summary>
    private static string? Display(Resource order) => order switch
    {
        ServiceRequest r => r.Code?.Text ?? r.Code?.Coding.FirstOrDefault(c => c.Display is not null)?.Display,
        DeviceRequest { Code: CodeableConcept c } => c.Text ?? c.Coding.FirstOrDefault(x => x.Display is not null)?.Display,
        _ => null,
    };

    /// <summary>The billing codes the catalogue maps a clinical coding to (policies/order-codes.yaml); none when it maps none.</summary>
    private IReadOnlyList<Coding> ClinicalToBilling(Coding coding) =>
        [.. evaluator.Catalogue.OrderCodes.BillingCodesFor(coding.System, coding.Code).Select(c => new Coding(FhirSystems.ProcedureSystem(c), c))];

    /// <summary>The DTR questionnaire (canonical|version) whose answers can decide the line; none when documentation cannot change it.</summary>
    private IReadOnlyList<string> Questionnaires(LineDetermination line) => options.QuestionnairesFor?.Invoke(evaluator.Catalogue, line) ?? [];

    private string? PolicyUrl(LineDetermination line) => line.Policy is null ? null : PolicyUrl(line.Policy);

    private string? PolicyUrl(PolicyReference policy) =>
        options.PolicyBaseUrl is null ? null : PolicyPageLink.For(options.PolicyBaseUrl, policy.Id, policy.Version);

    private bool IsAllowed(Uri server) => options.AllowedFhirServers.Allows(server);

    /// <summary>
    /// A read from the EHR's FHIR server that fails — refused, not found, unreachable, timed out — gives null: each caller
    /// decides what a missing resource means (412, or an answer without it), never a 400 or 500 for the EHR's outage.
    /// </summary>
    /// <remarks>
    /// The call's reads share <see cref="CrdOptions.FhirReadBudget"/>, counted from its first read: a read is cut off when
    /// the budget runs out, and none is begun after.
    /// </remarks>
    private async Task<Resource?> TryRead(FhirAccess access, string relativeUrl, CancellationToken cancellationToken)
    {
        _lastReadFailedTechnically = false;
        if (_firstRead == 0) _firstRead = System.Diagnostics.Stopwatch.GetTimestamp();
        var left = options.FhirReadBudget - System.Diagnostics.Stopwatch.GetElapsedTime(_firstRead);
        if (_budgetSpent || left <= TimeSpan.Zero)
        {
            _lastReadFailedTechnically = true;
            return null;
        }
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(left);
        try
        {
            return await fhir.ReadAsync(access, relativeUrl, budget.Token);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // The timer that cut the read off counts in coarser ticks than the Stopwatch above and may fire a little
            // before the Stopwatch says the budget is gone: a read cut off by the budget spends it, whatever is left.
            if (budget.IsCancellationRequested) _budgetSpent = true;
            _lastReadFailedTechnically = true;
            return null;
        }
    }

    /// <summary>
    /// Whether the last <see cref="TryRead"/> failed because of the server or the time it took — unreachable, failing
    /// (5xx), too slow, or not begun once the read budget was spent — rather than because the resource is not there or not
    /// ours to read.
    /// </summary>
    private bool _lastReadFailedTechnically;

    /// <summary>Whether a read was cut off by the call's read budget: no read is begun after it.</summary>
    private bool _budgetSpent;

    /// <summary>When the call's first read from the FHIR server began (a <see cref="System.Diagnostics.Stopwatch"/> timestamp; 0: none yet).</summary>
    private long _firstRead;

    /// <summary>
    /// The resource a reference from the call names, read from the FHIR server as <see cref="TryRead"/> reads; only a
    /// relative literal reference is read (<see cref="RelativeReference"/>), anything else gives null without a request.
    /// </summary>
    private Task<Resource?> TryReadReference(FhirAccess access, string reference, CancellationToken cancellationToken)
    {
        if (RelativeReference.IsLiteral(reference)) return TryRead(access, reference, cancellationToken);
        _lastReadFailedTechnically = false;
        return System.Threading.Tasks.Task.FromResult<Resource?>(null);
    }

    /// <summary>
    /// The orders an Appointment is basedOn, when the call does not carry them: read from the FHIR server (within the
    /// call's read budget), so that an appointment for an order is assessed by the order's code. Returns the reference of
    /// one that could not be read for a technical reason (<see cref="_lastReadFailedTechnically"/>), null when none.
    /// </summary>
    private async Task<string?> ReadBasedOn(Appointment appointment, KnownResources known, FhirAccess? access, CancellationToken cancellationToken)
    {
        if (access is null || appointment.ServiceType.Any(s => s.Coding.Any(c => FhirSystems.IsOrderBillingSystem(c.System)))) return null;
        string? unread = null;
        foreach (var basedOn in appointment.BasedOn)
        {
            if (basedOn.Reference is not { } target || known.Find(basedOn) is not null || _reads >= MaxObservationReads) continue;
            if (!target.StartsWith("ServiceRequest/", StringComparison.Ordinal) && !target.StartsWith("DeviceRequest/", StringComparison.Ordinal)) continue;
            _reads++;
            if (await TryReadReference(access, target, cancellationToken) is { } read and not OperationOutcome)
            {
                Remember(read, $"{target} (read from the FHIR server)");
                known.Add(read);
            }
            else if (_lastReadFailedTechnically) unread ??= target;
        }
        return unread;
    }

    private async Task<(List<Resource>? Orders, CrdResult? Error)> Orders(
        CdsHookRequest request, FhirAccess? access, KnownResources known, CancellationToken cancellationToken)
    {
        var context = request.Context;
        switch (request.Hook)
        {
            case "order-select" or "order-sign":
            {
                var bundle = BundleIn(context, "draftOrders", out var error);
                if (bundle is null) return (null, error);
                Remember(bundle, "context.draftOrders");
                var orders = bundle.Entry.Select(e => e.Resource).OfType<Resource>().ToList();
                known.AddRange(orders);
                if (request.Hook == "order-select" && context.TryGetProperty("selections", out var selections) && selections.ValueKind == JsonValueKind.Array)
                {
                    // order-select: only the orders just selected are assessed.
                    var selected = selections.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.String).Select(s => s.GetString()).ToHashSet(StringComparer.Ordinal);
                    orders = orders.Where(o => selected.Contains($"{o.TypeName}/{o.Id}")).ToList();
                }
                return (orders, null);
            }
            case "appointment-book":
            {
                var bundle = BundleIn(context, "appointments", out var error);
                if (bundle is null) return (null, error);
                Remember(bundle, "context.appointments");
                var orders = bundle.Entry.Select(e => e.Resource).OfType<Resource>().ToList();
                known.AddRange(orders);
                return (orders, null);
            }
            case "order-dispatch":
            {
                // CDS Hooks order-dispatch names the orders in dispatchedOrders; the CRD kit (and CRD 2.0.1's examples)
                // send one order in context.order, with the performer: both are read.
                var references = new List<string>();
                if (context.TryGetProperty("dispatchedOrders", out var dispatched) && dispatched.ValueKind == JsonValueKind.Array)
                    references.AddRange(dispatched.EnumerateArray().Where(d => d.ValueKind == JsonValueKind.String).Select(d => d.GetString()!));
                else if (context.TryGetProperty("order", out var single) && single.ValueKind == JsonValueKind.String)
                    references.Add(single.GetString()!);
                else
                    return (null, CrdResult.Fail(400, "context.dispatchedOrders (a list of order references) or context.order (one order reference): required", "context.dispatchedOrders"));
                if (references.Count > MaxOrders)
                    return (null, CrdResult.Fail(400, $"context.dispatchedOrders names {references.Count} orders; at most {MaxOrders} are accepted.", "context.dispatchedOrders"));
                var prefetched = request.Prefetch.Select(p => Prefetched(p.Key, p.Value, out _)).OfType<Resource>()
                    .SelectMany(r => r is Bundle b ? b.Entry.Select(e => e.Resource).OfType<Resource>() : [r]).ToList();
                var orders = new List<Resource>();
                foreach (var reference in references)
                {
                    // The prefetched resource the reference names: Type/id, or an absolute URL ending in /Type/id (only a
                    // URL: "ServiceRequest/x/../../Patient/p" names no prefetched Patient).
                    var order = prefetched.FirstOrDefault(r => $"{r.TypeName}/{r.Id}" == reference
                        || (r.Id is not null && reference.Contains("://", StringComparison.Ordinal) && reference.EndsWith($"/{r.TypeName}/{r.Id}", StringComparison.Ordinal)));
                    if (order is null && access is not null && await TryReadReference(access, reference, cancellationToken) is { } read and not OperationOutcome)
                    {
                        order = read;
                        Remember(order, $"{reference} (read from the FHIR server)");
                    }
                    // The order cannot be had: a precondition of the call is missing (CDS Hooks 412), not a bad request.
                    if (order is null)
                        return (null, CrdResult.Fail(412, access is null
                            ? $"The dispatched order {reference} was not prefetched and no FHIR access was given."
                            : $"The dispatched order {reference} was not prefetched and could not be read from the FHIR server.", "prefetch"));
                    orders.Add(order);
                }
                known.AddRange(orders);
                return (orders, null);
            }
            default:
                return (null, CrdResult.Fail(400, $"hook: '{request.Hook}' is not a hook this service answers."));
        }
    }

    private static Bundle? BundleIn(JsonElement context, string name, out CrdResult? error)
    {
        error = null;
        if (!context.TryGetProperty(name, out var element))
        {
            error = CrdResult.Fail(400, $"context.{name}: required (a Bundle)", $"context.{name}");
            return null;
        }
        var resource = FhirJson.Parse(element, $"context.{name}", out var problems);
        if (resource is Bundle { Entry.Count: > MaxOrders } big)
        {
            error = CrdResult.Fail(400, $"context.{name} holds {big.Entry.Count} entries; at most {MaxOrders} are accepted.", $"context.{name}");
            return null;
        }
        if (resource is Bundle bundle) return bundle;
        error = new CrdResult(400, null, problems ?? Outcomes.Invalid($"context.{name} must be a Bundle.", $"context.{name}"), $"refused (400): context.{name} is not a Bundle");
        return null;
    }

    private sealed record Fetched<T>(T? Value, CrdResult? Error);

    /// <summary>The prefetched resources of this call, each parsed once (Firely parsing is the costliest step of a call).</summary>
    private readonly Dictionary<string, (Resource? Resource, OperationOutcome? Problems)> _prefetched = new(StringComparer.Ordinal);

    private Resource? Prefetched(string key, JsonElement element, out OperationOutcome? problems)
    {
        if (!_prefetched.TryGetValue(key, out var parsed))
        {
            _prefetched[key] = parsed = (FhirJson.Parse(element, $"prefetch.{key}", out var found), found);
            Remember(parsed.Resource, $"prefetch.{key}");
        }
        problems = parsed.Problems;
        return parsed.Resource;
    }

    /// <summary>
    /// A prefetch slot as the call fills it: the resource; absent (null) when the EHR sent none or an OperationOutcome
    /// (CDS Hooks: a prefetch the EHR failed to fill may carry the OperationOutcome of the failure); a 400 when it is not
    /// FHIR at all.
    /// </summary>
    private Fetched<Resource> Slot(CdsHookRequest request, string key, string expected)
    {
        if (!request.Prefetch.TryGetValue(key, out var element)) return new(null, null);
        var resource = Prefetched(key, element, out var problems);
        if (resource is OperationOutcome) return new(null, null);
        return resource is not null
            ? new(resource, null)
            : new(null, new CrdResult(400, null, problems ?? Outcomes.Invalid($"prefetch.{key} must be a {expected}.", $"prefetch.{key}"),
                $"refused (400): prefetch.{key} is not a {expected}"));
    }

    /// <summary>A resource the answer can do without (the Patient): prefetched, else read; null when neither gives it.</summary>
    private async Task<Fetched<T>> Optional<T>(
        CdsHookRequest request, string key, FhirAccess? access, string relativeUrl, CancellationToken cancellationToken) where T : Resource
    {
        var slot = Slot(request, key, typeof(T).Name);
        if (slot.Error is not null) return new(null, slot.Error);
        if (slot.Value is not null)
            return slot.Value is T typed
                ? new(typed, null)
                : new(null, CrdResult.Fail(400, $"prefetch.{key} must be a {typeof(T).Name}.", $"prefetch.{key}"));
        if (access is null || request.PatientId is null) return new(null, null);
        return new(await TryRead(access, relativeUrl, cancellationToken) as T, null);
    }

    /// <summary>
    /// The patient's Coverages (the active ones): prefetched, else read from the FHIR server. Without them no coverage
    /// information can be given at all — every assertion names its Coverage — so their absence is a precondition the
    /// call lacks (412), whether the EHR sent no prefetch and no FHIR access, a failed prefetch, or a FHIR server that
    /// could not be read (docs/decisions.md "CRD: failed prefetch and unreachable FHIR server").
    /// </summary>
    private async Task<Fetched<List<Hl7.Fhir.Model.Coverage>>> Coverages(CdsHookRequest request, FhirAccess? access, CancellationToken cancellationToken)
    {
        var slot = Slot(request, "coverage", "Bundle of Coverages");
        if (slot.Error is not null) return new(null, slot.Error);
        var found = slot.Value;
        if (found is null)
        {
            if (access is null)
                return new(null, CrdResult.Fail(412, request.Prefetch.ContainsKey("coverage")
                    ? "prefetch.coverage holds the EHR's failure (an OperationOutcome) and the request gives no FHIR access to read the Coverage."
                    : "prefetch.coverage is missing and the request gives no FHIR access to read it.", "prefetch.coverage"));
            if (request.PatientId is null)
                return new(null, CrdResult.Fail(400, "context.patientId: required to read the patient's records", "context.patientId"));
            found = await TryRead(access, $"Coverage?patient={Uri.EscapeDataString(request.PatientId)}&status=active", cancellationToken);
            if (found is null or OperationOutcome)
                return new(null, CrdResult.Fail(412, "The patient's Coverage was not prefetched and could not be read from the FHIR server.", "prefetch.coverage"));
        }
        var coverages = found switch
        {
            Bundle bundle => bundle.Entry.Select(e => e.Resource).OfType<Hl7.Fhir.Model.Coverage>().ToList(),
            Hl7.Fhir.Model.Coverage single => [single],
            _ => [],
        };
        var active = coverages.Where(c => c.Status is null or FinancialResourceStatusCodes.Active).ToList();
        // Another patient's Coverage is not this patient's, whatever the EHR put in the slot.
        var theirs = active.Where(c => !HookPatient.NamesAnother(c.Beneficiary, request.PatientId)).ToList();
        if (active.Count > 0 && theirs.Count == 0)
            return new(null, CrdResult.Fail(400,
                $"The Coverage given is for another patient (Coverage.beneficiary {InputEcho.Truncate(active[0].Beneficiary.Reference)}), not the hook's patient (context.patientId '{InputEcho.Truncate(request.PatientId)}').",
                "Coverage.beneficiary"));
        return new(theirs, null);
    }

    /// <summary>
    /// A 400 when an order, or the prefetched Patient, is about a patient other than the hook's (context.patientId):
    /// nothing of one patient is answered with another's data (<see cref="HookPatient"/>). Null when all agree.
    /// </summary>
    private CrdResult? AboutAnotherPatient(CdsHookRequest request, IReadOnlyList<Resource> orders, Patient? patient)
    {
        if (request.PatientId is not { } patientId) return null;
        foreach (var order in orders)
            foreach (var (reference, element) in HookPatient.OfOrder(order))
                if (HookPatient.NamesAnother(reference, patientId))
                    return CrdResult.Fail(400,
                        $"{PathOf(order)}.{element} names {InputEcho.Truncate(reference.Reference)}, not the hook's patient (context.patientId '{InputEcho.Truncate(patientId)}'): an order is answered for the patient of the call only.",
                        $"{PathOf(order)}.{element}");
        if (patient?.Id is { } id && id != patientId)
            return CrdResult.Fail(400,
                $"prefetch.patient is Patient/{InputEcho.Truncate(id)}, not the hook's patient (context.patientId '{InputEcho.Truncate(patientId)}').", "prefetch.patient");
        return null;
    }

    // ------------------------------------------------------------------ clinical facts

    /// <summary>
    /// Observations one call reads back from the FHIR server for the orders' supportingInfo: a call names a few;
    /// beyond this, a cited Observation not in the hook stays unread (its fact unknown), so that no request makes
    /// this service hammer the EHR.
    /// </summary>
    public const int MaxObservationReads = 20;

    private int _reads;

    private sealed record OrderClinical(IReadOnlyList<KeyValuePair<string, FactValue>> Facts, Func<string, string?> PathOf);

    /// <summary>Where each resource of the call came from (context or prefetch), for messages naming it.</summary>
    private readonly Dictionary<Resource, string> _paths = new(ReferenceEqualityComparer.Instance);

    private string PathOf(Resource resource) => _paths.GetValueOrDefault(resource) ?? $"{resource.TypeName}/{resource.Id}";

    private void Remember(Resource? resource, string path)
    {
        if (resource is null) return;
        _paths.TryAdd(resource, path);
        if (resource is Bundle bundle)
            for (var i = 0; i < bundle.Entry.Count; i++)
                if (bundle.Entry[i].Resource is { } entry) _paths.TryAdd(entry, $"{path}.entry[{i}].resource");
    }

    /// <summary>
    /// The clinical facts of the patient's record: the prefetched Observations (prefetch "observations"), else, with
    /// FHIR access, the same search on the FHIR server; none otherwise (the prefetch is optional: facts then stay
    /// unknown). A fact recorded more than once takes its latest value.
    /// </summary>
    private async Task<Fetched<ClinicalFactReader>> History(CdsHookRequest request, FhirAccess? access, CancellationToken cancellationToken)
    {
        var reader = new ClinicalFactReader(evaluator.Catalogue.Facts, ClinicalFactReader.Mode.Latest);
        Resource? found;
        if (request.Prefetch.TryGetValue(CdsServices.ObservationsKey, out var element))
        {
            found = Prefetched(CdsServices.ObservationsKey, element, out var problems);
            if (found is null)
                return new(null, new CrdResult(400, null, problems ?? Outcomes.Invalid($"prefetch.{CdsServices.ObservationsKey} must be a Bundle of Observations."),
                    $"refused (400): prefetch.{CdsServices.ObservationsKey} is not a FHIR resource"));
        }
        else if (access is not null && request.PatientId is not null)
        {
            found = await TryRead(access, CdsServices.ObservationQuery(evaluator.Catalogue.Facts, Uri.EscapeDataString(request.PatientId)), cancellationToken);
            Remember(found, "Observation search on the FHIR server");
        }
        else found = null;

        IEnumerable<Resource> observations = found switch
        {
            Bundle bundle => bundle.Entry.Select(e => e.Resource).OfType<Observation>(),
            Observation single => [single],
            _ => [],
        };
        foreach (var observation in observations) reader.ReadObservation((Observation)observation, PathOf(observation));
        return reader.Problems.Count > 0 ? new(null, Problems(reader)) : new(reader, null);
    }

    /// <summary>
    /// The clinical facts for one order: the Observations its supportingInfo references (in the hook's resources,
    /// contained in the order, or — with FHIR access — read from the FHIR server), over the patient's record. What
    /// the order cites must agree with itself; it overrides the record.
    /// </summary>
    private async Task<Fetched<OrderClinical>> Clinical(
        Resource order, KnownResources known, ClinicalFactReader history, FhirAccess? access, CancellationToken cancellationToken)
    {
        var (references, element) = order switch
        {
            ServiceRequest r => (r.SupportingInfo, "supportingInfo"),
            DeviceRequest d => (d.SupportingInfo, "supportingInfo"),
            Appointment a => (a.SupportingInformation, "supportingInformation"),
            _ => ([], ""),
        };
        var cited = new ClinicalFactReader(evaluator.Catalogue.Facts);
        var orderPath = PathOf(order);
        // Where each contained resource is, by "#id" (the first of an id given twice, as a search from the start found):
        // looked up once per reference, not searched for, so that an order citing all it contains costs no more per citation.
        var contained = new Dictionary<string, int>(StringComparer.Ordinal);
        var containedResources = ((DomainResource)order).Contained;
        for (var c = 0; c < containedResources.Count; c++) contained.TryAdd("#" + containedResources[c].Id, c);
        for (var i = 0; i < references.Count; i++)
        {
            var target = references[i].Reference;
            if (target is null) continue;
            Resource? resource;
            string path;
            var containedIndex = contained.GetValueOrDefault(target, -1);
            if (containedIndex >= 0)
                (resource, path) = (containedResources[containedIndex], $"{orderPath}.contained[{containedIndex}]");
            else
            {
                resource = known.Find(references[i]);
                if (resource is null && access is not null && target.StartsWith("Observation/", StringComparison.Ordinal) && _reads < MaxObservationReads)
                {
                    _reads++;
                    resource = await TryReadReference(access, target, cancellationToken);
                    if (resource is not null) Remember(resource, $"{target} (read from the FHIR server)");
                }
                path = resource is null ? target : PathOf(resource);
            }
            // An Observation not given and not readable leaves its fact unknown: the answer asks for it.
            if (resource is Observation observation) cited.ReadObservation(observation, path, citedAt: $"{orderPath}.{element}[{i}]");
        }
        if (cited.Problems.Count > 0) return new(null, Problems(cited));

        return new(new OrderClinical(Over(history.Facts(), cited.Facts()), name => cited.PathOf(name) ?? history.PathOf(name)), null);
    }

    /// <summary>
    /// The record's facts with what the order cites over them: a cited fact takes the record's place, a fact only
    /// cited comes after the record's (the order the request's clinical facts are checked in, and errors named).
    /// </summary>
    private static List<KeyValuePair<string, FactValue>> Over(List<KeyValuePair<string, FactValue>> record, List<KeyValuePair<string, FactValue>> cited)
    {
        foreach (var fact in cited)
        {
            var at = record.FindIndex(f => f.Key == fact.Key);
            if (at >= 0) record[at] = fact;
            else record.Add(fact);
        }
        return record;
    }

    private static CrdResult Problems(ClinicalFactReader reader) =>
        new(400, null, Outcomes.Invalid(reader.Problems.Select(p => (p.Message, (string?)p.Expression))),
            // The audit names the elements, not the clinical values (member data stays out of the audit).
            $"refused (400): clinical facts that cannot be read at {string.Join(", ", reader.Problems.Select(p => p.Expression).Distinct(StringComparer.Ordinal).Take(5))}");
}
