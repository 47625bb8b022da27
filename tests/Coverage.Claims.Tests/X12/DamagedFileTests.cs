using Coverage.Claims.X12;
using static Coverage.Claims.Tests.X12.X12Text;

namespace Coverage.Claims.Tests.X12;

/// <summary>
/// Files as they arrive damaged (issue 14, the high findings): line breaks inside segments, files wrapped at 80
/// columns, cut off or interrupted and sent again. Each is read exactly, or its claims are rejected naming them;
/// never decided on what happened to survive.
/// </summary>
public class DamagedFileTests
{
    private static string FourLineClaim(string id) =>
        $"CLM*{id}*900***11:B:1*Y*A*Y*Y~HI*ABK:C50411~" + string.Concat(Enumerable.Range(1, 4).Select(n =>
            $"LX*{n}~SV1*HC:0581T*200*UN*1***1~DTP*472*D8*20260504~"));

    /// <summary>The text wrapped every <paramref name="width"/> characters, with CRLF, as mainframe and e-mail gateways do.</summary>
    private static string Wrapped(string text, int width = 80) =>
        string.Join("\r\n", Enumerable.Range(0, (text.Length + width - 1) / width).Select(i => text.Substring(i * width, Math.Min(width, text.Length - i * width))));

    private static string Requests(IEnumerable<ClaimRecord> records) =>
        string.Join("\n", records.Select(r => r.IsRejected ? "rejected " + string.Join("; ", r.Errors) : Coverage.Engine.Json.RequestWriter.ToJson(Request(r))));

    [Fact]
    public void ABareLineFeed_InAFileOfCrlfTerminators_EndsTheSegment()
    {
        // Segments end with CRLF (ISA16 is followed by CR); one bare LF between REF and HI once joined them, and the
        // claim was decided with no diagnoses: a benign D24.1, read, makes the line CO-11 instead of CO-50.
        var claim = "CLM*LF1*900***11:B:1*Y*A*Y*Y~REF*G1*AUTH123~HI*ABK:D241~LX*1~SV1*HC:0581T*900*UN*1***1~DTP*472*D8*20260504~";
        var text = File(Subscriber(), claim).Replace("~", "\r\n", StringComparison.Ordinal)
            .Replace("AUTH123\r\nHI", "AUTH123\nHI", StringComparison.Ordinal);

        var request = Request(Assert.Single(Read(text)));

        Assert.Equal(["D241"], request.Diagnoses);
    }

    [Fact]
    public void ALineFeedInsideAnElement_OfATildeFile_IsNotData()
    {
        var claim = "CLM*LF2*900***11:B:1*Y*A*Y*Y~REF*G1*AUTH\n123~HI*ABK:D241~LX*1~SV1*HC:0581T*900*UN*1***1~DTP*472*D8*20260504~";

        var record = Assert.Single(Read(Lines(File(Subscriber(), claim), "\r\n")));

        Assert.False(record.IsRejected, string.Join("; ", record.Errors));
        Assert.Equal(["D241"], Request(record).Diagnoses);
    }

    [Fact]
    public void AFileWrappedAt80Columns_ReadsAsTheSameClaims()
    {
        var text = File(Subscriber(), Claim("W1"), "CLM*W2*900***11:B:1*Y*A*Y*Y~HI*ABK:C50411~LX*1~SV1*HC:19499:LT::::Microwave ablation, left breast*900*UN*1***1~DTP*472*D8*20260504~");

        var wrapped = Read(Wrapped(text));

        Assert.Equal(Requests(Read(text)), Requests(wrapped));
        Assert.Equal("Microwave ablation, left breast", Request(wrapped[1]).ServiceLines[0].Description);
    }

    [Fact]
    public void ALineBreakInsideClm01_IsNotPartOfTheClaimId()
    {
        var record = Assert.Single(Read(File(Subscriber(), Claim("AB\r\nC123"))));

        Assert.Equal("ABC123", record.ClaimId);
    }

