namespace Coverage.Cli.Tests;

/// <summary>The words a command prints for an input path it cannot read as a file (<see cref="InputFile"/>).</summary>
public sealed class InputFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("coverage-cli-input-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Directory_IsSaidToBeADirectory_NotMissing()
    {
        Assert.Equal($"the input '{_folder}' is a directory, not a file", InputFile.Problem(_folder, "the input"));
    }

    [Fact]
    public void MissingPath_DoesNotExist()
    {
        var missing = Path.Combine(_folder, "nowhere.837");

        Assert.Equal($"the plan map '{missing}' does not exist", InputFile.Problem(missing, "the plan map"));
    }

    [Fact]
    public void File_HasNoProblem()
    {
        var file = Path.Combine(_folder, "claims.837");
        File.WriteAllText(file, "ISA");

        Assert.Null(InputFile.Problem(file, "the input"));
    }

    [Fact]
    public void ReadUtf8_ValidText_IsItsBytesWithoutAByteOrderMark()
    {
        var file = Path.Combine(_folder, "plans.csv");
        File.WriteAllBytes(file, [0xEF, 0xBB, 0xBF, .. "member_id,plan_id\nM-1,café\n"u8]);

        var (utf8, problem) = InputFile.ReadUtf8(file, "the plan map", 1_000);

        Assert.Null(problem);
        Assert.Equal("member_id,plan_id\nM-1,café\n", System.Text.Encoding.UTF8.GetString(utf8!));
    }

    [Fact]
    public void ReadUtf8_AStrayByte_IsRefusedSayingWhereItIs()
    {
        var file = Path.Combine(_folder, "plans.csv");
        File.WriteAllBytes(file, [.. "member_id,plan_id\nM-"u8, 0xFF, .. ",standard\n"u8]);

        Assert.Equal((null, $"the plan map '{file}' is not UTF-8 text (byte 21 is not part of a UTF-8 character)"), InputFile.ReadUtf8(file, "the plan map", 1_000));
    }

    [Fact]
    public void ReadUtf8_AStrayByteFarIn_IsFoundWhereItIs()
    {
        byte[] bytes = [.. Enumerable.Repeat((byte)'a', 5_000), 0xC3, (byte)'(', (byte)'b'];

        var (_, problem) = InputFile.ReadUtf8(new MemoryStream(bytes), "the input", 10_000);

        Assert.Equal("the input is not UTF-8 text (byte 5,001 is not part of a UTF-8 character)", problem);
    }

    [Fact]
    public void ReadUtf8_WideText_IsRefusedNamingItsEncoding()
    {
        var (_, problem) = InputFile.ReadUtf8(new MemoryStream([.. System.Text.Encoding.Unicode.GetPreamble(), .. System.Text.Encoding.Unicode.GetBytes("member_id")]), "the plan map", 1_000);

        Assert.Equal("the plan map is UTF-16 (little-endian) text; convert it to UTF-8", problem);
    }

    [Fact]
    public void ReadUtf8_MoreThanTheLimit_IsRefused()
    {
        var (utf8, problem) = InputFile.ReadUtf8(new MemoryStream(new byte[1_001]), "the input", 1_000);

        Assert.Null(utf8);
        Assert.Equal($"the input is larger than {1_000:N0} bytes", problem);
    }

    [Fact]
    public void ReadUtf8_ADirectory_IsSaidToBeOne()
    {
        Assert.Equal((null, $"the plan map '{_folder}' is a directory, not a file"), InputFile.ReadUtf8(_folder, "the plan map", 1_000));
    }
}
