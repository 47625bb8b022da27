using System.Text.RegularExpressions;
using Hl7.Fhir.Model;

namespace Coverage.Fhir.Crd;

/// <summary>
/// The patient a hook call is about (<c>context.patientId</c>) against the patient each resource of the call names: an
/// order's subject, the prefetched Patient, a Coverage's beneficiary. A call whose resources are about another patient
/// is the EHR's error, and answering it would put one patient's data (birth date, coverage, record) into another's
/// answer (docs/decisions.md "CRD: one patient per call"). Only literal references (<c>Patient/{id}</c>, relative or
/// absolute, with or without a version) are compared; a reference of another form names no id to compare.
/// </summary>
public static partial class HookPatient
{
    [GeneratedRegex(@"(?:^|/)Patient/([A-Za-z0-9\-\.]{1,64})(?:/_history/[^/]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex PatientReference();

    /// <summary>The Patient id a reference names, when it is a literal reference to a Patient; otherwise null.</summary>
    public static string? IdOf(ResourceReference? reference) =>
        reference?.Reference is { } text && PatientReference().Match(text) is { Success: true } match ? match.Groups[1].Value : null;

    /// <summary>Whether the reference names a Patient other than <paramref name="patientId"/> (false when it names none or the call names no patient).</summary>
    public static bool NamesAnother(ResourceReference? reference, string? patientId) =>
        patientId is not null && IdOf(reference) is { } id && id != patientId;

    /// <summary>The references by which an order names its patient, with the element that holds each.</summary>
    public static IEnumerable<(ResourceReference Reference, string Element)> OfOrder(Resource order) => order switch
    {
        ServiceRequest r => One(r.Subject, "subject"),
        DeviceRequest r => One(r.Subject, "subject"),
        MedicationRequest r => One(r.Subject, "subject"),
        CommunicationRequest r => One(r.Subject, "subject"),
        NutritionOrder r => One(r.Patient, "patient"),
        VisionPrescription r => One(r.Patient, "patient"),
        Appointment r => r.Participant.SelectMany((p, i) => One(p.Actor, $"participant[{i}].actor")),
        _ => [],
    };

    private static IEnumerable<(ResourceReference, string)> One(ResourceReference? reference, string element) =>
        reference is null ? [] : [(reference, element)];
}
