using Coverage.Claims.Batch;
using Coverage.Claims.Tests.X12;

namespace Coverage.Claims.Tests.Batch;

/// <summary>
/// Outputs that cannot be written (docs/batch.md, "Outputs"): one that cannot be opened stops the run before anything
/// is decided, saying which file and why; a device without a length (/dev/null) is written, not truncated.
/// </summary>
public class OutputFailureTests
{
    private static string Input(TempFolder temp)
    {
        var input = temp.File("claims.837");
        File.WriteAllText(input, X12Text.File(X12Text.Subscriber(), X12Text.Claim("C1")));
        return input;
    }

    [Fact]
    public async Task AnOutputThatCannotBeCreated_StopsTheRunBeforeAnythingIsDecided()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("a-file"), "");
        // A path through a file: its folder cannot be made.
        var options = Options.For(temp, Input(temp), ClaimFileFormat.X12) with { ErrorsPath = temp.File("a-file/errors.ndjson") };

        var e = await Assert.ThrowsAsync<ClaimFileException>(() => new BatchAdjudicator(TestCatalogue.Evaluator, options).RunAsync());

        Assert.StartsWith($"cannot write {temp.File("a-file/errors.ndjson")}: ", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("; nothing was decided", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOutputToADevice_IsWrittenWithoutTruncatingIt()
    {
        if (!OperatingSystem.IsLinux()) return; // /dev/null cannot be truncated (EINVAL): that once stopped the run
        using var temp = new TempFolder();
        var options = Options.For(temp, Input(temp), ClaimFileFormat.X12) with { ErrorsPath = "/dev/null" };

        var summary = await new BatchAdjudicator(TestCatalogue.Evaluator, options).RunAsync();

        Assert.Equal(1, summary.Totals.Claims);
        Assert.Single(File.ReadAllLines(options.ResultsPath));
    }
}
