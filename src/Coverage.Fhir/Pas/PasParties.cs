using Hl7.Fhir.Model;

namespace Coverage.Fhir.Pas;

/// <summary>
/// What every PAS answer repeats of the request it answers: the request Bundle (its identifier is echoed), the Claim,
/// and the Patient, insurer and provider entries the ClaimResponse refers to.
/// </summary>
public sealed record PasParties(Bundle Bundle, Claim Claim, Bundle.EntryComponent PatientEntry, Bundle.EntryComponent? InsurerEntry, Bundle.EntryComponent? ProviderEntry)
{
    /// <summary>The Claim's first identifier with a value: how the provider names the request.</summary>
    public Identifier ClaimIdentifier => Claim.Identifier.First(i => !string.IsNullOrWhiteSpace(i.Value));
}
