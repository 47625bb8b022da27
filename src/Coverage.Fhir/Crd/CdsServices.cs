namespace Coverage.Fhir.Crd;

/// <summary>A CDS Hooks 2.0 service this server offers (GET /cds-services).</summary>
public sealed record CdsService(string Id, string Hook, string Title, string Description, IReadOnlyDictionary<string, string> Prefetch);

/// <summary>
/// The Da Vinci CRD services: one per hook the IG names for orders and appointments. Each asks the EHR to
/// prefetch the patient and the patient's active Coverage, so that most calls need no FHIR access back.
/// </summary>
public static class CdsServices
{
    private static readonly Dictionary<string, string> Common = new(StringComparer.Ordinal)
    {
        ["patient"] = "Patient/{{context.patientId}}",
        ["coverage"] = "Coverage?patient={{context.patientId}}&status=active",
    };

    public static readonly IReadOnlyList<CdsService> All =
    [
        new("order-select", "order-select", "Coverage requirements when an order is selected",
            "Tells, as a clinician selects an order, whether the payer covers it and under which coverage policy.", Common),
        new("order-sign", "order-sign", "Coverage requirements when orders are signed",
            "Tells, as orders are signed, whether the payer covers them, with the coverage policy that decides it.", Common),
        new("order-dispatch", "order-dispatch", "Coverage requirements when an order is dispatched",
            "Tells, as an order is sent to a performer, whether the payer covers it.",
            new Dictionary<string, string>(Common, StringComparer.Ordinal)
            {
                ["serviceRequests"] = "ServiceRequest?_id={{context.dispatchedOrders.ServiceRequest.id}}",
            }),
        new("appointment-book", "appointment-book", "Coverage requirements when an appointment is booked",
            "Tells, as an appointment for a procedure is booked, whether the payer covers the procedure.", Common),
    ];

    public static CdsService? Find(string id) => All.FirstOrDefault(s => s.Id == id);
}
