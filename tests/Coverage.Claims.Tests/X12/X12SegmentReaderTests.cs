using Coverage.Claims.X12;

namespace Coverage.Claims.Tests.X12;

/// <summary>The tokenizer: delimiters from the fixed-width ISA, line breaks, several interchanges, malformed input.</summary>
public class X12SegmentReaderTests
{
    private static List<X12Segment> Segments(string text, int maxSegmentLength = X12SegmentReader.DefaultMaxSegmentLength) =>
        new X12SegmentReader(new StringReader(text), maxSegmentLength).ReadSegments().ToList();

    [Fact]
    public void Read_DefaultDelimiters_AreTakenFromTheIsa()
    {
        var reader = new X12SegmentReader(new StringReader(X12Text.File(X12Text.Subscriber(), X12Text.Claim())));

        var segments = reader.ReadSegments().ToList();

        Assert.Equal(new X12Delimiters('*', ':', '^', '~'), reader.Delimiters);
        Assert.Equal("ISA", segments[0].Id);
        Assert.Equal(17, segments[0].Elements.Count);
        Assert.Equal("000000001", segments[0][13]);
        Assert.Equal(":", segments[0][16]);
        Assert.Equal("IEA", segments[^1].Id);
        Assert.Equal(Enumerable.Range(1, segments.Count).Select(i => (long)i), segments.Select(s => s.Number));
        Assert.All(segments, s => Assert.Null(s.Error));
    }

    [Fact]
    public void Read_CustomDelimiters_SplitElementsAndComponents()
    {
        // Element |, component >, repetition !, and a line break as the segment terminator.
        var text = X12Text.Delimit(X12Text.File(X12Text.Subscriber(), X12Text.Claim()), '|', '>', '!', '\n');
        var reader = new X12SegmentReader(new StringReader(text));

        var segments = reader.ReadSegments().ToList();

        Assert.Equal(new X12Delimiters('|', '>', '!', '\n'), reader.Delimiters);
        var sv1 = segments.Single(s => s.Id == "SV1");
        Assert.Equal(["HC", "0581T", "LT"], sv1.Components(1));
        Assert.Equal("1", sv1[4]);
        Assert.All(segments, s => Assert.Null(s.Error));
    }

    [Fact]
    public void Read_CarriageReturnsAndLineBreaksBetweenSegments_AreIgnored()
    {
        var plain = Segments(X12Text.File(X12Text.Subscriber(), X12Text.Claim()));
        var withBreaks = Segments("\uFEFF" + X12Text.Lines(X12Text.File(X12Text.Subscriber(), X12Text.Claim()), "\r\n"));

        Assert.Equal(plain.Select(s => s.ToString()), withBreaks.Select(s => s.ToString()));
    }

    [Fact]
    public void Read_LineBreakTerminatorWithCarriageReturns_StripsThem()
    {
        var text = X12Text.Delimit(X12Text.File(X12Text.Subscriber(), X12Text.Claim()), '*', ':', '^', '\n').Replace("\n", "\r\n", StringComparison.Ordinal);
        // The ISA's terminator is the character after ISA16: here the \r, so terminate with \r and skip the \n.
        var segments = Segments(text);

        Assert.All(segments, s => Assert.Null(s.Error));
        Assert.Equal("000000001", segments[^1][2]);
    }

    [Theory]
    [InlineData("\r\n", "    ")] // CR the terminator, as in a public 837P (ST1309-XX.txt, OopFactory X12 Parser): LF and indentation after each
    [InlineData("\n", "\t\t")]
    public void Read_LineBreakTerminatorFollowedByIndentation_EndsTheIsaThere(string lineBreak, string indentation)
    {
        var plain = Segments(X12Text.File(X12Text.Subscriber(), X12Text.Claim()));
        var text = X12Text.File(X12Text.Subscriber(), X12Text.Claim()).Replace("~", lineBreak + indentation, StringComparison.Ordinal);
        var reader = new X12SegmentReader(new StringReader("\uFEFF" + text));

        var segments = reader.ReadSegments().ToList();

        // Before, the indentation after the ISA read as a file wrapped at its last character, and a space became the
        // segment terminator: every name with a space in it split into "segments" ('Health' is not a segment id).
        Assert.Equal(lineBreak[0], reader.Delimiters!.Segment);
        Assert.All(segments, s => Assert.Null(s.Error));
        Assert.Equal(plain.Select(s => s.ToString()), segments.Select(s => s.ToString()));
    }

