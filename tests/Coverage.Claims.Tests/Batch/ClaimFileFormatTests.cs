using System.Text;
using Coverage.Claims.Batch;
using Coverage.Claims.Tests.X12;

namespace Coverage.Claims.Tests.Batch;

/// <summary>
/// What <see cref="ClaimFileFormats.Inspect"/> makes of a file's first bytes: UTF-16 and UTF-32 text, with or without a
/// byte order mark, is refused naming the encoding (UTF-32 was called UTF-16); UTF-8 with a byte order mark is read.
/// </summary>
public sealed class ClaimFileFormatTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static readonly string X12 = X12Text.File(X12Text.Subscriber(), X12Text.Claim());
    private const string Csv = "claim_id,line,member_id,birth_date,plan_id,diagnoses,date_of_service,code,modifiers,description,units\nC1,1,M1,,,C50.411,2026-05-04,0581T,,,1\n";
    private const string Ndjson = "{\"requestId\":\"R1\"}\n";

    private (ClaimFileFormat? Format, string? Problem) Inspect(string name, byte[] bytes)
    {
        var path = _temp.File(name);
        File.WriteAllBytes(path, bytes);
        return ClaimFileFormats.Inspect(path);
    }

    public static TheoryData<string, string, bool> WideEncodings => new()
    {
        { "utf-16", "UTF-16 (little-endian)", true },
        { "utf-16", "UTF-16 (little-endian)", false },
        { "utf-16BE", "UTF-16 (big-endian)", true },
        { "utf-16BE", "UTF-16 (big-endian)", false },
        { "utf-32", "UTF-32 (little-endian)", true },
        { "utf-32", "UTF-32 (little-endian)", false },
        { "utf-32BE", "UTF-32 (big-endian)", true },
        { "utf-32BE", "UTF-32 (big-endian)", false },
    };

    [Theory]
    [MemberData(nameof(WideEncodings))]
    public void WideText_IsRefusedNamingItsEncoding(string encoding, string named, bool byteOrderMark)
    {
        var text = Encoding.GetEncoding(encoding);
        foreach (var (name, content) in new[] { ("claims.837", X12), ("claims.csv", Csv), ("claims.ndjson", Ndjson) })
        {
            byte[] bytes = byteOrderMark ? [.. text.GetPreamble(), .. text.GetBytes(content)] : text.GetBytes(content);

            var (format, problem) = Inspect(name, bytes);

            Assert.Null(format);
            Assert.Equal($"it is {named} text, which is not read: convert it to UTF-8 (claim files are UTF-8 or ASCII)", problem);
        }
    }

    [Theory]
    [InlineData("claims.837", ClaimFileFormat.X12)]
    [InlineData("claims.csv", ClaimFileFormat.Csv)]
    [InlineData("claims.ndjson", ClaimFileFormat.Ndjson)]
    public void Utf8WithAByteOrderMark_IsRead(string name, ClaimFileFormat expected)
    {
        var content = expected switch { ClaimFileFormat.X12 => X12, ClaimFileFormat.Csv => Csv, _ => Ndjson };

        var (format, problem) = Inspect(name, [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(content)]);

        Assert.Null(problem);
        Assert.Equal(expected, format);
    }

    [Fact]
    public void NulPadding_IsNotTakenForWideText()
    {
        // NULs before the ISA are skipped, as between segments; bytes all NUL are no encoding's text (320 of them were "UTF-16").
        var (format, problem) = Inspect("claims.837", [.. new byte[320], .. Encoding.ASCII.GetBytes(X12)]);

        Assert.Null(problem);
        Assert.Equal(ClaimFileFormat.X12, format);
    }
}
