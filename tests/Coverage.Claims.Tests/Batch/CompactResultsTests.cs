using System.Buffers;
using System.Text.Json;
using Coverage.Claims.Batch;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;
using Coverage.Engine.Model;
using Coverage.SampleClaims;
using Coverage.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Coverage.Claims.Tests.Batch;

/// <summary>
/// `adjudicate --results compact` (issue 14, finding 11): per claim what a claims system acts on, under the full
/// determination's names, without its texts; checked field by field against the evaluator, for size against the
/// full results of the same file, and for resume (a run is resumed only in the mode it was started in).
/// </summary>
[Trait(Lane.Trait, Lane.Integration)] // adjudicates generated files of thousands of claims end to end
public class CompactResultsTests
{
    private const int Claims = 10_000;
    private const int Seed = 7;

    /// <summary>The properties a compact determination has, in order, and those of each of its lines (factsNeeded only when present).</summary>
    private static readonly string[] ClaimProperties =
        ["requestId", "outcome", "requiresPhysicianReview", "evaluatedAt", "engineVersion", "catalogueDigest", "lines", "warnings"];
    private static readonly string[] LineProperties =
        ["sequence", "code", "outcome", "policy", "relatedPolicy", "reasonCodes", "requiresPhysicianReview", "informationNeeded"];

    [Theory]
    [InlineData(ClaimFileFormat.X12, "claims.837")]
    [InlineData(ClaimFileFormat.Ndjson, "claims.ndjson")]
    public async Task Adjudicate_Compact_MatchesTheEvaluatorFieldByField(ClaimFileFormat format, string name)
    {
        using var temp = new TempFolder();
        var input = temp.File(name);
        SyntheticClaimFile.Write(input, format, Claims, Seed);
        var options = Options.For(temp, input, format) with { Results = ResultsMode.Compact, PlanMap = PlanMapFor(format) };

        await new BatchAdjudicator(TestCatalogue.Evaluator, options).RunAsync();

        var expected = SyntheticClaims.Generate(Claims, Seed).Where(c => !c.IsRejectedIn(format))
            .Select(c => TestCatalogue.Evaluator.Evaluate(Read(c.RequestJson(withClinical: format == ClaimFileFormat.Ndjson), TestCatalogue.Catalogue)))
            .ToList();
        var results = File.ReadAllLines(options.ResultsPath);
        Assert.Equal(expected.Count, results.Length);
        for (var i = 0; i < expected.Count; i++) AssertCompact(expected[i], results[i]);
        // The adjustments and errors do not depend on the results mode.
        Assert.Equal(expected.Sum(d => d.Lines.Count) + 1, File.ReadAllLines(options.AdjustmentsPath).Length);
    }

    [Fact]
    public void Compact_OfALineNeedingFacts_CarriesFactsNeededAsTheFullDeterminationDoes()
    {
        var root = Path.Combine(TestCatalogue.RepositoryRoot, "catalogues", "with-related-resources");
        var catalogue = CatalogueLoader.Load(root);
        var evaluator = new Evaluator(catalogue, new FakeTimeProvider(TestCatalogue.FixedNow));
        var determination = evaluator.Evaluate(Read(File.ReadAllText(Path.Combine(root, "samples", "hifu-needs-information.json")), catalogue));
        Assert.Contains(determination.Lines, l => l.FactsNeeded.Count > 0);

        var compact = Compact(determination);

        AssertCompact(determination, compact);
        using var full = JsonDocument.Parse(DeterminationWriter.ToJson(determination, indented: false));
        using var parsed = JsonDocument.Parse(compact);
        for (var i = 0; i < determination.Lines.Count; i++)
        {
            var fullLine = full.RootElement.GetProperty("lines")[i];
            var compactLine = parsed.RootElement.GetProperty("lines")[i];
            Assert.Equal(fullLine.TryGetProperty("factsNeeded", out var f) ? f.GetRawText() : null,
                compactLine.TryGetProperty("factsNeeded", out var c) ? c.GetRawText() : null);
        }
    }

