using System.Text;
using Coverage.Claims.Batch;
using Coverage.Claims.Tests.X12;

namespace Coverage.Claims.Tests.Batch;

/// <summary>
/// Bytes that are not UTF-8 in an 837P or CSV claim: the claim cannot be read exactly, so it is rejected naming where,
/// never decided on U+FFFD in their place; the claims around it are decided.
/// </summary>
public sealed class InvalidUtf8Tests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"invalid-utf8-{Guid.NewGuid():N}");

    public void Dispose() => File.Delete(_path);

    private List<ClaimRecord> Read(byte[] bytes, ClaimFileFormat format)
    {
        File.WriteAllBytes(_path, bytes);
        return [.. ClaimFileRecords.Read(_path, format, PlanMap.Empty, new BatchProgress())];
    }

    /// <summary>The text as UTF-8 with each '#' replaced by the byte 0xFF, which is never UTF-8.</summary>
    private static byte[] WithInvalidByte(string text) =>
        [.. Encoding.UTF8.GetBytes(text).Select(b => b == (byte)'#' ? (byte)0xFF : b)];

    [Fact]
    public void X12_AnInvalidByteInTheDescription_RejectsTheClaimAtItsElement()
    {
        var bad = "CLM*BAD*6200***11:B:1*Y*A*Y*Y~HI*ABK:C50411~LX*1~SV1*HC:19499:::::Micro#wave ablation*6200*UN*1***1~DTP*472*D8*20260504~";
        var records = Read([.. "\uFEFF"u8.ToArray(), .. WithInvalidByte(X12Text.File(X12Text.Subscriber(), bad, X12Text.Claim("GOOD")))], ClaimFileFormat.X12);

        var rejected = Assert.Single(records, r => r.ClaimId == "BAD");
        Assert.True(rejected.IsRejected);
        Assert.Contains("SV101 holds a control character (U+001A)", rejected.Errors[0].Message, StringComparison.Ordinal);
        Assert.NotNull(Assert.Single(records, r => r.ClaimId == "GOOD").Validate(TestCatalogue.Catalogue).Request);
    }

    [Fact]
    public void Csv_AnInvalidByteInTheDescription_RejectsTheClaimNamingTheField()
    {
        var csv = "claim_id,date_of_service,code,description,diagnoses\n" +
                  "BAD,2026-05-04,19499,Micro#wave ablation,C50.411\n" +
                  "GOOD,2026-05-04,0581T,,C50.411\n";
        var records = Read(WithInvalidByte(csv), ClaimFileFormat.Csv);

        var (request, errors) = Assert.Single(records, r => r.ClaimId == "BAD").Validate(TestCatalogue.Catalogue);
        Assert.Null(request);
        Assert.Equal("serviceLines[0].description", errors[0].Field);
        Assert.NotNull(Assert.Single(records, r => r.ClaimId == "GOOD").Validate(TestCatalogue.Catalogue).Request);
    }
}
