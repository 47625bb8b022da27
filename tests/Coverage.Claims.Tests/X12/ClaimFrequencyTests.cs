using static Coverage.Claims.Tests.X12.X12Text;

namespace Coverage.Claims.Tests.X12;

/// <summary>
/// What a claim does to the payer's records (issue 14, finding 5): CLM05-3 says original, replacement or void, 2300
/// REF*F8 names the payer's claim it refers to, and BHT06 RP makes a transaction set's claims encounters.
/// </summary>
public class ClaimFrequencyTests
{
    private static string WithFrequency(string claim, string frequency) =>
        claim.Replace("***11:B:1*", $"***11:B:{frequency}*", StringComparison.Ordinal);

    [Fact]
    public void Original_IsTheDefault()
    {
        var record = Assert.Single(Read(File(Subscriber(), Claim("F1"))));

        Assert.Equal((ClaimFrequency.Original, null, false), (record.Frequency, record.OriginalClaim, record.Encounter));
    }

    [Theory]
    [InlineData("7", ClaimFrequency.Replacement)]
    [InlineData("8", ClaimFrequency.Void)]
    public void ReplacementAndVoid_NameThePayersClaimFromRefF8(string frequency, ClaimFrequency expected)
    {
        var claim = WithFrequency(Claim("F2"), frequency).Replace("~HI*", "~REF*F8*PAYER000123~HI*", StringComparison.Ordinal);

        var record = Assert.Single(Read(File(Subscriber(), claim)));

        Assert.False(record.IsRejected, string.Join("; ", record.Errors));
        Assert.Equal((expected, "PAYER000123"), (record.Frequency, record.OriginalClaim));
    }

    [Fact]
    public void AnotherPayersRefF8_InA2330Loop_IsNotTheClaimsOwn()
    {
        var claim = WithFrequency(Claim("F3"), "7").Replace("~LX*1", "~SBR*S*01*999******CI~NM1*PR*2*OTHER PAYER*****PI*99999~REF*F8*OTHERPAYER9~LX*1", StringComparison.Ordinal);

        var record = Assert.Single(Read(File(Subscriber(), claim)));

        Assert.Equal(ClaimFrequency.Replacement, record.Frequency);
        Assert.Null(record.OriginalClaim);
    }

    [Fact]
    public void AFrequencyNotOfAProfessionalClaim_RejectsIt()
    {
        var record = Assert.Single(Read(File(Subscriber(), WithFrequency(Claim("F4"), "5"))));

        Assert.Contains(record.Errors, e => e.Message.StartsWith("CLM05-3 '5' is not a claim frequency", StringComparison.Ordinal));
    }

    [Fact]
    public void ReportingTransactionSet_MakesItsClaimsEncounters()
    {
        var text = File(Subscriber(), Claim("E1")).Replace("BHT*0019*00*B1*20261124*1200*CH~", "BHT*0019*00*B1*20261124*1200*RP~", StringComparison.Ordinal);

        var record = Assert.Single(Read(text));

        Assert.True(record.Encounter);
    }
}
