using System.Text;
using Coverage.Claims.Ndjson;

namespace Coverage.Claims.Tests.Ndjson;

/// <summary>NDJSON: one coverage request per line, validated by the engine's own reader, positioned by line.</summary>
public class RequestNdjsonReaderTests
{
    private const string Request = """{"requestId":"R1","kind":"claim","dateOfService":"2026-05-04","diagnoses":["C50.411"],"serviceLines":[{"sequence":1,"code":"0581T"}]}""";

    private static List<ClaimRecord> Read(string text, int maxLineBytes = RequestNdjsonReader.DefaultMaxLineBytes) =>
        new RequestNdjsonReader(new MemoryStream(Encoding.UTF8.GetBytes(text)), maxLineBytes).Read().ToList();

    [Fact]
    public void Read_EachLine_IsARecordAtItsLineNumber()
    {
        var records = Read("\uFEFF" + Request + "\r\n\n  \n" + Request.Replace("R1", "R2", StringComparison.Ordinal));

        Assert.Equal(["R1", "R2"], records.Select(r => r.ClaimId));
        Assert.Equal([RecordPosition.Line(1), RecordPosition.Line(4)], records.Select(r => r.Position));
        Assert.All(records, r => Assert.NotNull(r.Validate(TestCatalogue.Catalogue).Request));
    }

    [Fact]
    public void Read_InvalidJson_IsRejectedAtItsLine()
    {
        var records = Read(Request + "\n{\"requestId\": \"R2\", \"kind\": \n" + Request.Replace("R1", "R3", StringComparison.Ordinal) + "\n");

        Assert.Equal(3, records.Count);
        var (request, errors) = records[1].Validate(TestCatalogue.Catalogue);
        Assert.Null(request);
        var error = Assert.Single(errors);
        Assert.Equal("$", error.Field);
        Assert.Equal(RecordPosition.Line(2), error.Position);
        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_InvalidUtf8InTheRequestId_IsRejectedAtItsLine_AndReadingGoesOn()
    {
        // Reading the id of "R\xFF1" threw (the JSON reader cannot transcode it) and stopped the whole batch.
        var bad = Encoding.UTF8.GetBytes(Request).AsSpan().ToArray();
        bad[Request.IndexOf("R1", StringComparison.Ordinal) + 1] = 0xFF;
        var text = bad.Concat("\n"u8.ToArray()).Concat(Encoding.UTF8.GetBytes(Request.Replace("R1", "R2", StringComparison.Ordinal))).ToArray();

        var records = new RequestNdjsonReader(new MemoryStream(text)).Read().ToList();

        Assert.Equal(2, records.Count);
        Assert.Null(records[0].ClaimId);
        var (request, errors) = records[0].Validate(TestCatalogue.Catalogue);
        Assert.Null(request);
        Assert.Equal(RecordPosition.Line(1), Assert.Single(errors).Position);
        Assert.Equal("R2", records[1].ClaimId);
        Assert.NotNull(records[1].Validate(TestCatalogue.Catalogue).Request);
    }

    [Fact]
    public void Read_InvalidRequest_KeepsItsIdAndNamesTheField()
    {
        var record = Assert.Single(Read(Request.Replace("2026-05-04", "2026-13-40", StringComparison.Ordinal)));

        var (_, errors) = record.Validate(TestCatalogue.Catalogue);

        Assert.Equal("R1", record.ClaimId);
        Assert.Equal("dateOfService", Assert.Single(errors).Field);
    }

    [Fact]
    public void Read_RequestWithoutId_IsRejectedInABatch()
    {
        var record = Assert.Single(Read(Request.Replace("\"requestId\":\"R1\",", "", StringComparison.Ordinal)));

        var (_, errors) = record.Validate(TestCatalogue.Catalogue);

        Assert.Equal("requestId", Assert.Single(errors).Field);
    }

    [Fact]
    public void Read_OverlongLine_IsRejectedAndReadingGoesOn()
    {
        var records = Read("{\"requestId\":\"" + new string('x', 5000) + "\"}\n" + Request, maxLineBytes: 1000);

        Assert.Contains("longer than 1000 bytes", records[0].Errors[0].Message, StringComparison.Ordinal);
        Assert.Equal("R1", records[1].ClaimId);
        Assert.Equal(RecordPosition.Line(2), records[1].Position);
    }

    [Theory]
    [InlineData("""{"requestId":"A"}""", "A")]
    [InlineData("""{"member":{"requestId":"inner"},"requestId":"B"}""", "B")]
    [InlineData("""{"requestId":42}""", null)]
    [InlineData("""[1,2]""", null)]
    [InlineData("""{"requestId":""", null)]
    public void RequestIdOf_FindsTheTopLevelId(string json, string? id)
    {
        Assert.Equal(id, RequestNdjsonReader.RequestIdOf(Encoding.UTF8.GetBytes(json)));
    }
}
