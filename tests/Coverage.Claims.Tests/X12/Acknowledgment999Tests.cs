using Coverage.Claims.X12;
using static Coverage.Claims.Tests.X12.X12Text;

namespace Coverage.Claims.Tests.X12;

/// <summary>
/// The X12 999 of an 837P file (issue 14, "Also"): per functional group, each transaction set accepted, accepted
/// with errors noted, or rejected, with the segment (IK3) and element (IK4) errors the batch found.
/// </summary>
public sealed class Acknowledgment999Tests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private List<string> Acknowledge(string x12, int maxListedErrors = Acknowledgment999.MaxListedErrors)
    {
        var input = _temp.File("claims.837");
        System.IO.File.WriteAllText(input, x12);
        using var output = new StringWriter();
        Acknowledgment999.Write(input, output, TestCatalogue.Catalogue, null, new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero), maxListedErrors);
        return [.. output.ToString().Split('~', StringSplitOptions.RemoveEmptyEntries)];
    }

    [Fact]
    public void AGoodFile_IsAcceptedWithTheEnvelopeASubmitterExpects()
    {
        var segments = Acknowledge(File(Subscriber(), Claim("A"), Claim("B")));

        Assert.StartsWith("ISA*00*          *00*          *ZZ*RECEIVER       *ZZ*SUBMITTER      *261203*1200*^*00501*", segments[0], StringComparison.Ordinal);
        Assert.Equal(106, segments[0].Length + 1);
        Assert.Equal("GS*FA*RECEIVER*SUBMITTER*20261203*1200*1*X*005010X231A1", segments[1]);
        Assert.Equal(["ST*999*0001*005010X231A1", "AK1*HC*1*005010X222A1", "AK2*837*0001*005010X222A1", "IK5*A", "AK9*A*1*1*1", "SE*6*0001", "GE*1*1"],
            segments[2..9]);
        Assert.StartsWith("IEA*1*", segments[9], StringComparison.Ordinal);
    }

    [Fact]
    public void ABadProcedureCode_IsAnElementErrorAtItsSv1_AndTheSetIsAcceptedWithErrors()
    {
        var bad = "CLM*BAD*6200***11:B:1*Y*A*Y*Y~HI*ABK:C50411~LX*1~SV1*HC:ABCDE*6200*UN*1***1~DTP*472*D8*20260504~";
        var text = File(Subscriber(), Claim("GOOD"), bad);
        var position = SegmentNumber(text, "SV1*HC:ABCDE") - SegmentNumber(text, "ST*") + 1;

        var segments = Acknowledge(text);

        Assert.Contains($"IK3*SV1*{position}**8", segments);
        Assert.Contains("IK4*1**7", segments);
        Assert.Contains("IK5*E*5", segments);
        Assert.Contains("AK9*E*1*1*1", segments);
    }

    [Theory]
    [InlineData("SV1*HC:0581T*62O0*UN*1***1", "IK4*2**6")]
    [InlineData("SV1*HC:0581T**UN*1***1", "IK4*2**1")]
    public void AChargeThatIsNotAnAmount_IsAnElementErrorAtSv102(string sv1, string ik4)
    {
        var bad = $"CLM*BAD*6200***11:B:1*Y*A*Y*Y~HI*ABK:C50411~LX*1~{sv1}~DTP*472*D8*20260504~";
        var text = File(Subscriber(), Claim("GOOD"), bad);
        var position = SegmentNumber(text, sv1) - SegmentNumber(text, "ST*") + 1;

        var segments = Acknowledge(text);

        Assert.Contains($"IK3*SV1*{position}**8", segments);
        Assert.Contains(ik4, segments);
        Assert.Contains("IK5*E*5", segments);
    }

    [Theory]
    [InlineData("SBR*P*18*100200******CI~", "SBR")]
    [InlineData("DMG*D8*19500301*F~", "DMG")]
    public void ARequiredSegmentTheSubscriberLoopLacks_IsNamedAsMissingAtItsHl(string removed, string id)
    {
        var text = File(Subscriber().Replace(removed, "", StringComparison.Ordinal), Claim("A"));
        var position = SegmentNumber(text, "HL*2*") - SegmentNumber(text, "ST*") + 1;

        var segments = Acknowledge(text);

        // It was "IK3*HL*…**8" (an element error in the HL) with no element named.
        Assert.Contains($"IK3*{id}*{position}**3", segments);
        Assert.Contains("IK5*R*5", segments);
    }

    [Theory]
    [InlineData("CLM*A*6200***11:B*Y*A*Y*Y", "IK4*5**7")]
    [InlineData("CLM*A*6200****Y*A*Y*Y", "IK4*5**1")]
    public void AnIncompleteClm05_IsAnElementErrorAtClm05(string clm, string ik4)
    {
        var text = File(Subscriber(), Claim("A").Replace("CLM*A*6200***11:B:1*Y*A*Y*Y", clm, StringComparison.Ordinal));
        var position = SegmentNumber(text, "CLM*") - SegmentNumber(text, "ST*") + 1;

        var segments = Acknowledge(text);

        Assert.Contains($"IK3*CLM*{position}**8", segments);
        Assert.Contains(ik4, segments);
    }

    [Fact]
    public void SegmentErrorsPastTheBound_AreNotListed_ButTheVerdictCountsThem()
    {
        // Every error was held until the end: a million malformed segments took half a gigabyte for 3 MB of input.
        var malformed = string.Concat(Enumerable.Repeat("N@~", 5));
        var first = Transaction("0001", Provider, malformed, Subscriber(), Claim("A"));
        var second = Transaction("0002", Provider, "N@~", Subscriber(), Claim("B"));

        var segments = Acknowledge(Interchange("000000001", Group("1", first, second)), maxListedErrors: 3);

        Assert.Equal(3, segments.Count(s => s.StartsWith("IK3*", StringComparison.Ordinal)));
        // The second set's one error is past the bound: unlisted, and still no "accepted".
        Assert.Equal(["IK5*E*5", "IK5*E*5"], segments.Where(s => s.StartsWith("IK5*", StringComparison.Ordinal)));
    }

    [Fact]
    public void ATransactionSetWithoutItsTrailer_IsRejected()
    {
        var text = File(Subscriber(), Claim("A"));
        var segments = Acknowledge(text[..text.IndexOf("SE*", StringComparison.Ordinal)] + "GE*1*1~IEA*1*000000001~");

        Assert.Contains("IK5*R*2", segments);
        Assert.Contains("AK9*R*1*1*0", segments);
        Assert.DoesNotContain(segments, s => s.StartsWith("IK3", StringComparison.Ordinal));
    }

    [Fact]
    public void ASegmentCountThatDisagrees_IsRejected()
    {
        var text = File(Subscriber(), Claim("A"));
        var se = text[text.IndexOf("SE*", StringComparison.Ordinal)..];
        se = se[..se.IndexOf('~')];
        var segments = Acknowledge(text.Replace(se + "~", "SE*99*0001~", StringComparison.Ordinal));

        Assert.Contains("IK5*R*4", segments);
    }

    [Fact]
    public void AnInstitutionalSet_IsNotSupported()
    {
        var segments = Acknowledge(File(Subscriber(), Claim("A")).Replace("005010X222A1", "005010X223A2", StringComparison.Ordinal));

        Assert.Contains("IK5*R*1", segments);
    }

    [Fact]
    public void AnUnrecognisedSegment_IsNamedAsReceived()
    {
        var text = File(Subscriber(), Claim("A") + "N@TE*ADD*X~");

        var segments = Acknowledge(text);

        Assert.Contains(segments, s => s.StartsWith("IK3*N@T*", StringComparison.Ordinal) && s.EndsWith("**1", StringComparison.Ordinal));
    }
}