    [Fact]
    public async Task Compact_PerClaim_IsAFractionOfFull()
    {
        using var temp = new TempFolder();
        var input = temp.File("claims.837");
        SyntheticClaimFile.Write(input, ClaimFileFormat.X12, 3_000, Seed);
        var full = Options.For(temp, input, ClaimFileFormat.X12) with { PlanMap = PlanMapFor(ClaimFileFormat.X12) };
        var compact = full with
        {
            Results = ResultsMode.Compact,
            ResultsPath = temp.File("compact.ndjson"), AdjustmentsPath = temp.File("compact.csv"), ErrorsPath = temp.File("compact.errors"),
        };
        await new BatchAdjudicator(TestCatalogue.Evaluator, full).RunAsync();
        await new BatchAdjudicator(TestCatalogue.Evaluator, compact).RunAsync();

        var (fullAll, fullPolicy) = Sizes(full.ResultsPath);
        var (compactAll, compactPolicy) = Sizes(compact.ResultsPath);

        // Measured (docs/batch.md): about 2.6 KB against 0.7 KB a claim overall, 5.6 KB against 0.65 KB on claims a
        // policy decided. The margins leave room for other catalogues and generator changes.
        Assert.True(compactAll * 3 < fullAll, $"compact {compactAll:F0} B a claim, full {fullAll:F0} B");
        Assert.True(compactPolicy * 6 < fullPolicy, $"compact {compactPolicy:F0} B a policy claim, full {fullPolicy:F0} B");
        Assert.Equal(File.ReadAllText(full.AdjustmentsPath), File.ReadAllText(compact.AdjustmentsPath));
    }

    [Theory]
    [InlineData(ResultsMode.Full, ResultsMode.Compact)]
    [InlineData(ResultsMode.Compact, ResultsMode.Full)]
    public async Task Resume_InAnotherResultsMode_IsRefused(ResultsMode started, ResultsMode resumed)
    {
        using var temp = new TempFolder();
        var input = temp.File("claims.ndjson");
        SyntheticClaimFile.Write(input, ClaimFileFormat.Ndjson, 3_000, seed: 11);
        var options = Options.For(temp, input, ClaimFileFormat.Ndjson) with { Results = started, BatchSize = 20, CheckpointInterval = TimeSpan.Zero };
        await Interrupt(options, afterRecords: 200);
        var before = File.ReadAllBytes(options.ResultsPath);

        var e = await Assert.ThrowsAsync<ClaimFileException>(() =>
            new BatchAdjudicator(TestCatalogue.Evaluator, options with { Results = resumed, Resume = true }).RunAsync());

        Assert.Contains($"wrote {started.ToWire()} results", e.Message, StringComparison.Ordinal);
        Assert.Contains($"--results {started.ToWire()}", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(options.ResultsPath));
    }

    [Fact]
    public async Task Resume_Compact_WritesWhatAnUninterruptedCompactRunWrites()
    {
        using var temp = new TempFolder();
        var input = temp.File("claims.837");
        SyntheticClaimFile.Write(input, ClaimFileFormat.X12, 3_000, seed: 11);
        var reference = Options.For(temp, input, ClaimFileFormat.X12) with
        {
            Results = ResultsMode.Compact,
            ResultsPath = temp.File("reference.ndjson"), AdjustmentsPath = temp.File("reference.csv"), ErrorsPath = temp.File("reference.errors"),
        };
        await new BatchAdjudicator(TestCatalogue.Evaluator, reference).RunAsync();
        var options = Options.For(temp, input, ClaimFileFormat.X12) with { Results = ResultsMode.Compact, BatchSize = 20, CheckpointInterval = TimeSpan.Zero };

        await Interrupt(options, afterRecords: 500);
        File.AppendAllText(options.ResultsPath, "{\"requestId\":\"CLM00");
        var resumed = await new BatchAdjudicator(TestCatalogue.Evaluator, options with { Resume = true }).RunAsync();

        Assert.True(resumed.ResumedAfter > 0);
        Assert.Equal(File.ReadAllText(reference.ResultsPath), File.ReadAllText(options.ResultsPath));
        Assert.Equal(File.ReadAllText(reference.AdjustmentsPath), File.ReadAllText(options.AdjustmentsPath));
    }

    [Fact]
    public async Task Resume_CheckpointFromBeforeResultsModes_IsTakenAsFull()
    {
        using var temp = new TempFolder();
        var input = temp.File("claims.ndjson");
        SyntheticClaimFile.Write(input, ClaimFileFormat.Ndjson, 200, seed: 11);
        var options = Options.For(temp, input, ClaimFileFormat.Ndjson);
        await new BatchAdjudicator(TestCatalogue.Evaluator, options).RunAsync();
        var checkpoint = options.EffectiveCheckpointPath;
        File.WriteAllLines(checkpoint, File.ReadAllLines(checkpoint).Where(l => !l.Contains("\"resultsMode\"", StringComparison.Ordinal)));

        var full = await new BatchAdjudicator(TestCatalogue.Evaluator, options with { Resume = true }).RunAsync();
        await Assert.ThrowsAsync<ClaimFileException>(() =>
            new BatchAdjudicator(TestCatalogue.Evaluator, options with { Resume = true, Results = ResultsMode.Compact }).RunAsync());

        Assert.True(full.AlreadyComplete);
    }