    [Fact]
    public void Read_AFileWrappedJustBeforeTheIsaTerminator_TakesTheCharacterAfterTheWrap()
    {
        var plain = X12Text.File(X12Text.Subscriber(), X12Text.Claim());
        var wrapped = plain[..(X12SegmentReader.IsaLength - 1)] + "\r\n" + plain[(X12SegmentReader.IsaLength - 1)..];
        var reader = new X12SegmentReader(new StringReader(wrapped));

        var segments = reader.ReadSegments().ToList();

        Assert.Equal('~', reader.Delimiters!.Segment);
        Assert.All(segments, s => Assert.Null(s.Error));
        Assert.Equal(Segments(plain).Select(s => s.ToString()), segments.Select(s => s.ToString()));
    }

    [Fact]
    public void Read_SeveralInterchangesWithTheirOwnDelimiters_AreEachReadWithTheirs()
    {
        var first = X12Text.Interchange("000000001", X12Text.Group("1", X12Text.Transaction("0001", X12Text.Provider, X12Text.Subscriber(), X12Text.Claim("A1"))));
        var second = X12Text.Delimit(
            X12Text.Interchange("000000002", X12Text.Group("2", X12Text.Transaction("0001", X12Text.Provider, X12Text.Subscriber(), X12Text.Claim("B1")))),
            '|', '>', '!', '\n');

        var segments = Segments(first + "\n" + second);

        Assert.All(segments, s => Assert.Null(s.Error));
        Assert.Equal(["A1", "B1"], segments.Where(s => s.Id == "CLM").Select(s => s[1]));
        Assert.Equal(["0581T", "0581T"], segments.Where(s => s.Id == "SV1").Select(s => s.Components(1)[1]));
    }

    [Theory]
    [InlineData("ISA*00*short~GS*HC~", "106")]
    [InlineData("ISA*00*          *00*          *ZZ*SUBMITTER     *ZZ*RECEIVER       *261124*1200*^*00501*000000001*0*T*:~~", "not fixed-width")]
    [InlineData("ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *261124*1200*^*00501*000000001*0*T*A~", "must not be letters or digits")]
    [InlineData("ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *261124*1200*^*00501*000000001*0*T***", "must differ")]
    public void Read_MalformedIsa_IsAnErrorSegment(string text, string reason)
    {
        var segments = Segments(text);

        Assert.Equal("ISA", segments[0].Id);
        Assert.Contains(reason, segments[0].Error, StringComparison.Ordinal);
        Assert.Null(segments[0].Delimiters);
    }

    [Fact]
    public void Read_AfterAMalformedIsa_SkipsToTheNextInterchange()
    {
        var good = X12Text.File(X12Text.Subscriber(), X12Text.Claim());
        var bad = good.Replace("*SUBMITTER      *", "*SUBMITTER*", StringComparison.Ordinal);

        var segments = Segments(bad + good);

        Assert.Contains("not fixed-width", segments[0].Error, StringComparison.Ordinal);
        Assert.Contains("outside an interchange", segments[1].Error, StringComparison.Ordinal);
        Assert.Equal("ISA", segments[2].Id);
        Assert.All(segments.Skip(2), s => Assert.Null(s.Error));
    }

    [Fact]
    public void Read_DataBeforeAnyIsa_IsOneErrorSegment()
    {
        var segments = Segments("hello world\n" + X12Text.File(X12Text.Subscriber(), X12Text.Claim()));

        Assert.Contains("outside an interchange", segments[0].Error, StringComparison.Ordinal);
        Assert.All(segments.Skip(1), s => Assert.Null(s.Error));
    }

