using System.Text.Json.Nodes;
using Coverage.Claims.Batch;
using Coverage.Claims.Tests.X12;

namespace Coverage.Claims.Tests.Batch;

/// <summary>
/// A checkpoint given to --resume that a run cannot have written — damaged, tampered with, or vouching for outputs
/// that are no longer what it says — is refused naming what is wrong, never a crash and never a resume at a wrong
/// place (docs/batch.md, "Crash safety"). A stopped run is stood for by a finished one whose checkpoint says it is not
/// complete: a valid state, from which each test changes one thing.
/// </summary>
public sealed class CheckpointTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly BatchOptions _options;

    public CheckpointTests()
    {
        var input = _temp.File("claims.837");
        File.WriteAllText(input, X12Text.File(X12Text.Subscriber(), X12Text.Claim("C1"), X12Text.Claim("C2"), X12Text.Claim("C3", date: "2026-13-01")));
        _options = Options.For(_temp, input, ClaimFileFormat.X12) with { BatchSize = 1 };
    }

    public void Dispose() => _temp.Dispose();

    private Task<BatchSummary> Run(bool resume) => new BatchAdjudicator(TestCatalogue.Evaluator, _options with { Resume = resume }).RunAsync();

    /// <summary>Runs the file, then rewrites its checkpoint as <paramref name="change"/> says (from a run not yet complete).</summary>
    private async Task Tamper(Action<JsonObject> change, bool complete = false)
    {
        await Run(resume: false);
        var checkpoint = JsonNode.Parse(File.ReadAllText(_options.EffectiveCheckpointPath))!.AsObject();
        checkpoint["complete"] = complete;
        change(checkpoint);
        File.WriteAllText(_options.EffectiveCheckpointPath, checkpoint.ToJsonString());
    }

    private async Task<string> Refused()
    {
        var before = Outputs();
        var e = await Assert.ThrowsAsync<ClaimFileException>(() => Run(resume: true));
        // Refused before anything is cut or written.
        Assert.Equal(before, Outputs());
        return e.Message;
    }

    private (string, string, string) Outputs() =>
        (File.ReadAllText(_options.ResultsPath), File.ReadAllText(_options.AdjustmentsPath), File.ReadAllText(_options.ErrorsPath));

    [Fact]
    public async Task TheUntamperedCheckpoint_Resumes()
    {
        var first = await Run(resume: false);
        var results = File.ReadAllText(_options.ResultsPath);
        await Tamper(_ => { });

        var resumed = await Run(resume: true);

        Assert.Equal(first.Totals.Records, resumed.ResumedAfter);
        Assert.Equal(results, File.ReadAllText(_options.ResultsPath));
    }

    [Theory]
    [InlineData("results", null, "it names no results file")]
    [InlineData("input", null, "it names no input")]
    [InlineData("version", 2, "version 2 (this program writes 1)")]
    [InlineData("format", "xml", "format 'xml' is not 837, csv or ndjson")]
    [InlineData("resultsMode", "brief", "resultsMode 'brief' is not full or compact")]
    [InlineData("inputLength", -1, "inputLength -1 is negative")]
    [InlineData("records", -3, "records -3 is negative")]
    [InlineData("claims", -9, "claims -9 is negative")]
    [InlineData("records", 2, "records 2 is not claims 2 + rejected 1 + voided 0 + encounters 0")]
    [InlineData("lastPosition", "nowhere", "lastPosition 'nowhere' is not the position of a record (segment N or line N)")]
    public async Task AValueNoRunWrites_IsRefusedNamingIt(string property, object? value, string problem)
    {
        await Tamper(c => c[property] = JsonValue.Create(value));

        var message = await Refused();

        Assert.Contains($"is not one this program wrote: {problem}; run without --resume to start over", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("errors", -5, "errors.length -5 is negative")] // cutting a file to -5 bytes was an unhandled ArgumentOutOfRangeException
    [InlineData("results", -1, "results.length -1 is negative")]
    public async Task ANegativeLength_IsRefused(string output, long length, string problem)
    {
        await Tamper(c => c[output]!["length"] = length);

        Assert.Contains(problem, await Refused(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutcomesThatAreNotOutcomesOrDoNotAddUp_AreRefused()
    {
        await Tamper(c => c["lineOutcomes"] = new JsonObject { ["approved"] = 2 });
        Assert.Contains("lineOutcomes names 'approved', not an outcome", await Refused(), StringComparison.Ordinal);

        await Tamper(c => c["claimOutcomes"] = new JsonObject { ["not-covered"] = 1 });
        Assert.Contains("claimOutcomes add up to 1, not claims 2", await Refused(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALengthThatEndsInsideALine_IsRefused()
    {
        // Cut there, the results would hold a torn determination and the resumed run would append after it.
        await Tamper(c => c["results"]!["length"] = 100);

        Assert.Contains("which end inside a line, not after one", await Refused(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACheckpointTooLargeToBeOne_IsRefused()
    {
        await Tamper(c => c["padding"] = new string(' ', Checkpoint.MaxBytes));

        Assert.Contains("not a checkpoint this program wrote", await Refused(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACompleteRunWhoseOutputsChanged_IsNotSummarisedAsComplete()
    {
        // It printed the checkpoint's totals, "nothing was decided again", over files that were no longer there.
        await Tamper(_ => { }, complete: true);
        File.WriteAllText(_options.ErrorsPath, "");

        Assert.Contains($"the checkpoint says the run is complete with ", await Refused(), StringComparison.Ordinal);

        File.Delete(_options.ResultsPath);
        var e = await Assert.ThrowsAsync<ClaimFileException>(() => Run(resume: true));
        Assert.Contains("but it does not exist", e.Message, StringComparison.Ordinal);
    }
}
