using Coverage.Engine.Model;
using Coverage.Engine.Validation;
using Hl7.Fhir.Model;

namespace Coverage.Fhir.Crd;

/// <summary>
/// What CRD needs of an order: the CPT/HCPCS codes it may be billed as (the first is its own code, the others billing
/// options), description, reasons and date.
/// </summary>
public sealed record OrderFacts(Resource Order, IReadOnlyList<Coding> BillingCodes, string? Description, IReadOnlyList<string> Diagnoses, DateOnly? Date, decimal Units);

/// <summary>
/// One order as CRD reads it: its facts, or — for an order this payer's policies cannot assess — why not, and the CRD
/// info-needed code for what would let it be assessed: <see cref="CoverageInformation.InfoNeededOther"/> (a CPT/HCPCS
/// code), <see cref="CoverageInformation.InfoNeededTimeframe"/> (the day of service); null when nothing would.
/// </summary>
public sealed record OrderReading(OrderFacts? Facts, string? NotAssessed, string? InfoNeeded)
{
    public static OrderReading Of(OrderFacts facts) => new(facts, null, null);
}

/// <summary>
/// Maps the order resources CDS Hooks carries to the one coverage request. The billing codes of an order are, in this
/// order: the CPT/HCPCS codings of its code; the codes of its ext-billing-options (billopt-2/3: a server SHALL consider
/// them); the billing codes the catalogue maps its clinical codings to (e.g. SNOMED CT, <c>policies/order-codes.yaml</c>).
/// An Appointment is read by its serviceType, else by the orders it is basedOn. Description from code.text, ICD-10-CM
/// reasons from reasonCode and reasonReference, the date from occurrence[x] (or the appointment's start).
/// Every other request resource a CRD hook carries (MedicationRequest, CommunicationRequest, NutritionOrder,
/// VisionPrescription, a DeviceRequest naming its device by reference) is read as not assessed, with the reason.
/// Resources that are not orders (e.g. an Encounter) give null: no assertion.
/// </summary>
public static class OrderMapper
{
    /// <summary>The request resources CRD's order hooks carry (CRD 2.0.1 hooks page).</summary>
    public static bool IsOrder(Resource resource) =>
        resource is ServiceRequest or DeviceRequest or MedicationRequest or CommunicationRequest or NutritionOrder or VisionPrescription or Appointment;

    public static OrderReading? Read(Resource order, Func<ResourceReference, Resource?> resolve, Func<Coding, IReadOnlyList<Coding>> clinicalToBilling)
    {
        return order switch
        {
            ServiceRequest request => FromCode(order, request.Code, request.ReasonCode, request.ReasonReference, request.Occurrence, resolve, clinicalToBilling, Units(request.Quantity)),
            DeviceRequest { Code: CodeableConcept code } device => FromCode(order, code, device.ReasonCode, device.ReasonReference, device.Occurrence, resolve, clinicalToBilling, 1),
            DeviceRequest => new(null, "The DeviceRequest names its device by reference (codeReference), not by a CPT/HCPCS code: coverage was not assessed. Give the device's HCPCS code in DeviceRequest.codeCodeableConcept.", CoverageInformation.InfoNeededOther),
            Appointment appointment => FromAppointment(appointment, resolve, clinicalToBilling),
            MedicationRequest or CommunicationRequest or NutritionOrder or VisionPrescription => new(null,
                $"This payer's coverage policies address procedures and devices coded in CPT/HCPCS; coverage of this {order.TypeName} was not assessed here.", null),
            _ => null,
        };
    }

