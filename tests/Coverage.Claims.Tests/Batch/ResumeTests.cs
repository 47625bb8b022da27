using System.Text;
using System.Text.Json;
using Coverage.Claims.Batch;
using Coverage.SampleClaims;
using Coverage.Testing;

namespace Coverage.Claims.Tests.Batch;

/// <summary>
/// Crash safety in process: a run stopped midway leaves a checkpoint, and --resume finishes the file with every
/// claim exactly once — byte for byte what an uninterrupted run writes (the evaluator's clock is fixed).
/// The real process kill is in <see cref="KillTests"/>.
/// </summary>
[Trait(Lane.Trait, Lane.Integration)] // adjudicates whole files, stopped and resumed, end to end
public class ResumeTests
{
    private const int Claims = 3_000;

    private static string Generate(TempFolder temp, ClaimFileFormat format = ClaimFileFormat.Ndjson, int claims = Claims)
    {
        var input = temp.File(format == ClaimFileFormat.X12 ? "claims.837" : format == ClaimFileFormat.Csv ? "claims.csv" : "claims.ndjson");
        SyntheticClaimFile.Write(input, format, claims, seed: 11);
        return input;
    }

    private static Task<BatchSummary> Run(BatchOptions options, CancellationToken cancellationToken = default) =>
        new BatchAdjudicator(TestCatalogue.Evaluator, options).RunAsync(cancellationToken);

    private static (string Results, string Adjustments, string Errors) Outputs(BatchOptions options) =>
        (File.ReadAllText(options.ResultsPath), File.ReadAllText(options.AdjustmentsPath), File.ReadAllText(options.ErrorsPath));

    /// <summary>Starts a run with small batches and a checkpoint after each, and stops it once some records are written.</summary>
    private static async Task Interrupt(BatchOptions options, long afterRecords)
    {
        using var stop = new CancellationTokenSource();
        var adjudicator = new BatchAdjudicator(TestCatalogue.Evaluator, options);
        var run = adjudicator.RunAsync(stop.Token);
        while (!run.IsCompleted && adjudicator.Progress.Records < afterRecords) await Task.Delay(1);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Theory]
    [InlineData(ClaimFileFormat.X12)]
    [InlineData(ClaimFileFormat.Csv)]
    [InlineData(ClaimFileFormat.Ndjson)]
    public async Task Resume_AfterAStopMidway_WritesWhatAnUninterruptedRunWrites(ClaimFileFormat format)
    {
        using var temp = new TempFolder();
        var input = Generate(temp, format);
        var reference = Options.For(temp, input, format) with { ResultsPath = temp.File("reference.ndjson"), AdjustmentsPath = temp.File("reference.csv"), ErrorsPath = temp.File("reference.errors") };
        var full = await Run(reference);
        var options = Options.For(temp, input, format) with { BatchSize = 20, CheckpointInterval = TimeSpan.Zero };

        await Interrupt(options, afterRecords: 500);
        // A kill can also leave a torn last write after the checkpoint: resume must cut it off.
        File.AppendAllText(options.ResultsPath, "{\"requestId\":\"CLM00");
        File.AppendAllText(options.AdjustmentsPath, "CLM0000,1,05");
        var resumed = await Run(options with { Resume = true });

        Assert.True(resumed.ResumedAfter > 0, "the run should resume after the records it had written");
        Assert.True(resumed.ResumedAfter < Claims, "the run should have been stopped before the end");
        Assert.Equal(Outputs(reference), Outputs(options));
        Assert.Equal((full.Totals.Records, full.Totals.Claims, full.Totals.Lines, full.Totals.Rejected),
            (resumed.Totals.Records, resumed.Totals.Claims, resumed.Totals.Lines, resumed.Totals.Rejected));
        Assert.Equal(full.Totals.LineOutcomes, resumed.Totals.LineOutcomes);
    }

