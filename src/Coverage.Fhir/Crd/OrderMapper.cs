using System.Globalization;
using Coverage.Engine.Model;
using Coverage.Engine.Validation;
using Hl7.Fhir.Model;

namespace Coverage.Fhir.Crd;

/// <summary>What CRD needs of an order: its CPT/HCPCS code, description, reasons and date.</summary>
public sealed record OrderFacts(Resource Order, Coding BillingCode, string? Description, IReadOnlyList<string> Diagnoses, DateOnly? Date, int Units);

/// <summary>
/// Maps the order resources CDS Hooks carries (ServiceRequest, DeviceRequest, Appointment) to the one
/// coverage request: code from the CPT/HCPCS coding, description from code.text, ICD-10-CM reasons from
/// reasonCode and reasonReference, the date from occurrence[x] (or the appointment's start).
/// Orders of other types, or without a CPT/HCPCS code, are not for this payer's policies: no action.
/// </summary>
public static class OrderMapper
{
    public static OrderFacts? Read(Resource order, Func<ResourceReference, Resource?> resolve)
    {
        return order switch
        {
            ServiceRequest request => FromCode(order, request.Code, request.ReasonCode, request.ReasonReference, request.Occurrence, resolve, Units(request.Quantity)),
            DeviceRequest device => FromCode(order, device.Code as CodeableConcept, device.ReasonCode, device.ReasonReference, device.Occurrence, resolve, 1),
            Appointment appointment => FromAppointment(appointment, resolve),
            _ => null,
        };
    }

    private static OrderFacts? FromAppointment(Appointment appointment, Func<ResourceReference, Resource?> resolve)
    {
        foreach (var serviceType in appointment.ServiceType)
        {
            var facts = FromCode(appointment, serviceType, appointment.ReasonCode, appointment.ReasonReference, null, resolve, 1);
            if (facts is not null)
                return facts with { Date = appointment.Start is { } start ? DateOnly.FromDateTime(start.UtcDateTime) : null };
        }
        return null;
    }

    private static OrderFacts? FromCode(
        Resource order, CodeableConcept? code, List<CodeableConcept> reasonCodes, List<ResourceReference> reasonReferences,
        DataType? occurrence, Func<ResourceReference, Resource?> resolve, int units)
    {
        var billing = code?.Coding.FirstOrDefault(c => FhirSystems.IsProcedureSystem(c.System) && c.Code is not null && CodeFormats.IsProcedureCode(c.Code));
        if (billing is null) return null;

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

        return new OrderFacts(order, billing, string.IsNullOrWhiteSpace(code!.Text) ? null : code.Text, diagnoses, DateOf(occurrence), units);
    }

    private static DateOnly? DateOf(DataType? occurrence) => occurrence switch
    {
        FhirDateTime dateTime when dateTime.TryToDateTimeOffset(out var value) => DateOnly.FromDateTime(value.DateTime),
        Period { Start: { } start } when DateTimeOffset.TryParse(start, CultureInfo.InvariantCulture, out var value) => DateOnly.FromDateTime(value.DateTime),
        Timing timing when timing.EventElement.FirstOrDefault() is { } first && first.TryToDateTimeOffset(out var value) => DateOnly.FromDateTime(value.DateTime),
        Timing { Repeat.Bounds: Period { Start: { } start } } when DateTimeOffset.TryParse(start, CultureInfo.InvariantCulture, out var value) => DateOnly.FromDateTime(value.DateTime),
        _ => null,
    };

    private static int Units(DataType? quantity) =>
        quantity is Quantity { Value: { } value } && value >= 1 && value <= 999 && value == Math.Floor(value) ? (int)value : 1;

    /// <summary>The coverage request for one order, as a draft for the same request validator as every interface.</summary>
    public static RequestDraft ToRequest(
        OrderFacts facts, string requestId, string? memberId, string? birthDate, string? planId, DateOnly today,
        IReadOnlyList<KeyValuePair<string, FactValue>>? clinical = null) => new()
    {
        RequestId = requestId,
        Kind = RequestKind.PriorAuthorization,
        MemberId = memberId,
        BirthDate = birthDate,
        PlanId = planId,
        DateOfService = IsoDate.ToString(facts.Date ?? today),
        Diagnoses = facts.Diagnoses,
        ServiceLines = [new ServiceLineDraft { Sequence = 1, Code = facts.BillingCode.Code!, Units = facts.Units, Description = facts.Description }],
        Clinical = clinical ?? [],
    };
}
