using System.Text;
using System.Text.Json;

namespace Coverage.Cli.Tests;

/// <summary>
/// `coverage evaluate` reads its request exactly, as the server reads a body, or refuses it saying why. It used to read
/// the file as text: a stray byte in a description became U+FFFD and the microwave ablation it described was pended as
/// "description unclear" instead of decided; a field given twice let its last value win unseen.
/// </summary>
public sealed class RequestFileTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("coverage-request-file-");

    public void Dispose() => _folder.Delete(recursive: true);

    private static byte[] Sample => File.ReadAllBytes(CliRunner.Sample("unlisted-microwave-claim.json"));

    private string Write(byte[] bytes)
    {
        var path = Path.Combine(_folder.FullName, "request.json");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>The sample with one byte of "microwave" replaced by a byte that is not UTF-8.</summary>
    private static byte[] WithAStrayByte()
    {
        var bytes = Sample;
        bytes[bytes.AsSpan().IndexOf("icrowave"u8)] = 0xFF;
        return bytes;
    }

    [Fact]
    public void AStrayByte_IsRefused_FromAFileAndFromStandardInput()
    {
        var at = WithAStrayByte().AsSpan().IndexOf((byte)0xFF) + 1;
        var path = Write(WithAStrayByte());

        var fromFile = CliRunner.Run("evaluate", path);
        var fromInput = CliRunner.RunWithInput(WithAStrayByte(), "evaluate", "-");

        foreach (var (result, named) in new[] { (fromFile, $"the request '{path}'"), (fromInput, "the request on standard input") })
        {
            Assert.Equal(2, result.ExitCode);
            Assert.Equal("", result.Stdout);
            Assert.Equal($"coverage: {named} is not UTF-8 text (byte {at:N0} is not part of a UTF-8 character)\n", result.Stderr.ReplaceLineEndings("\n"));
        }
    }

    [Fact]
    public void AFieldGivenTwice_IsRefusedNamingIt()
    {
        var text = Encoding.UTF8.GetString(Sample).Replace("\"requestId\": \"CLM-2001\"", "\"requestId\": \"CLM-2001\", \"requestId\": \"CLM-2002\"", StringComparison.Ordinal);

        var result = CliRunner.Run("evaluate", Write(Encoding.UTF8.GetBytes(text)));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("coverage: invalid request: the property 'requestId' is given twice in one object\n", result.Stderr.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("utf-16", "UTF-16 (little-endian)")]
    [InlineData("utf-16BE", "UTF-16 (big-endian)")]
    [InlineData("utf-32", "UTF-32 (little-endian)")]
    public void WideText_IsRefusedNamingItsEncoding(string encoding, string named)
    {
        var wide = Encoding.GetEncoding(encoding);

        var result = CliRunner.Run("evaluate", Write([.. wide.GetPreamble(), .. wide.GetBytes(Encoding.UTF8.GetString(Sample))]));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"is {named} text; convert it to UTF-8", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void AUtf8ByteOrderMark_IsRead()
    {
        var result = CliRunner.Run("evaluate", Write([0xEF, 0xBB, 0xBF, .. Sample]));

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.Equal("microwave-ablation", json.RootElement.GetProperty("lines")[0].GetProperty("modality").GetString());
    }

    [Fact]
    public void ADirectory_IsNamedAsOne()
    {
        var result = CliRunner.Run("evaluate", _folder.FullName);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"coverage: the request '{_folder.FullName}' is a directory, not a file\n", result.Stderr.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void MoreThanTheLimit_IsRefusedWithoutReadingItAll()
    {
        var path = Path.Combine(_folder.FullName, "huge.json");
        using (var file = File.Create(path))
        {
            file.Write("{\"requestId\": \""u8);
            file.SetLength(RequestFile.MaxBytes + 1);
        }

        var result = CliRunner.Run("evaluate", path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"is larger than {RequestFile.MaxBytes:N0} bytes", result.Stderr, StringComparison.Ordinal);
    }
}