    /// <summary>Checks a compact determination against the determination it was written from, field by field, and that it holds nothing else.</summary>
    private static void AssertCompact(Determination expected, string compact)
    {
        using var document = JsonDocument.Parse(compact);
        var claim = document.RootElement;
        Assert.Equal(ClaimProperties, claim.EnumerateObject().Select(p => p.Name));
        Assert.Equal(expected.RequestId, claim.GetProperty("requestId").GetString());
        Assert.Equal(expected.Outcome.ToWire(), claim.GetProperty("outcome").GetString());
        Assert.Equal(expected.RequiresPhysicianReview, claim.GetProperty("requiresPhysicianReview").GetBoolean());
        Assert.Equal(expected.EvaluatedAt, claim.GetProperty("evaluatedAt").GetDateTimeOffset());
        Assert.Equal(expected.EngineVersion, claim.GetProperty("engineVersion").GetString());
        Assert.Equal(expected.CatalogueDigest, claim.GetProperty("catalogueDigest").GetString());
        Assert.Equal(expected.Warnings, claim.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()));

        var lines = claim.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(expected.Lines.Count, lines.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            var want = expected.Lines[i];
            var line = lines[i];
            Assert.Equal(want.FactsNeeded.Count > 0 ? [.. LineProperties, "factsNeeded"] : LineProperties, line.EnumerateObject().Select(p => p.Name));
            Assert.Equal(want.Sequence, line.GetProperty("sequence").GetInt32());
            Assert.Equal(want.Code, line.GetProperty("code").GetString());
            Assert.Equal(want.Outcome.ToWire(), line.GetProperty("outcome").GetString());
            var policy = line.GetProperty("policy");
            if (want.Outcome == LineOutcome.NotAddressed || want.Policy is null) Assert.Equal(JsonValueKind.Null, policy.ValueKind);
            else
            {
                Assert.Equal(["id", "version"], policy.EnumerateObject().Select(p => p.Name));
                Assert.Equal(want.Policy.Id, policy.GetProperty("id").GetString());
                Assert.Equal(want.Policy.Version, policy.GetProperty("version").GetString());
            }
            Assert.Equal(want.RelatedPolicy, line.GetProperty("relatedPolicy").GetString());
            Assert.Equal(want.ReasonCodes.Select(r => ((string?)r.System, (string?)r.Code, r.Group)),
                line.GetProperty("reasonCodes").EnumerateArray().Select(r =>
                    (r.GetProperty("system").GetString(), r.GetProperty("code").GetString(), r.TryGetProperty("group", out var g) ? g.GetString() : null)));
            Assert.Equal(want.RequiresPhysicianReview, line.GetProperty("requiresPhysicianReview").GetBoolean());
            Assert.Equal(want.InformationNeeded, line.GetProperty("informationNeeded").EnumerateArray().Select(n => n.GetString()));
            if (want.FactsNeeded.Count > 0)
                Assert.Equal(want.FactsNeeded.Select(f => f.Fact), line.GetProperty("factsNeeded").EnumerateArray().Select(f => f.GetProperty("fact").GetString()));
        }
    }

    private static string Compact(Determination determination)
    {
        var output = new ArrayBufferWriter<byte>();
        using var json = new Utf8JsonWriter(output, ResultFormats.Compact);
        ResultFormats.WriteResult(json, output, determination, ResultsMode.Compact);
        return System.Text.Encoding.UTF8.GetString(output.WrittenSpan).TrimEnd('\n');
    }

    /// <summary>Bytes a claim: over every claim, and over the claims with a line some policy, plan or mandate decided.</summary>
    private static (double All, double Policy) Sizes(string results)
    {
        var lines = File.ReadAllLines(results);
        var policy = lines.Where(l => JsonDocument.Parse(l).RootElement.GetProperty("lines").EnumerateArray()
            .Any(line => line.GetProperty("outcome").GetString() != "not-addressed")).ToList();
        Assert.NotEmpty(policy);
        return (lines.Average(l => System.Text.Encoding.UTF8.GetByteCount(l) + 1), policy.Average(l => System.Text.Encoding.UTF8.GetByteCount(l) + 1));
    }

    private static PlanMap PlanMapFor(ClaimFileFormat format) =>
        format == ClaimFileFormat.X12 ? PlanMap.Parse(new StringReader(SyntheticClaims.PlanMapCsv)).Map! : PlanMap.Empty;

    private static CoverageRequest Read(string json, PolicyCatalogue catalogue)
    {
        var read = RequestReader.Read(json, catalogue);
        Assert.True(read.IsValid, string.Join("; ", read.Errors));
        return read.Request!;
    }

    private static async Task Interrupt(BatchOptions options, long afterRecords)
    {
        using var stop = new CancellationTokenSource();
        var adjudicator = new BatchAdjudicator(TestCatalogue.Evaluator, options);
        var run = adjudicator.RunAsync(stop.Token);
        while (!run.IsCompleted && adjudicator.Progress.Records < afterRecords) await Task.Delay(1);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }
}
