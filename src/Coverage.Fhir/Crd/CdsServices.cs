using Coverage.Engine.Catalogue;

namespace Coverage.Fhir.Crd;

/// <summary>A CDS Hooks 2.0 service this server offers (GET /cds-services).</summary>
public sealed record CdsService(string Id, string Hook, string Title, string Description, IReadOnlyDictionary<string, string> Prefetch);

/// <summary>
/// The Da Vinci CRD services: one per hook the IG names (the order and appointment hooks, and the optional encounter hooks). Each asks the EHR to
/// prefetch the patient and the patient's active Coverage, so that most calls need no FHIR access back.
/// </summary>
public static class CdsServices
{
    private static readonly Dictionary<string, string> Common = new(StringComparer.Ordinal)
    {
        ["patient"] = "Patient/{{context.patientId}}",
        ["coverage"] = "Coverage?patient={{context.patientId}}&status=active",
    };

    /// <summary>
    /// The order each order-dispatch names, by type: CDS Hooks prefetch templates with the CRD resolve() form on the
    /// root-level context token (CRD 2.2 Binary-CRDServices); a client that sends the order in context.order (the CRD
    /// kit) prefetches it under any key — every prefetched resource is searched for it.
    /// </summary>
    private static readonly Dictionary<string, string> Dispatched = new(Common, StringComparer.Ordinal)
    {
        ["serviceRequests"] = "ServiceRequest?_id={{context.dispatchedOrders.resolve().ofType(ServiceRequest).id}}",
        ["deviceRequests"] = "DeviceRequest?_id={{context.dispatchedOrders.resolve().ofType(DeviceRequest).id}}",
        ["medicationRequests"] = "MedicationRequest?_id={{context.dispatchedOrders.resolve().ofType(MedicationRequest).id}}",
    };

    /// <summary>The orders appointments are basedOn (CRD 2.2 Binary-CRDServices, appointment-book).</summary>
    private static readonly Dictionary<string, string> Appointed = new(Common, StringComparer.Ordinal)
    {
        ["serviceRequests"] = "ServiceRequest?_id={{context.appointments.entry.resource.basedOn.resolve().ofType(ServiceRequest).id}}",
    };

    private static readonly Dictionary<string, string> EncounterPrefetch = new(Common, StringComparer.Ordinal)
    {
        ["encounter"] = "Encounter/{{context.encounterId}}",
    };

    public static readonly IReadOnlyList<CdsService> All =
    [
        new("order-select", "order-select", "Coverage requirements when an order is selected",
            "Tells, as a clinician selects an order, whether the payer covers it and whether prior authorization is needed.", Common),
        new("order-sign", "order-sign", "Coverage requirements when orders are signed",
            "Tells, as orders are signed, whether the payer covers them, with the coverage policy that decides it.", Common),
        new("order-dispatch", "order-dispatch", "Coverage requirements when an order is dispatched",
            "Tells, as an order is sent to a performer, whether the payer covers it.", Dispatched),
        new("appointment-book", "appointment-book", "Coverage requirements when an appointment is booked",
            "Tells, as an appointment for a procedure is booked, whether the payer covers the procedure.", Appointed),
        new("encounter-start", "encounter-start", "Coverage requirements when an encounter starts",
            "Offered for CRD clients that call it: this payer's policies address orders, so it returns no cards.", EncounterPrefetch),
        new("encounter-discharge", "encounter-discharge", "Coverage requirements when a patient is discharged",
            "Offered for CRD clients that call it: this payer's policies address orders, so it returns no cards.", EncounterPrefetch),
    ];

    public static CdsService? Find(string id) => All.FirstOrDefault(s => s.Id == id);

    /// <summary>The prefetch key of the patient's Observations that carry clinical facts.</summary>
    public const string ObservationsKey = "observations";

    /// <summary>
    /// The services as discovery lists them for this catalogue: each also prefetches the patient's Observations
    /// coded as the catalogue's clinical facts are (<see cref="ObservationQuery"/>), so that criteria can be read
    /// from the EHR. Optional: an EHR that cannot fill it sends none, and the facts stay unknown.
    /// </summary>
    public static IReadOnlyList<CdsService> For(FactDefinitions facts)
    {
        var query = ObservationQuery(facts, "{{context.patientId}}");
        return [.. All.Select(s => s with
        {
            Prefetch = new Dictionary<string, string>(s.Prefetch, StringComparer.Ordinal) { [ObservationsKey] = query },
        })];
    }

    /// <summary>
    /// The search for a patient's Observations that carry clinical facts: a token search on code (CDS Hooks 2.0
    /// prefetch templates allow token equality), naming Coverage's fact code system as a whole ("system|") and each
    /// coding the catalogue binds to a fact.
    /// </summary>
    public static string ObservationQuery(FactDefinitions facts, string patient)
    {
        var codes = facts.All.Where(f => f.DerivedFrom is null).SelectMany(f => f.Codes)
            .Select(c => $"{Query(c.System)}|{Query(Escaped(c.Code))}").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return $"Observation?patient={patient}&code={string.Join(",", [FhirSystems.ClinicalFact + "|", .. codes])}";
    }

    /// <summary>FHIR search escapes ',', '|', '$' and '\\' inside a token's code.</summary>
    private static string Escaped(string code) =>
        code.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(",", "\\,", StringComparison.Ordinal)
            .Replace("|", "\\|", StringComparison.Ordinal).Replace("$", "\\$", StringComparison.Ordinal);

    /// <summary>Percent-encodes for a URL query, leaving the ':' and '/' of a system URI readable.</summary>
    private static string Query(string text) =>
        Uri.EscapeDataString(text).Replace("%3A", ":", StringComparison.Ordinal).Replace("%2F", "/", StringComparison.Ordinal);
}
