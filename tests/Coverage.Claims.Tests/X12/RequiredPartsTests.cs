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
}
