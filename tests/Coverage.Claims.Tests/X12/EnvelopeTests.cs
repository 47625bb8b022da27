using static Coverage.Claims.Tests.X12.X12Text;

namespace Coverage.Claims.Tests.X12;

/// <summary>
/// Envelope checks (X12.5/X12.6): SE01 segment count, ST02/SE02, GS06/GE02, ISA13/IEA02, GE01 and IEA01 counts,
/// unterminated envelopes, transaction sets that are not 837P. Each problem is a rejected record of its own at
/// its segment. The claims of a transaction set that did not arrive exactly (no SE, or an SE that disagrees) are
/// rejected too, each naming itself; those of a group or interchange whose trailer disagrees still stand.
/// </summary>
public class EnvelopeTests
{
    private static readonly string Good = File(Subscriber(), Claim("A"), Claim("B"));

    private static (List<ClaimRecord> Claims, List<RecordError> Envelope) Split(string text)
    {
        var records = Read(text);
        return (records.Where(r => r.ClaimId is not null).ToList(), records.Where(r => r.ClaimId is null).SelectMany(r => r.Errors).ToList());
    }

    [Fact]
    public void Read_ValidEnvelopes_HaveNoErrors()
    {
        var (claims, envelope) = Split(Good);

        Assert.Empty(envelope);
        Assert.Equal(["A", "B"], claims.Select(c => c.ClaimId));
        Assert.All(claims, c => Assert.False(c.IsRejected));
    }