    [Fact]
    public void AWrapInsideTheIsaOrSt03_KeepsTheInterchange()
    {
        var text = File(Subscriber(), Claim("I1"));
        text = text.Insert(40, "\r\n").Replace("*005010X222A1~BHT", "*005010X2\r\n22A1~BHT", StringComparison.Ordinal);

        var record = Assert.Single(Read(text));

        Assert.Equal("I1", record.ClaimId);
        Assert.False(record.IsRejected, string.Join("; ", record.Errors));
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r")]
    [InlineData("\r\n")]
    public void ALineBreakTerminator_CrLfAndCrlfAlike(string lineBreak)
    {
        // ISA16 is followed by a line feed: the terminator. Senders mix CR, LF and CRLF after it.
        var text = File(Subscriber(), Claim("T1"), Claim("T2")).Replace("~", "\n", StringComparison.Ordinal);
        var mixed = string.Join("", text.Split('\n').Select((segment, i) => segment + (i % 2 == 0 ? lineBreak : "\n")));

        var records = Read(mixed);

        Assert.Equal(["T1", "T2"], records.Select(r => r.ClaimId));
        Assert.All(records, r => Assert.False(r.IsRejected, string.Join("; ", r.Errors)));
    }

    [Theory]
    [InlineData("\t")]
    [InlineData("\u0000")]
    [InlineData("\u001b")]
    public void AControlCharacterInsideAnElement_RejectsTheClaimNamingTheSegment(string control)
    {
        var text = File(Subscriber(), $"CLM*C1*900***11:B:1*Y*A*Y*Y~HI*ABK:C50411~LX*1~SV1*HC:19499:LT::::Cryo{control}ablation*900*UN*1***1~DTP*472*D8*20260504~");

        var record = Assert.Single(Read(text));

        Assert.True(record.IsRejected);
        Assert.Contains(record.Errors, e => e.Message.Contains("SV101 holds a control character", StringComparison.Ordinal)
            && e.Position == RecordPosition.Segment(SegmentNumber(text, "SV1*")));
    }

    [Fact]
    public void AClaimCutOffByTheEndOfTheFile_IsRejectedAsIncompleteNamingIt()
    {
        var whole = File(Subscriber(), FourLineClaim("CUT1"));
        var cut = whole[..whole.IndexOf("LX*3", StringComparison.Ordinal)]; // after its second line

        var record = Assert.Single(Read(cut), r => r.ClaimId is not null);

        Assert.True(record.IsRejected);
        Assert.Contains("claim CUT1: transaction set 0001 (ST at segment 3) has no SE (it ends at the end of the file)",
            Assert.Single(record.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnInterruptedFileFollowedByTheResentFile_DecidesTheClaimOnceWithAllItsLines()
    {
        var whole = File(Subscriber(), FourLineClaim("RESENT"));
        var interrupted = whole[..whole.IndexOf("LX*3", StringComparison.Ordinal)];

        var records = Read(interrupted + whole).Where(r => r.ClaimId == "RESENT").ToList();

        Assert.Equal(2, records.Count);
        Assert.True(records[0].IsRejected);
        Assert.Contains("it ends at the next ISA", records[0].Errors[0].Message, StringComparison.Ordinal);
        Assert.Equal(4, Request(records[1]).ServiceLines.Count);
    }

    [Fact]
    public void AClaimBeforeTheCut_InTheSameTransactionSet_IsNotDecidedEither()
    {
        // Its own segments arrived, but the set's count cannot be checked: the sender resends the whole set.
        var whole = File(Subscriber(), Claim("FIRST"), FourLineClaim("SECOND"));
        var cut = whole[..whole.IndexOf("LX*3", StringComparison.Ordinal)];

        var records = Read(cut).Where(r => r.ClaimId is not null).ToList();

        Assert.Equal(["FIRST", "SECOND"], records.Select(r => r.ClaimId));
        Assert.All(records, r => Assert.True(r.IsRejected));
    }

    [Fact]
    public void ATransactionSetOfMoreClaimsThanAreHeld_IsRejectedWithTheLimitNotHeldWithoutBound()
    {
        var claims = Enumerable.Range(1, Claim837Reader.MaxClaimsPerTransaction + 2).Select(i => Subscriber(hl: i + 1) + Claim($"C{i}")).ToArray();

        var records = Read(File(claims)).Where(r => r.ClaimId is not null).ToList();

        Assert.Equal(claims.Length, records.Count);
        Assert.All(records, r => Assert.Contains("holds more than 10,000 claims", Assert.Single(r.Errors).Message, StringComparison.Ordinal));
    }
    [Fact]
    public void ATransactionSetOfMoreRejectedRecordsThanAreHeld_IsReleasedAsItIsRead_NotHeldUntilItsSe()
    {
        // Every malformed segment outside a claim is a rejected record of its own: 210 MB of "N@~" in one set took
        // 15 GB when they were all held until the SE. Past the limit the records come out as the set is read.
        var malformed = string.Concat(Enumerable.Repeat("N@~", 3 * Claim837Reader.MaxHeldRecords));
        var text = Interchange("000000001", Group("1", Transaction("0001", malformed, Provider, Subscriber(), Claim("AFTER"))));
        var input = new ConsumedReader(text);

        using (var records = new Claim837Reader(input).Read().GetEnumerator())
        {
            Assert.True(records.MoveNext());
            Assert.True(input.Consumed < text.IndexOf("CLM*AFTER", StringComparison.Ordinal), $"the first record came after {input.Consumed} of {text.Length} characters");
        }
        var all = Read(text);
        Assert.Equal(3 * Claim837Reader.MaxHeldRecords, all.Count(r => r.Errors[0].Message.Contains("'N@' is not a segment id", StringComparison.Ordinal)));
        var after = Assert.Single(all, r => r.ClaimId == "AFTER");
        Assert.Contains("holds more than 20,000 records", Assert.Single(after.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ATransactionSetOfMoreLinesThanAreHeld_IsRejectedWithTheLimit_AndTheNextSetIsDecided()
    {
        // The claims limit alone let 10,000 claims of 999 lines, about 3 GB, be held until the SE.
        var large = Transaction("0001", Provider, Subscriber(), FourLineClaim("L1"), FourLineClaim("L2"), FourLineClaim("L3"));
        var next = Transaction("0002", Provider, Subscriber(), FourLineClaim("N1"), FourLineClaim("N2"));
        var text = Interchange("000000001", Group("1", large, next));

        var records = new Claim837Reader(new StringReader(text), maxHeldLines: 10).Read().Where(r => r.ClaimId is not null).ToList();

        Assert.Equal(["L1", "L2", "L3", "N1", "N2"], records.Select(r => r.ClaimId));
        Assert.All(records.Take(3), r => Assert.Contains("transaction set 0001 (ST at segment 3) holds more than 10 service lines", Assert.Single(r.Errors).Message, StringComparison.Ordinal));
        Assert.All(records.Skip(3), r => Assert.False(r.IsRejected, string.Join("; ", r.Errors)));
    }

    [Fact]
    public void TheLinesHeld_AreTheGuidesLargestRecommendedSet()
    {
        Assert.Equal(5_000 * 50, Claim837Reader.MaxHeldLines);
    }

    [Fact]
    public void AClaimRepeatingHiSegments_IsRejectedPastTheDiagnosesHeld_NotHeldWithoutBound()
    {
        // An HI holds 12 diagnoses, but nothing stopped a claim from repeating HI; each was kept until the claim closed.
        var his = string.Concat(Enumerable.Range(0, 10).Select(_ => "HI*" + string.Join("*", Enumerable.Repeat("ABF:Z170", 12)) + "~"));
        var claim = Claim("MANY").Replace("HI*ABK:C50411*ABF:Z170~", "HI*ABK:C50411~" + his, StringComparison.Ordinal);

        var record = Assert.Single(Read(File(Subscriber(), claim)));

        Assert.Contains(record.Errors, e => e.Field == "diagnoses" && e.Message == $"the claim has more than {Coverage.Claims.ClaimDraft.MaxListed} diagnoses");
    }

    /// <summary>Counts how much of its text has been read.</summary>
    private sealed class ConsumedReader(string text) : StringReader(text)
    {
        public long Consumed { get; private set; }

        public override int Read(char[] buffer, int index, int count)
        {
            var read = base.Read(buffer, index, count);
            Consumed += read;
            return read;
        }
    }
}
