using Coverage.Fhir;
using Hl7.Fhir.Model;
using FhirCoverage = Hl7.Fhir.Model.Coverage;

namespace Coverage.Server.Tests;

/// <summary>
/// <see cref="FhirMapping.Member"/>: the beneficiary's own member number first (US Core's and PAS 2.2.1's
/// identifier:memberid), the subscriber's only when the Coverage gives no member number (docs/decisions.md "The member
/// id is the beneficiary's own"). <see cref="FhirMapping.TwoPlans"/>: a Coverage names one plan ("A Coverage names one plan").
/// </summary>
public sealed class FhirMappingTests
{
    private static Identifier MemberNumber(string? value, string? system = "http://terminology.hl7.org/CodeSystem/v2-0203") =>
        new() { Type = new CodeableConcept(system, "MB"), Value = value };

    [Fact]
    public void ADependentsCoverage_NamesTheDependentsOwnMemberNumber_NotTheSubscribers()
    {
        var coverage = new FhirCoverage
        {
            SubscriberId = "SUB-100",
            Relationship = new CodeableConcept("http://terminology.hl7.org/CodeSystem/subscriber-relationship", "child"),
            Identifier = [new Identifier("http://payer.example/coverage", "POLICY-9"), MemberNumber("MEM-102")],
        };

        Assert.Equal(new MemberNumbered("MEM-102", "Coverage.identifier:memberid"), FhirMapping.Member(coverage, null));
    }

    [Fact]
    public void AMemberNumberTypedWithoutItsSystem_IsStillOne()
    {
        var coverage = new FhirCoverage { SubscriberId = "SUB-100", Identifier = [MemberNumber("MEM-102", system: null)] };

        Assert.Equal("MEM-102", FhirMapping.Member(coverage, null)?.Value);
    }

    [Fact]
    public void AMemberNumberOfAnotherCodeSystem_OrWithoutAValue_IsPassedOver()
    {
        // The PAS IG's own examples type the identifier MB and give it no value.
        var coverage = new FhirCoverage { SubscriberId = "SUB-100", Identifier = [MemberNumber(null), MemberNumber("X-1", system: "http://other.example/types")] };

        Assert.Equal(new MemberNumbered("SUB-100", "Coverage.subscriberId"), FhirMapping.Member(coverage, null));
    }

    [Fact]
    public void WithoutASubscriberId_TheCoveragesFirstIdentifier_ThenThePatientsMemberNumber_ThenItsFirstIdentifier()
    {
        var patient = new Patient { Identifier = [new Identifier("http://hospital.example/mrn", "MRN-7"), MemberNumber("MEM-7")] };

        Assert.Equal(new MemberNumbered("POLICY-9", "Coverage.identifier"),
            FhirMapping.Member(new FhirCoverage { Identifier = [new Identifier("http://payer.example/coverage", "POLICY-9")] }, patient));
        Assert.Equal(new MemberNumbered("MEM-7", "Patient.identifier"), FhirMapping.Member(new FhirCoverage(), patient));
        Assert.Equal(new MemberNumbered("MRN-7", "Patient.identifier"), FhirMapping.Member(null, new Patient { Identifier = [new Identifier("http://hospital.example/mrn", "MRN-7")] }));
        Assert.Null(FhirMapping.Member(new FhirCoverage(), new Patient()));
    }

    [Fact]
    public void ThePlan_NamedTwiceAlike_IsOnePlan_TwoDifferentAreRefusedNamingBoth()
    {
        static FhirCoverage With(params string[] plans) => new()
        {
            Class = [.. plans.Select(p => new FhirCoverage.ClassComponent { Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/coverage-class", "plan"), Value = p })],
        };

        Assert.Null(FhirMapping.TwoPlans(With()));
        Assert.Null(FhirMapping.TwoPlans(With("standard", "standard")));
        Assert.Equal("standard", FhirMapping.PlanId(With("standard", "standard")));
        var refused = FhirMapping.TwoPlans(With("standard", "gold"));
        Assert.Contains("'standard', 'gold'", refused, StringComparison.Ordinal);
    }
}