    private static OrderReading FromAppointment(Appointment appointment, Func<ResourceReference, Resource?> resolve, Func<Coding, IReadOnlyList<Coding>> clinicalToBilling)
    {
        // The appointment's day where it takes place: its start's own offset, not UTC's (an evening appointment west of
        // Greenwich is on the day before UTC's).
        var date = appointment.Start is { } start ? DateOnly.FromDateTime(start.DateTime) : (DateOnly?)null;
        foreach (var serviceType in appointment.ServiceType)
        {
            var reading = FromCode(appointment, serviceType, appointment.ReasonCode, appointment.ReasonReference, null, resolve, clinicalToBilling, 1);
            if (reading.Facts is not null) return OrderReading.Of(reading.Facts with { Date = date });
        }
        // The appointment is for the orders it is basedOn: their codes (and reasons, with the appointment's own first);
        // the day is the appointment's, else the order's occurrence.
        foreach (var basedOn in appointment.BasedOn)
        {
            var reading = resolve(basedOn) switch
            {
                ServiceRequest request => FromCode(appointment, request.Code, [.. appointment.ReasonCode, .. request.ReasonCode],
                    [.. appointment.ReasonReference, .. request.ReasonReference], date is null ? request.Occurrence : null, resolve, clinicalToBilling, Units(request.Quantity)),
                DeviceRequest { Code: CodeableConcept code } device => FromCode(appointment, code, [.. appointment.ReasonCode, .. device.ReasonCode],
                    [.. appointment.ReasonReference, .. device.ReasonReference], date is null ? device.Occurrence : null, resolve, clinicalToBilling, 1),
                _ => null,
            };
            if (reading?.Facts is not null) return OrderReading.Of(reading.Facts with { Date = date ?? reading.Facts.Date });
            // A coded order whose day cannot be read (a year or a month only): that, not "no code", is why.
            if (reading is { InfoNeeded: CoverageInformation.InfoNeededTimeframe }) return reading;
        }
        var unread = appointment.BasedOn.Where(b => resolve(b) is null).Select(b => b.Reference).OfType<string>().ToList();
        return new(null, unread.Count > 0
            ? $"The appointment carries no CPT/HCPCS service type and the order it is based on ({string.Join(", ", unread)}) could not be read: coverage was not assessed."
            : "The appointment carries no CPT/HCPCS code (in serviceType or the order it is based on): coverage was not assessed.", CoverageInformation.InfoNeededOther);
    }

    private static OrderReading FromCode(
        Resource order, CodeableConcept? code, List<CodeableConcept> reasonCodes, List<ResourceReference> reasonReferences,
        DataType? occurrence, Func<ResourceReference, Resource?> resolve, Func<Coding, IReadOnlyList<Coding>> clinicalToBilling, decimal units)
    {
        var billing = BillingCodes(code, clinicalToBilling);
        if (billing.Count == 0)
        {
            var coded = code?.Coding.Where(c => c.Code is not null).Select(c => $"{c.System}|{c.Code}").ToList() ?? [];
            return new(null, coded.Count == 0
                ? $"The {order.TypeName} carries no code: coverage was not assessed. Give its CPT/HCPCS code."
                : $"The {order.TypeName} is coded {string.Join(", ", coded)}, for which this payer knows no CPT/HCPCS billing code: coverage was not assessed. Give the CPT/HCPCS code (in the code or an ext-billing-options extension).",
                CoverageInformation.InfoNeededOther);
        }

        var diagnoses = new List<string>();
        void Add(CodeableConcept? concept)
        {
            foreach (var coding in concept?.Coding ?? [])
                if (coding.System == FhirSystems.Icd10Cm && coding.Code is { } icd && CodeFormats.IsIcd10Cm(icd) && !diagnoses.Contains(icd))
                    diagnoses.Add(icd);
        }
        foreach (var reason in reasonCodes) Add(reason);
        foreach (var reference in reasonReferences)
            if (resolve(reference) is Condition condition) Add(condition.Code);

        var (date, partial) = DayOf(occurrence);
        if (partial is not null)
            return new(null, $"The {order.TypeName}'s occurrence names no day ('{InputEcho.Truncate(partial)}', a year or a month only): coverage was not assessed. Give the day of service.", CoverageInformation.InfoNeededTimeframe);
        return OrderReading.Of(new OrderFacts(order, billing, string.IsNullOrWhiteSpace(code!.Text) ? null : code.Text, diagnoses, date, units));
    }

