using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
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
    /// <summary>FHIR servers this service may read back from (CDS Hooks fhirServer); empty: none.</summary>
    public IReadOnlyList<string> AllowedFhirServers { get; init; } = [];
}

/// <summary>The result of a hook call: a response body, or an error status with its OperationOutcome.</summary>
public sealed record CrdResult(int Status, string? ResponseJson, OperationOutcome? Error, string AuditDetail)
{
    public static CrdResult Fail(int status, string message, string? expression = null) =>
        new(status, null, Outcomes.Of(status == 412 ? OperationOutcome.IssueType.Incomplete : OperationOutcome.IssueType.Invalid, message, expression),
            $"refused ({status}): {message}");
}

/// <summary>
/// Answers a Da Vinci CRD hook call: finds the orders, the patient and the one active Coverage (prefetch,
/// else the EHR's FHIR server), evaluates each order with the one evaluator, and answers with an `update`
/// system action carrying ext-coverage-information and at most one card per order.
/// </summary>
public sealed class CrdService(Evaluator evaluator, FhirServerClient fhir, TimeProvider time, CrdOptions options)
{
    /// <summary>Orders in one hook call: an order-sign rarely holds more than a handful.</summary>
    public const int MaxOrders = 100;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public async Task<CrdResult> HandleAsync(CdsHookRequest request, CancellationToken cancellationToken)
    {
        var access = request.FhirAccess is { } a && IsAllowed(a.Server) ? a : null;
        var known = new List<Resource>();

        // The orders of the hook.
        var (orders, ordersError) = await Orders(request, access, known, cancellationToken);
        if (ordersError is not null) return ordersError;

        // The patient and the one active Coverage: prefetch, else FHIR, else 412.
        var patient = await PrefetchedOrRead<Patient>(request, "patient", access, $"Patient/{request.PatientId}", cancellationToken);
        if (patient.Error is not null) return patient.Error;
        var coverages = await Coverages(request, access, cancellationToken);
        if (coverages.Error is not null) return coverages.Error;
        if (coverages.Value!.Count != 1)
            return CrdResult.Fail(400, coverages.Value.Count == 0
                ? "No active Coverage for the patient: prefetch 'coverage' (or the FHIR server) must hold exactly one."
                : $"{coverages.Value.Count} active Coverages for the patient; this service needs exactly one.", "prefetch.coverage");
        var coverage = coverages.Value[0];

        var planId = FhirMapping.PlanId(coverage);
        if (planId is not null && evaluator.Catalogue.FindPlan(planId) is null)
            return CrdResult.Fail(400, $"Coverage.class (plan) '{planId}' is not a plan this payer administers.", "Coverage.class");
        var memberId = coverage.SubscriberId ?? coverage.Identifier.FirstOrDefault()?.Value ?? patient.Value?.Identifier.FirstOrDefault()?.Value;
        var birthDate = patient.Value?.BirthDate is { Length: 10 } birth ? birth : null;
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        known.AddRange(request.Prefetch.Select(p => Prefetched(p.Key, p.Value, out _)).OfType<Resource>());

        // The patient's record: the Observations prefetched (or, with FHIR access, searched) that carry clinical
        // facts; read once, when the first order with a billing code needs it.
        ClinicalFactReader? history = null;

        using var stream = new MemoryStream();
        var actions = new List<string>();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("cards");
            var pending = new List<(Resource Order, LineDetermination Line, CoverageAssertion Assertion, string AssertionId)>();
            foreach (var order in orders!)
            {
                var facts = OrderMapper.Read(order, reference => Resolve(reference, known));
                if (facts is null) continue;
                if (history is null)
                {
                    var record = await History(request, access, cancellationToken);
                    if (record.Error is not null) return record.Error;
                    history = record.Value!;
                }
                var clinical = await Clinical(order, known, history, access, cancellationToken);
                if (clinical.Error is not null) return clinical.Error;
                var draft = OrderMapper.ToRequest(facts, $"{request.HookInstance}/{order.TypeName}/{order.Id}", memberId, birthDate, planId, today, clinical.Value!.Facts);
                var read = RequestValidator.Validate(draft, evaluator.Catalogue);
                if (read.Errors.FirstOrDefault(e => e.Field.StartsWith("clinical.", StringComparison.Ordinal)) is { } factError)
                {
                    // A fact the EHR recorded outside what the catalogue allows (e.g. a size beyond the fact's maximum).
                    var where = clinical.Value.PathOf(factError.Field["clinical.".Length..]) ?? factError.Field;
                    // The audit names the element, not the clinical value (member data stays out of the audit).
                    return new CrdResult(400, null, Outcomes.Invalid($"{where}: {factError.Message}", where), $"refused (400): a clinical fact outside what the catalogue allows at {where}");
                }
                if (!read.IsValid) continue; // e.g. an invalid reason code: not an order this payer can assess
                var line = evaluator.Evaluate(read.Request!).Lines[0];
                if (line.Outcome == LineOutcome.NotAddressed) continue;
                var assertion = CoverageInformation.Assert(line);
                var assertionId = Guid.CreateVersion7(time.GetUtcNow()).ToString();
                WriteCard(writer, line, assertion, assertionId);
                pending.Add((order, line, assertion, assertionId));
            }
            writer.WriteEndArray();

            writer.WriteStartArray("systemActions");
            foreach (var (order, line, assertion, assertionId) in pending)
            {
                var updated = (Resource)order.DeepCopy();
                var extensions = ((DomainResource)updated).Extension;
                extensions.RemoveAll(e => e.Url == FhirSystems.CrdCoverageInformation);
                extensions.Add(CoverageInformation.Build(line, assertion, $"Coverage/{coverage.Id}", assertionId, today, PolicyUrl(line)));
                writer.WriteStartObject();
                writer.WriteString("type", "update");
                writer.WriteString("description", $"Coverage information for {line.Code}: {assertion.Covered}");
                writer.WritePropertyName("resource");
                FhirJson.Write(updated, writer);
                writer.WriteEndObject();
                actions.Add($"{order.TypeName} {line.Code}: {line.Outcome.ToWire()} ({assertion.Covered})");
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        var detail = $"{request.Hook} {request.HookInstance}: {orders!.Count} order(s), {actions.Count} with coverage information" +
            (actions.Count > 0 ? ": " + string.Join("; ", actions) : "");
        return new CrdResult(200, Encoding.UTF8.GetString(stream.ToArray()), null, detail);
    }

    private void WriteCard(Utf8JsonWriter writer, LineDetermination line, CoverageAssertion assertion, string assertionId)
    {
        writer.WriteStartObject();
        writer.WriteString("uuid", assertionId);
        // CDS Hooks: the summary is under 140 characters.
        writer.WriteString("summary", assertion.Summary.Length < 140 ? assertion.Summary : assertion.Summary[..136] + "...");
        writer.WriteString("indicator", assertion.Indicator);
        writer.WriteString("detail", CoverageInformation.Reason(line));
        writer.WriteStartObject("source");
        writer.WriteString("label", line.Policy is null ? "Payer coverage policy" : $"Payer coverage policy {line.Policy.Id}");
        writer.WriteStartObject("topic");
        writer.WriteString("system", FhirSystems.CrdTemp);
        writer.WriteString("code", "coverage-info");
        writer.WriteString("display", "Coverage Information");
        writer.WriteEndObject();
        writer.WriteEndObject();
        if (PolicyUrl(line) is { } url)
        {
            writer.WriteStartArray("links");
            writer.WriteStartObject();
            writer.WriteString("label", $"Policy {line.Policy!.Id}: {line.Policy.Title} (version {line.Policy.Version})");
            writer.WriteString("url", url);
            writer.WriteString("type", "absolute");
            writer.WriteEndObject();
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
    }

    private string? PolicyUrl(LineDetermination line) =>
        options.PolicyBaseUrl is null || line.Policy is null ? null : $"{options.PolicyBaseUrl.TrimEnd('/')}/{line.Policy.Id}?version={line.Policy.Version}";

    private bool IsAllowed(Uri server) =>
        options.AllowedFhirServers.Any(allowed => server.AbsoluteUri.StartsWith(allowed, StringComparison.OrdinalIgnoreCase));

    private async Task<(List<Resource>? Orders, CrdResult? Error)> Orders(
        CdsHookRequest request, FhirAccess? access, List<Resource> known, CancellationToken cancellationToken)
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
                    var selected = selections.EnumerateArray().Select(s => s.GetString()).ToHashSet(StringComparer.Ordinal);
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
                if (!context.TryGetProperty("dispatchedOrders", out var dispatched) || dispatched.ValueKind != JsonValueKind.Array)
                    return (null, CrdResult.Fail(400, "context.dispatchedOrders: required (a list of order references)", "context.dispatchedOrders"));
                var prefetched = request.Prefetch.Values.Select(v => FhirJson.Parse(v, "prefetch", out _)).OfType<Resource>()
                    .SelectMany(r => r is Bundle b ? b.Entry.Select(e => e.Resource).OfType<Resource>() : [r]).ToList();
                var orders = new List<Resource>();
                foreach (var reference in dispatched.EnumerateArray().Select(d => d.GetString()).OfType<string>())
                {
                    var order = prefetched.FirstOrDefault(r => $"{r.TypeName}/{r.Id}" == reference);
                    if (order is null && access is not null) order = await fhir.ReadAsync(access, reference, cancellationToken);
                    if (order is null)
                        return (null, access is null
                            ? CrdResult.Fail(412, $"The dispatched order {reference} was not prefetched and no FHIR access was given.", "prefetch")
                            : CrdResult.Fail(400, $"The dispatched order {reference} could not be read from the FHIR server.", "context.dispatchedOrders"));
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

    private async Task<Fetched<T>> PrefetchedOrRead<T>(
        CdsHookRequest request, string key, FhirAccess? access, string relativeUrl, CancellationToken cancellationToken) where T : Resource
    {
        if (request.Prefetch.TryGetValue(key, out var element))
        {
            var resource = Prefetched(key, element, out var problems);
            if (resource is T typed) return new(typed, null);
            return new(null, new CrdResult(400, null, problems ?? Outcomes.Invalid($"prefetch.{key} must be a {typeof(T).Name}.", $"prefetch.{key}"),
                $"refused (400): prefetch.{key} is not a {typeof(T).Name}"));
        }
        if (access is null)
            return new(null, CrdResult.Fail(412, $"prefetch.{key} is missing and the request gives no FHIR access to read it.", $"prefetch.{key}"));
        if (request.PatientId is null)
            return new(null, CrdResult.Fail(400, "context.patientId: required to read the patient's records", "context.patientId"));
        var read = await fhir.ReadAsync(access, relativeUrl, cancellationToken);
        return read is T value
            ? new(value, null)
            : new(null, CrdResult.Fail(400, $"{relativeUrl} could not be read from the FHIR server.", $"prefetch.{key}"));
    }

    private async Task<Fetched<List<Hl7.Fhir.Model.Coverage>>> Coverages(CdsHookRequest request, FhirAccess? access, CancellationToken cancellationToken)
    {
        var found = await PrefetchedOrRead<Resource>(request, "coverage", access, $"Coverage?patient={request.PatientId}&status=active", cancellationToken);
        if (found.Error is not null) return new(null, found.Error);
        var coverages = found.Value switch
        {
            Bundle bundle => bundle.Entry.Select(e => e.Resource).OfType<Hl7.Fhir.Model.Coverage>().ToList(),
            Hl7.Fhir.Model.Coverage single => [single],
            _ => [],
        };
        return new(coverages.Where(c => c.Status is null or FinancialResourceStatusCodes.Active).ToList(), null);
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
            found = await fhir.ReadAsync(access, CdsServices.ObservationQuery(evaluator.Catalogue.Facts, Uri.EscapeDataString(request.PatientId)), cancellationToken);
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
        Resource order, List<Resource> known, ClinicalFactReader history, FhirAccess? access, CancellationToken cancellationToken)
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
        for (var i = 0; i < references.Count; i++)
        {
            var target = references[i].Reference;
            if (target is null) continue;
            Resource? resource;
            string path;
            var containedIndex = target.StartsWith('#') ? ((DomainResource)order).Contained.FindIndex(c => "#" + c.Id == target) : -1;
            if (containedIndex >= 0)
                (resource, path) = (((DomainResource)order).Contained[containedIndex], $"{orderPath}.contained[{containedIndex}]");
            else
            {
                resource = Resolve(references[i], known);
                if (resource is null && access is not null && target.StartsWith("Observation/", StringComparison.Ordinal) && _reads < MaxObservationReads)
                {
                    _reads++;
                    resource = await fhir.ReadAsync(access, target, cancellationToken);
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

    private static Resource? Resolve(ResourceReference reference, List<Resource> known)
    {
        var target = reference.Reference;
        if (target is null) return null;
        // The hook's resources, and the entries of the Bundles among them (a prefetched search).
        var resources = known.SelectMany(r => r is Bundle bundle ? [r, .. bundle.Entry.Select(e => e.Resource).OfType<Resource>()] : new[] { r }).ToList();
        return resources.FirstOrDefault(r => $"{r.TypeName}/{r.Id}" == target)
            ?? resources.FirstOrDefault(r => r.Id is not null && target.EndsWith($"/{r.TypeName}/{r.Id}", StringComparison.Ordinal))
            ?? known.OfType<DomainResource>().SelectMany(r => r.Contained).FirstOrDefault(c => "#" + c.Id == target);
    }
}