    [Theory]
    [InlineData("SE01 says '27' segments", "SE*28*0001", "SE*27*0001")]
    [InlineData("SE01 says 'x' segments", "SE*28*0001", "SE*x*0001")]
    [InlineData("SE02 '0002' does not match ST02 '0001'", "SE*28*0001", "SE*28*0002")]
    public void Read_TransactionTrailerMismatch_IsAnErrorAtTheSeAndEveryClaimOfTheSetIsRejected(string reason, string from, string to)
    {
        var text = Good.Replace(from + "~", to + "~", StringComparison.Ordinal);

        var (claims, envelope) = Split(text);

        var error = Assert.Single(envelope);
        Assert.StartsWith(reason, error.Message, StringComparison.Ordinal);
        Assert.Equal(RecordPosition.Segment(SegmentNumber(text, to)), error.Position);
        Assert.Equal(["A", "B"], claims.Select(c => c.ClaimId));
        Assert.All(claims, c => Assert.StartsWith($"claim {c.ClaimId}: transaction set 0001 (ST at segment 3) did not arrive exactly ({reason}",
            Assert.Single(c.Errors).Message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("GE01 says '2' transaction sets", "GE*1*1", "GE*2*1")]
    [InlineData("GE02 '9' does not match GS06 '1'", "GE*1*1", "GE*1*9")]
    [InlineData("IEA01 says '3' functional groups", "IEA*1*000000001", "IEA*3*000000001")]
    [InlineData("IEA02 '000000002' does not match ISA13 '000000001'", "IEA*1*000000001", "IEA*1*000000002")]
    public void Read_EnvelopeTrailerMismatch_IsOneErrorAtTheTrailerAndTheClaimsStand(string reason, string from, string to)
    {
        Assert.Contains(from + "~", Good, StringComparison.Ordinal);
        var text = Good.Replace(from + "~", to + "~", StringComparison.Ordinal);

        var (claims, envelope) = Split(text);

        var error = Assert.Single(envelope);
        Assert.StartsWith(reason, error.Message, StringComparison.Ordinal);
        Assert.Equal(RecordPosition.Segment(SegmentNumber(text, to)), error.Position);
        Assert.Equal(["A", "B"], claims.Select(c => c.ClaimId));
        Assert.All(claims, c => Assert.False(c.IsRejected));
    }

    [Fact]
    public void Read_TransactionWithoutSe_IsAnErrorAtItsSt()
    {
        var text = Good.Replace("SE*28*0001~", "", StringComparison.Ordinal);

        var (claims, envelope) = Split(text);

        var error = Assert.Single(envelope);
        Assert.Contains("has no SE", error.Message, StringComparison.Ordinal);
        Assert.Equal(RecordPosition.Segment(SegmentNumber(text, "ST*")), error.Position);
        Assert.Equal(2, claims.Count);
        Assert.All(claims, c => Assert.Contains("has no SE (it ends at GE", Assert.Single(c.Errors).Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Read_GroupWithoutGe_IsAnErrorAtItsGs()
    {
        var text = Good.Replace("GE*1*1~", "", StringComparison.Ordinal);

        var (_, envelope) = Split(text);

        var error = Assert.Single(envelope);
        Assert.Contains("has no GE", error.Message, StringComparison.Ordinal);
        Assert.Equal(RecordPosition.Segment(SegmentNumber(text, "GS*")), error.Position);
    }

    [Fact]
    public void Read_InterchangeWithoutIea_IsAnErrorAtItsIsa()
    {
        var text = Good.Replace("IEA*1*000000001~", "", StringComparison.Ordinal);

        var (_, envelope) = Split(text);

        var error = Assert.Single(envelope);
        Assert.Contains("has no IEA", error.Message, StringComparison.Ordinal);
        Assert.Equal(RecordPosition.Segment(1), error.Position);
    }

    [Fact]
    public void Read_TruncatedFile_ReportsTheUnterminatedEnvelopes()
    {
        var text = Good[..Good.IndexOf("CLM*B", StringComparison.Ordinal)];

        var (claims, envelope) = Split(text);

        Assert.Equal(["A"], claims.Select(c => c.ClaimId));
        Assert.True(claims[0].IsRejected); // complete as read, but the set it belongs to never closed
        Assert.Equal(3, envelope.Count);
        Assert.Contains("has no SE", envelope[0].Message, StringComparison.Ordinal);
        Assert.Contains("has no GE", envelope[1].Message, StringComparison.Ordinal);
        Assert.Contains("has no IEA", envelope[2].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NotAn837_IsSkippedWithAnError()
    {
        var text = Interchange("000000001", Group("1",
            Transaction("0001", Provider, Subscriber(), Claim("A")).Replace("ST*837*", "ST*835*", StringComparison.Ordinal),
            Transaction("0002", Provider, Subscriber(), Claim("B"))));

        var (claims, envelope) = Split(text);

        Assert.Contains("ST01 '835' is not 837", Assert.Single(envelope).Message, StringComparison.Ordinal);
        Assert.Equal(["B"], claims.Select(c => c.ClaimId));
    }

    [Fact]
    public void Read_InstitutionalClaims_AreSkippedWithAnError()
    {
        var text = Interchange("000000001", Group("1",
            Transaction("0001", Provider, Subscriber(), Claim("A"), Claim("B"), Claim("C")).Replace("005010X222A1", "005010X223A2", StringComparison.Ordinal)));

        var (claims, envelope) = Split(text);

        var error = Assert.Single(envelope);
        Assert.Contains("005010X223A2", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("with the 3 claims (CLM) it held: none of them is decided", error.Message, StringComparison.Ordinal);
        Assert.Equal(RecordPosition.Segment(SegmentNumber(text, "ST*")), error.Position);
        Assert.Empty(claims);
    }

    [Fact]
    public void Read_SegmentOutsideATransaction_IsAnError()
    {
        var text = Good.Replace("ST*837*", "REF*EI*1~ST*837*", StringComparison.Ordinal).Replace("SE*28*", "SE*28*", StringComparison.Ordinal);

        var (claims, envelope) = Split(text);

        Assert.Contains("outside a transaction set", Assert.Single(envelope).Message, StringComparison.Ordinal);
        Assert.Equal(2, claims.Count);
    }

    [Fact]
    public void Read_BadInterchangeControlNumber_IsAnError()
    {
        var text = Good.Replace("*000000001*0*T*", "*00000001X*0*T*", StringComparison.Ordinal).Replace("IEA*1*000000001", "IEA*1*00000001X", StringComparison.Ordinal);

        var (_, envelope) = Split(text);

        Assert.Contains("ISA13 '00000001X' is not a nine-digit", Assert.Single(envelope).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MalformedIsa_IsAnErrorAndTheNextInterchangeIsRead()
    {
        var bad = Good.Replace("*SUBMITTER      *", "*SUBMITTER*", StringComparison.Ordinal);
        var next = Interchange("000000002", Group("2", Transaction("0001", Provider, Subscriber(), Claim("C"))));

        var (claims, envelope) = Split(bad + next);

        Assert.Equal(2, envelope.Count);
        Assert.Contains("ISA header is not fixed-width", envelope[0].Message, StringComparison.Ordinal);
        Assert.Contains("outside an interchange", envelope[1].Message, StringComparison.Ordinal);
        Assert.Equal(["C"], claims.Select(c => c.ClaimId));
    }

    [Fact]
    public void Read_SeveralTransactionsGroupsAndInterchanges_CountedEachOnItsOwn()
    {
        var text = Interchange("000000001",
                Group("1", Transaction("0001", Provider, Subscriber(), Claim("A")), Transaction("0002", Provider, Subscriber(), Claim("B"))),
                Group("2", Transaction("0003", Provider, Subscriber(), Claim("C")))) +
            Interchange("000000002", Group("3", Transaction("0001", Provider, Subscriber(), Claim("D"))));

        var (claims, envelope) = Split(Lines(text, "\r\n"));

        Assert.Empty(envelope);
        Assert.Equal(["A", "B", "C", "D"], claims.Select(c => c.ClaimId));
    }
}
