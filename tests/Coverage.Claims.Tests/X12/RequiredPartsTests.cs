using static Coverage.Claims.Tests.X12.X12Text;

namespace Coverage.Claims.Tests.X12;

/// <summary>
/// An 837P claim missing what the guide requires is rejected naming the loop and segment, never decided with a null
/// member or as if it had no diagnosis (issue 14, finding 6).
/// </summary>
public class RequiredPartsTests
{
    [Fact]
    public void NoSubscriberName_RejectsTheClaimNaming2010BA()
    {
        var subscriber = Subscriber().Replace("NM1*IL*1*DOE*JANE****MI*M123~", "", StringComparison.Ordinal);

        var record = Assert.Single(Read(File(subscriber, Claim("N1"))));

        Assert.True(record.IsRejected);
        Assert.Contains(record.Errors, e => e.Field == "member.id" && e.Message.StartsWith("2010BA NM1*IL NM109 is required", StringComparison.Ordinal));
    }

    [Fact]
    public void AnEmptyNm109_RejectsTheClaim()
    {
        var subscriber = Subscriber().Replace("****MI*M123~", "****MI*~", StringComparison.Ordinal);

        var record = Assert.Single(Read(File(subscriber, Claim("N2"))));

        Assert.Contains(record.Errors, e => e.Field == "member.id");
    }

    [Fact]
    public void NoHi_RejectsTheClaimNamingTheMissingPrincipalDiagnosis()
    {
        // 0581T names the condition, so without the claim's HI it was decided, asking only for the FDA label documentation.
        var record = Assert.Single(Read(File(Subscriber(), Claim("N3").Replace("HI*ABK:C50411*ABF:Z170~", "", StringComparison.Ordinal))));

        Assert.True(record.IsRejected);
        var error = Assert.Single(record.Errors);
        Assert.Equal("diagnoses", error.Field);
        Assert.Equal("2300 HI is required: the claim's principal diagnosis (HI*ABK) is missing", error.Message);
        Assert.Equal(RecordPosition.Segment(SegmentNumber(File(Subscriber(), Claim("N3")), "CLM*")), error.Position);
    }

    [Theory]
    [InlineData("CLM*C5*6200***11:B*Y*A*Y*Y", "CLM05-3: required (the claim frequency: 1 original, 7 replacement, 8 void)")]
    [InlineData("CLM*C5*6200****Y*A*Y*Y", "CLM05-3: required (the claim frequency: 1 original, 7 replacement, 8 void)")]
    [InlineData("CLM*C5*6200", "CLM05-1: required (the place of service, e.g. 11 office, 22 outpatient hospital)")]
    [InlineData("CLM*C5*6200***:B:1*Y*A*Y*Y", "CLM05-1: required (the place of service, e.g. 11 office, 22 outpatient hospital)")]
    [InlineData("CLM*C5*6200***11::1*Y*A*Y*Y", "CLM05-2: required (B: CLM05-1 is a place of service code)")]
    [InlineData("CLM*C5*6200***13:A:1*Y*A*Y*Y", "CLM05-2 'A' is not B (a place of service code, as a professional claim's CLM05-1 is)")]
    public void AnIncompleteClm05_RejectsTheClaimAtItsClm(string clm, string reason)
    {
        // A claim without its frequency was decided as an original one, though it might have been a void.
        var claim = Claim("C5").Replace("CLM*C5*6200***11:B:1*Y*A*Y*Y", clm, StringComparison.Ordinal);
        var text = File(Subscriber(), claim);

        var record = Assert.Single(Read(text));

        Assert.True(record.IsRejected);
        Assert.Contains(record.Errors, e => e.Message == reason && e.Position == RecordPosition.Segment(SegmentNumber(text, "CLM*")));
    }

    [Fact]
    public void NoSbr_RejectsTheClaimNaming2000B()
    {
        // Without SBR there is no group number: the claim was decided under the default plan.
        var subscriber = Subscriber().Replace("SBR*P*18*100200******CI~", "", StringComparison.Ordinal);

        var record = Assert.Single(Read(File(subscriber, Claim("S1"))));

        Assert.True(record.IsRejected);
        Assert.Equal("2000B SBR is required: the subscriber's payer responsibility and group number (the subscriber loop has no SBR)", Assert.Single(record.Errors).Message);
    }

    [Fact]
    public void AGrouplessSbr_IsValid_AndTheClaimIsDecided()
    {
        var subscriber = Subscriber().Replace("SBR*P*18*100200******CI~", "SBR*P*18*******CI~", StringComparison.Ordinal);

        var record = Assert.Single(Read(File(subscriber, Claim("S2"))));

        Assert.False(record.IsRejected, string.Join("; ", record.Errors));
    }

    [Fact]
    public void NoDmgForASubscriberWhoIsThePatient_RejectsTheClaim()
    {
        var subscriber = Subscriber().Replace("DMG*D8*19500301*F~", "", StringComparison.Ordinal);

        var record = Assert.Single(Read(File(subscriber, Claim("D1"))));

        var error = Assert.Single(record.Errors);
        Assert.Equal("member.birthDate", error.Field);
        Assert.StartsWith("2010BA DMG is required when the subscriber is the patient", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoDmgForAPatient_RejectsTheClaim_EvenWithTheSubscribersOwn()
    {
        // The subscriber's birth date is not the patient's: 2010CA DMG is required.
        var dependent = Dependent().Replace("DMG*D8*19520615*F~", "", StringComparison.Ordinal);

        var record = Assert.Single(Read(File(dependent, Claim("D2"))));

        var error = Assert.Single(record.Errors);
        Assert.Equal("member.birthDate", error.Field);
        Assert.StartsWith("2010CA DMG is required", error.Message, StringComparison.Ordinal);
    }
}
