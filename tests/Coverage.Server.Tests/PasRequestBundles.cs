using Hl7.Fhir.Model;

namespace Coverage.Server.Tests;

/// <summary>
/// A PAS request Bundle of one service line for the tests that build their own: Claim first, then the Patient, the
/// insurer, the provider, the Coverage and any more resources, linked by urn:uuid fullUrls.
/// </summary>
internal static class PasRequestBundles
{
    public static string Urn() => $"urn:uuid:{Guid.NewGuid()}";

    /// <summary>The Patient's fullUrl in a Bundle of <see cref="OneLine"/> (what a resource it carries names as its subject).</summary>
    public static string PatientUrl(Bundle bundle) => bundle.Entry[1].FullUrl!;

    public static Bundle OneLine(
        CodeableConcept service, string diagnosis, Hl7.Fhir.Model.Coverage coverage, Patient patient, string providerName,
        IEnumerable<Claim.SupportingInformationComponent> supportingInfo, params (string FullUrl, Resource Resource)[] more)
    {
        var (patientUrl, insurerUrl, providerUrl, coverageUrl) = (Urn(), Urn(), Urn(), Urn());
        var claim = new Claim
        {
            Identifier = [new Identifier("http://provider.example/prior-auth", Api.NewId())],
            Status = FinancialResourceStatusCodes.Active,
            Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/claim-type", "professional"),
            Use = ClaimUseCode.Preauthorization,
            Patient = new ResourceReference(patientUrl),
            Created = "2026-04-20T09:00:00Z",
            Insurer = new ResourceReference(insurerUrl),
            Provider = new ResourceReference(providerUrl),
            Priority = new CodeableConcept("http://terminology.hl7.org/CodeSystem/processpriority", "normal"),
            Diagnosis = [new Claim.DiagnosisComponent { Sequence = 1, Diagnosis = new CodeableConcept(Ehr.Icd10, diagnosis) }],
            Insurance = [new Claim.InsuranceComponent { Sequence = 1, Focal = true, Coverage = new ResourceReference(coverageUrl) }],
            SupportingInfo = [.. supportingInfo],
            Item =
            [
                new Claim.ItemComponent
                {
                    Sequence = 1,
                    ProductOrService = service,
                    Serviced = new Date("2026-05-04"),
                    Quantity = new Quantity { Value = 1 },
                },
            ],
        };
        coverage.Id = null;
        coverage.Beneficiary = new ResourceReference(patientUrl);
        patient.Id = null;
        var bundle = new Bundle { Type = Bundle.BundleType.Collection, Timestamp = new DateTimeOffset(2026, 4, 20, 9, 0, 0, TimeSpan.Zero) };
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = Urn(), Resource = claim });
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = patientUrl, Resource = patient });
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = insurerUrl, Resource = new Organization { Name = "Example payer" } });
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = providerUrl, Resource = new Organization { Name = providerName } });
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = coverageUrl, Resource = coverage });
        foreach (var (fullUrl, resource) in more) bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = fullUrl, Resource = resource });
        return bundle;
    }
}
