using static Coverage.Claims.Tests.X12.X12Text;

namespace Coverage.Claims.Tests.X12;

/// <summary>
/// Valid 005010X222A1 segments the request has no field for are passed over, never a reason to reject a claim
/// (issue 14, finding 3); a diagnosis qualifier that is really a wrong component separator says to check ISA16.
/// </summary>
public class SituationalSegmentTests
{
    [Theory]
    [InlineData("HI*BG:01*BG:17~")]           // condition codes
    [InlineData("HI*BP:01916*BO:01920~")]     // anesthesia-related procedures (principal, other)
    public void ConditionCodesAndAnesthesiaProcedures_DoNotRejectTheClaim(string segment)
    {
        var claim = "CLM*S1*900***11:B:1*Y*A*Y*Y~HI*ABK:C50411*ABF:Z170~" + segment + "LX*1~SV1*HC:0581T*900*UN*1***1~DTP*472*D8*20260504~";

        var request = Request(Assert.Single(Read(File(Subscriber(), claim))));

        Assert.Equal(["C50411", "Z170"], request.Diagnoses);
    }

    [Fact]
    public void AQualifierJoinedToItsCodeByAnotherSeparator_SaysToCheckIsa16()
    {
        // ISA16 says ':' but the sender used '>' inside HI.
        var claim = "CLM*S2*900***11:B:1*Y*A*Y*Y~HI*ABK>C50411~LX*1~SV1*HC:0581T*900*UN*1***1~DTP*472*D8*20260504~";

        var record = Assert.Single(Read(File(Subscriber(), claim)));

        var error = Assert.Single(record.Errors);
        Assert.Equal("diagnoses", error.Field);
        Assert.Contains("joined by '>', while ISA16 makes ':' the component separator: check ISA16", error.Message, StringComparison.Ordinal);
    }
}