    [Fact]
    public async Task Resume_StoppedSeveralTimes_StillEveryClaimOnce()
    {
        using var temp = new TempFolder();
        var input = Generate(temp);
        var options = Options.For(temp, input, ClaimFileFormat.Ndjson) with { BatchSize = 10, CheckpointInterval = TimeSpan.Zero };

        await Interrupt(options, afterRecords: 300);
        await Interrupt(options with { Resume = true }, afterRecords: 1200);
        await Run(options with { Resume = true });

        var ids = File.ReadLines(options.ResultsPath).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("requestId").GetString())
            .Concat(File.ReadLines(options.ErrorsPath).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("claimId").GetString()))
            .ToList();
        Assert.Equal(Claims, ids.Count);
        Assert.Equal(Claims, ids.Distinct().Count());
    }

    [Fact]
    public async Task Resume_CompleteRun_DecidesNothingAgain()
    {
        using var temp = new TempFolder();
        var options = Options.For(temp, Generate(temp, claims: 200), ClaimFileFormat.Ndjson);
        var first = await Run(options);
        var before = Outputs(options);

        var again = await Run(options with { Resume = true });

        Assert.True(again.AlreadyComplete);
        Assert.Equal(first.Totals.Claims, again.Totals.Claims);
        Assert.Equal(before, Outputs(options));
    }

    [Fact]
    public async Task Resume_WithoutACheckpoint_StartsFromTheBeginning()
    {
        using var temp = new TempFolder();
        var options = Options.For(temp, Generate(temp, claims: 200), ClaimFileFormat.Ndjson) with { Resume = true };

        var summary = await Run(options);

        Assert.Equal(0, summary.ResumedAfter);
        Assert.Equal(200, summary.Totals.Records);
    }

    [Fact]
    public async Task Run_WithoutResume_StartsOverAndReplacesTheOutputs()
    {
        using var temp = new TempFolder();
        var options = Options.For(temp, Generate(temp, claims: 200), ClaimFileFormat.Ndjson);
        await Run(options);
        var before = Outputs(options);

        await Run(options);

        Assert.Equal(before, Outputs(options));
    }

    [Fact]
    public async Task Resume_InputGrownSinceTheStop_IsRefused()
    {
        using var temp = new TempFolder();
        var input = Generate(temp);
        var options = Options.For(temp, input, ClaimFileFormat.Ndjson) with { BatchSize = 20, CheckpointInterval = TimeSpan.Zero };
        await Interrupt(options, afterRecords: 200);
        File.AppendAllText(input, File.ReadLines(input).First() + "\n");

        var e = await Assert.ThrowsAsync<ClaimFileException>(() => Run(options with { Resume = true }));

        Assert.Contains("the checkpoint", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resume_InputChangedBeforeTheCheckpoint_IsRefused()
    {
        using var temp = new TempFolder();
        var input = Generate(temp);
        var options = Options.For(temp, input, ClaimFileFormat.Ndjson) with { BatchSize = 20, CheckpointInterval = TimeSpan.Zero };
        await Interrupt(options, afterRecords: 200);
        // Same length, other claim ids: the claim at the checkpoint is not the one written.
        File.WriteAllText(input, File.ReadAllText(input).Replace("\"CLM", "\"CLX", StringComparison.Ordinal), new UTF8Encoding(false));

        var e = await Assert.ThrowsAsync<ClaimFileException>(() => Run(options with { Resume = true }));

        Assert.Contains("does not match the interrupted run", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resume_OutputCutShorterThanTheCheckpoint_IsRefused()
    {
        using var temp = new TempFolder();
        var options = Options.For(temp, Generate(temp), ClaimFileFormat.Ndjson) with { BatchSize = 20, CheckpointInterval = TimeSpan.Zero };
        await Interrupt(options, afterRecords: 200);
        using (var results = File.OpenWrite(options.ResultsPath)) results.SetLength(10);

        var e = await Assert.ThrowsAsync<ClaimFileException>(() => Run(options with { Resume = true }));

        Assert.Contains("vouches for", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ManyWorkersAndSmallBatches_KeepInputOrder()
    {
        using var temp = new TempFolder();
        var input = Generate(temp, claims: 1_000);
        var one = Options.For(temp, input, ClaimFileFormat.Ndjson) with { Workers = 1, ResultsPath = temp.File("one.ndjson"), AdjustmentsPath = temp.File("one.csv"), ErrorsPath = temp.File("one.errors") };
        var many = Options.For(temp, input, ClaimFileFormat.Ndjson) with { Workers = 6, BatchSize = 3 };

        await Run(one);
        await Run(many);

        Assert.Equal(Outputs(one), Outputs(many));
    }
}
