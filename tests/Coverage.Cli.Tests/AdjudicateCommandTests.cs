using System.Text.Json;

namespace Coverage.Cli.Tests;

/// <summary>`coverage adjudicate` and `coverage samples claims` (docs/batch.md): outputs, summary, exit codes.</summary>
public sealed class AdjudicateCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("coverage-cli-batch-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string File(string name) => Path.Combine(_folder, name);

    [Theory]
    [InlineData("claims-small.837")]
    [InlineData("claims-small.csv")]
    [InlineData("claims-small.ndjson")]
    public void Adjudicate_SampleFile_WritesTheOutputsAndExitsOneForTheBadRecord(string sample)
    {
        var result = CliRunner.Run("adjudicate", CliRunner.Sample(sample), "--out", File("results.ndjson"), "--plan-map", CliRunner.Sample("plan-map.csv"));

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stderr);
        Assert.StartsWith($"Adjudicated {CliRunner.Sample(sample)}", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("claims:         7 decided, 1 rejected record", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("lines/s", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(7, System.IO.File.ReadAllLines(File("results.ndjson")).Length);
        Assert.Equal(12, System.IO.File.ReadAllLines(File("results.adjustments.csv")).Length);
        var error = JsonDocument.Parse(Assert.Single(System.IO.File.ReadAllLines(File("results.errors.ndjson")))).RootElement;
        Assert.Equal("CLM0000003", error.GetProperty("claimId").GetString());
    }

    [Fact]
    public void Adjudicate_NothingRejected_ExitsZeroAndNamesTheErrorsFile()
    {
        var input = File("good.ndjson");
        System.IO.File.WriteAllLines(input, System.IO.File.ReadLines(CliRunner.Sample("claims-small.ndjson")).Where(l => !l.Contains("CLM0000003", StringComparison.Ordinal)));

        var result = CliRunner.Run("adjudicate", input, "--out", File("out/results.ndjson"), "--errors", File("out/rejected.ndjson"));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("0 rejected records", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("rejected.ndjson (none)", result.Stdout, StringComparison.Ordinal);
        Assert.Equal("", System.IO.File.ReadAllText(File("out/rejected.ndjson")));
    }

    [Fact]
    public void Adjudicate_Resume_OfACompleteRunSaysSoAndDecidesNothing()
    {
        CliRunner.Run("adjudicate", CliRunner.Sample("claims-small.csv"), "--out", File("results.ndjson"));
        var before = System.IO.File.ReadAllText(File("results.ndjson"));

        var result = CliRunner.Run("adjudicate", CliRunner.Sample("claims-small.csv"), "--out", File("results.ndjson"), "--resume");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("already complete", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(before, System.IO.File.ReadAllText(File("results.ndjson")));
    }

    [Fact]
    public void Adjudicate_InputFormatOption_OverridesTheExtension()
    {
        var input = File("claims.txt");
        System.IO.File.Copy(CliRunner.Sample("claims-small.csv"), input);

        var result = CliRunner.Run("adjudicate", input, "--input-format", "csv", "--out", File("results.ndjson"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("(csv)", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("claims-small.837", "(837)")]
    [InlineData("claims-small.ndjson", "(ndjson)")]
    public void Adjudicate_UnknownExtension_TakesTheFormatFromTheContent(string sample, string format)
    {
        var input = File("claims.dat");
        System.IO.File.Copy(CliRunner.Sample(sample), input);

        var result = CliRunner.Run("adjudicate", input, "--out", File("results.ndjson"));

        Assert.Contains(format, result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Adjudicate_WithoutOut_IsAUsageError()
    {
        var result = CliRunner.Run("adjudicate", CliRunner.Sample("claims-small.837"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--out", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Adjudicate_MissingInput_IsAUsageError()
    {
        var result = CliRunner.Run("adjudicate", File("nowhere.837"), "--out", File("results.ndjson"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("does not exist", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Adjudicate_UnrecognisableFormat_IsAUsageError()
    {
        var input = File("claims.dat");
        System.IO.File.WriteAllText(input, "hello\n");

        var result = CliRunner.Run("adjudicate", input, "--out", File("results.ndjson"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--input-format", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Adjudicate_BadInputFormatValue_IsAUsageError()
    {
        var result = CliRunner.Run("adjudicate", CliRunner.Sample("claims-small.837"), "--input-format", "xml", "--out", File("results.ndjson"));

        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public void Adjudicate_CsvWithoutTheRequiredColumns_IsAUsageError()
    {
        var input = File("claims.csv");
        System.IO.File.WriteAllText(input, "claim_id,code\nC1,0581T\n");

        var result = CliRunner.Run("adjudicate", input, "--out", File("results.ndjson"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("date_of_service", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Adjudicate_PlanMapNamingAnUnknownPlan_IsAUsageError()
    {
        var map = File("plans.csv");
        System.IO.File.WriteAllText(map, "100200,gold\n");

        var result = CliRunner.Run("adjudicate", CliRunner.Sample("claims-small.837"), "--out", File("results.ndjson"), "--plan-map", map);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown plans gold", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Adjudicate_OutputsThatCollide_AreAUsageError()
    {
        var result = CliRunner.Run("adjudicate", CliRunner.Sample("claims-small.837"), "--out", File("results.ndjson"), "--errors", File("results.ndjson"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("three different files", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Adjudicate_ResumeOfAnotherInput_IsAUsageError()
    {
        CliRunner.Run("adjudicate", CliRunner.Sample("claims-small.csv"), "--out", File("results.ndjson"));

        var result = CliRunner.Run("adjudicate", CliRunner.Sample("claims-small.ndjson"), "--out", File("results.ndjson"), "--resume");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("run without --resume to start over", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("837", "ISA*")]
    [InlineData("csv", "claim_id,line,")]
    [InlineData("ndjson", "{\"requestId\":\"CLM0000001\"")]
    public void SamplesClaims_WritesTheSameFileForTheSameSeed(string format, string start)
    {
        var first = CliRunner.Run("samples", "claims", "--format", format, "--claims", "50", "--out", File("a"), "--seed", "3");
        CliRunner.Run("samples", "claims", "--format", format, "--claims", "50", "--out", File("b"), "--seed", "3");

        Assert.Equal(0, first.ExitCode);
        Assert.StartsWith("wrote 50 claims", first.Stdout, StringComparison.Ordinal);
        Assert.StartsWith(start, System.IO.File.ReadAllText(File("a")), StringComparison.Ordinal);
        Assert.Equal(System.IO.File.ReadAllText(File("a")), System.IO.File.ReadAllText(File("b")));
    }

    [Fact]
    public void SamplesClaims_NoClaims_IsAUsageError()
    {
        var result = CliRunner.Run("samples", "claims", "--format", "csv", "--claims", "0", "--out", File("a"));

        Assert.Equal(2, result.ExitCode);
    }
}