    [Fact]
    public void Read_FileEndingInsideASegment_IsAnError()
    {
        var text = X12Text.File(X12Text.Subscriber(), X12Text.Claim());

        var segments = Segments(text[..text.IndexOf("~GE*", StringComparison.Ordinal)] + "~GE*1");

        Assert.Equal("GE", segments[^1].Id);
        Assert.Contains("ends inside segment", segments[^1].Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]           // the final terminator missing
    [InlineData("~\u001a")]    // a DOS end-of-file mark
    [InlineData("~\0\0\0\0")]  // NUL padding
    [InlineData("~\r\n\r\n  ")]
    public void Read_HarmlessBytesAfterTheLastIea_AreAccepted(string ending)
    {
        var text = X12Text.File(X12Text.Subscriber(), X12Text.Claim());

        var segments = Segments(text[..^1] + ending);

        Assert.Equal("IEA", segments[^1].Id);
        Assert.All(segments, s => Assert.Null(s.Error));
    }

    [Fact]
    public void Read_NulInAnElement_WhenIsa11IsNotARepetitionSeparator_IsStillAControlCharacter()
    {
        // ISA11 'U' (the standards identifier before 00501) is no separator; the reader records none as '\0', and that
        // must not let a NUL byte through: REF*F8 "ORIG\0 1" reached the adjustments CSV's original_claim.
        var isa = X12Text.Isa().Replace("*^*00501*", "*U*00501*", StringComparison.Ordinal);
        var segments = Segments(isa + "REF*F8*ORIG\01~IEA*0*000000001~");

        var reference = Assert.Single(segments, s => s.Id == "REF");
        Assert.Equal("REF02 holds a control character (U+0000); a value with one cannot be read exactly", reference.Error);
    }

    [Fact]
    public void Read_EmptySegment_SaysSo()
    {
        var segments = Segments(X12Text.File(X12Text.Subscriber(), "CLM*C1*1~~"));

        Assert.Contains(segments, s => s.Error == "an empty segment (two segment terminators '~' in a row)");
    }

    [Theory]
    [InlineData("N@TE*ADD*X")]
    [InlineData("nm1*IL")]
    [InlineData("NOTE*ADD")]
    [InlineData("*ADD")]
    public void Read_BadSegmentId_IsAnErrorSegment(string segment)
    {
        var segments = Segments(X12Text.File(X12Text.Subscriber(), "CLM*C1*1~" + segment + "~"));

        var bad = Assert.Single(segments, s => s.Error is not null);
        Assert.Contains("is not a segment id", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_OverlongSegment_IsAnErrorAndReadingGoesOn()
    {
        var segments = Segments(X12Text.File(X12Text.Subscriber(), "NTE*ADD*" + new string('X', 500) + "~", X12Text.Claim()), maxSegmentLength: 200);

        var bad = Assert.Single(segments, s => s.Error is not null);
        Assert.Equal("NTE", bad.Id);
        Assert.Contains("longer than 200", bad.Error, StringComparison.Ordinal);
        Assert.Contains(segments, s => s.Id == "CLM");
    }

    [Fact]
    public void Read_ALargeFile_IsStreamed()
    {
        // The first claim comes out long before the reader reaches the end of a 20,000-claim input: as soon as its
        // transaction set (250 claims, as senders split them) has closed.
        var transactions = Enumerable.Range(0, 80).Select(t => X12Text.Transaction($"{t + 1:0000}",
            [X12Text.Provider, .. Enumerable.Range(1, 250).Select(i => X12Text.Subscriber(hl: i + 1) + X12Text.Claim($"C{t * 250 + i}"))])).ToArray();
        var input = new CountingReader(X12Text.Interchange("000000001", X12Text.Group("1", transactions)));

        using var records = new Claim837Reader(input).Read().GetEnumerator();
        Assert.True(records.MoveNext());

        Assert.Equal("C1", records.Current.ClaimId);
        Assert.True(input.Consumed < input.Length / 40, $"read {input.Consumed} of {input.Length} characters for the first claim");
    }

    private sealed class CountingReader(string text) : TextReader
    {
        private readonly StringReader _inner = new(text);
        public long Consumed { get; private set; }
        public long Length { get; } = text.Length;

        public override int Read(char[] buffer, int index, int count)
        {
            var read = _inner.Read(buffer, index, count);
            Consumed += read;
            return read;
        }

        public override int Read() => _inner.Read() is var ch && ch >= 0 ? Count(ch) : ch;

        public override int Peek() => _inner.Peek();

        private int Count(int ch)
        {
            Consumed++;
            return ch;
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_AsReusedView_GivesEachSegmentAsReadSegmentsDoes(bool malformed)
    {
        // The 837P reader walks one re-pointed view; read at each step it must be the segment ReadSegments gives,
        // malformed ones (bad ids, a segment too long, one the file ends inside) included.
        var text = File.ReadAllText(Path.Combine(TestCatalogue.RepositoryRoot, "samples", "claims-small.837"));
        if (malformed) text += "N@3*X~HL\n*9*1*22*0~NM1*" + new string('x', 300) + "~SV1*HC:0581T";
        var expected = new X12SegmentReader(new StringReader(text), 200).ReadSegments()
            .Select(s => (s.Number, s.Id, string.Join("|", s.Elements), s.Error)).ToList();

        var viewed = new X12SegmentReader(new StringReader(text), 200).Read(reuse: true)
            .Select(s => (s.Number, s.Id, string.Join("|", s.Elements), s.Error)).ToList();

        Assert.Equal(expected, viewed);
        if (!malformed) return;
        Assert.Contains(expected, s => s.Error == "'N@3' is not a segment id (two or three upper-case letters or digits)");
        Assert.Contains(expected, s => s.Error == "the segment is longer than 200 characters");
        Assert.Contains(expected, s => s.Error?.StartsWith("the file ends inside segment 'SV1*HC:0581T'", StringComparison.Ordinal) == true);
        // A line break inside a segment is never data: "HL\n*9" is HL*9.
        Assert.Contains(expected, s => s.Id == "HL" && s.Error is null && s.Number > 30);
    }
}
