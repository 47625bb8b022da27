using Coverage.SampleClaims;

namespace Coverage.Claims.Tests.SampleClaims;

/// <summary>`coverage-samples claims` (tools/Coverage.SampleClaims): the same seed writes the same file; bad usage is refused.</summary>
public sealed class SampleClaimsCommandTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("coverage-samples-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string File(string name) => Path.Combine(_folder.FullName, name);

    private static (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var exitCode = SampleClaimsCommand.Run(args, stdout, stderr);
        return (exitCode, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData("837", "ISA*")]
    [InlineData("csv", "claim_id,line,")]
    [InlineData("ndjson", "{\"requestId\":\"CLM0000001\"")]
    public void Claims_WritesTheSameFileForTheSameSeed(string format, string start)
    {
        var first = Run("claims", "--format", format, "--claims", "50", "--out", File("a"), "--seed", "3");
        Run("claims", "--format", format, "--claims", "50", "--out", File("b"), "--seed", "3");
        Run("claims", "--format", format, "--claims", "50", "--out", File("c"), "--seed", "4");

        Assert.Equal(0, first.ExitCode);
        Assert.StartsWith("wrote 50 claims", first.Stdout, StringComparison.Ordinal);
        Assert.StartsWith(start, System.IO.File.ReadAllText(File("a")), StringComparison.Ordinal);
        Assert.Equal(System.IO.File.ReadAllText(File("a")), System.IO.File.ReadAllText(File("b")));
        Assert.NotEqual(System.IO.File.ReadAllText(File("a")), System.IO.File.ReadAllText(File("c")));
    }

    [Fact]
    public void Claims_NoClaims_IsAUsageError()
    {
        var result = Run("claims", "--format", "csv", "--claims", "0", "--out", File("a"));

        Assert.Equal(SampleClaimsCommand.UsageError, result.ExitCode);
        Assert.Contains("--claims must be at least 1", result.Stderr, StringComparison.Ordinal);
        Assert.False(System.IO.File.Exists(File("a")));
    }

    [Fact]
    public void Claims_UnknownFormat_IsAUsageError()
    {
        var result = Run("claims", "--format", "x12", "--claims", "5", "--out", File("a"));

        Assert.Equal(SampleClaimsCommand.UsageError, result.ExitCode);
        Assert.False(System.IO.File.Exists(File("a")));
    }
}