    /// <summary>The CPT/HCPCS codes of a code: its own, then its billing options, then what the catalogue maps its other codings to.</summary>
    private static List<Coding> BillingCodes(CodeableConcept? code, Func<Coding, IReadOnlyList<Coding>> clinicalToBilling)
    {
        var found = new List<Coding>();
        void Take(Coding coding)
        {
            if (!FhirSystems.IsOrderBillingSystem(coding.System) || coding.Code is null || !CodeFormats.IsProcedureCode(coding.Code)) return;
            if (found.Any(f => f.Code == coding.Code)) return;
            found.Add(new Coding(FhirSystems.ProcedureSystem(coding.Code), coding.Code));
        }
        if (code is null) return found;
        foreach (var coding in code.Coding) Take(coding);
        foreach (var option in code.Extension.Where(e => e.Url == FhirSystems.CrdBillingOptions))
        {
            if (option.Value is CodeableConcept concept) foreach (var coding in concept.Coding) Take(coding);
            else if (option.Value is Coding coding) Take(coding);
        }
        if (found.Count == 0)
            foreach (var coding in code.Coding.Where(c => c.Code is not null))
                foreach (var mapped in clinicalToBilling(coding)) Take(mapped);
        return found;
    }

    /// <summary>
    /// The day of service occurrence[x] names, in the value's own offset: a dateTime's day, a Period's start, a Timing's
    /// earliest event, else the start of its bounds. Null day when it names no date (the caller assumes today, as for an
    /// order without occurrence); <c>Partial</c> when a date it gives names only a year or a month — the order is then not
    /// assessed, never assessed as of the first day of it (as PAS's dates, <see cref="FhirMapping.DayOf"/>).
    /// </summary>
    private static (DateOnly? Day, string? Partial) DayOf(DataType? occurrence)
    {
        static (DateOnly?, string?) Of(string? value) =>
            value is null ? (null, null) : FhirMapping.DayOf(value) is { } day ? (day, null) : (null, value);
        switch (occurrence)
        {
            case FhirDateTime dateTime: return Of(dateTime.Value);
            case Period period: return Of(period.Start);
            case Timing timing:
                DateOnly? earliest = null;
                foreach (var moment in timing.EventElement)
                {
                    var (day, partial) = Of(moment.Value);
                    if (partial is not null) return (null, partial);
                    if (day < earliest || earliest is null) earliest = day;
                }
                return earliest is not null ? (earliest, null) : timing.Repeat?.Bounds is Period bounds ? Of(bounds.Start) : (null, null);
            default: return (null, null);
        }
    }

    /// <summary>
    /// The order's quantity as the line's units, as given: the request rules refuse what is no number of units (0, too
    /// many), and the order is then not assessed rather than assessed as one unit. A ratio or range names no one number
    /// and no quantity means one: 1.
    /// </summary>
    private static decimal Units(DataType? quantity) => quantity is Quantity { Value: { } value } ? value : 1;

    /// <summary>The coverage request for one order and one of its billing codes, as a draft for the same request validator as every interface.</summary>
    public static RequestDraft ToRequest(
        OrderFacts facts, Coding billingCode, string requestId, string? memberId, string? birthDate, string? planId, DateOnly today,
        IReadOnlyList<KeyValuePair<string, FactValue>>? clinical = null) => new()
    {
        RequestId = requestId,
        Kind = RequestKind.PriorAuthorization,
        MemberId = memberId,
        BirthDate = birthDate,
        PlanId = planId,
        DateOfService = IsoDate.ToString(facts.Date ?? today),
        Diagnoses = facts.Diagnoses,
        ServiceLines = [new ServiceLineDraft { Sequence = 1, Code = billingCode.Code!, Units = facts.Units, Description = facts.Description }],
        Clinical = clinical ?? [],
    };
}
