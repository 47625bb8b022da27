using System.Globalization;
using System.Text.Json;
using Coverage.Claims.Batch;
using Coverage.Engine.Json;
using Coverage.Engine.Model;
using Coverage.SampleClaims;
using Coverage.Testing;

namespace Coverage.Claims.Tests.Batch;

/// <summary>
/// The acceptance test: a generated 10,000-claim file in each format is adjudicated, and the results,
/// adjustments, errors and counts are checked claim by claim against the evaluator deciding the requests the
/// generator meant (so the readers' mapping is checked too).
/// </summary>
[Trait(Lane.Trait, Lane.Integration)] // adjudicates generated files of 10,000 claims end to end
public class GeneratedFileTests
{
    private const int Claims = 10_000;
    private const int Seed = 7;

    [Theory]
    [InlineData(ClaimFileFormat.X12, "claims.837")]
    [InlineData(ClaimFileFormat.Csv, "claims.csv")]
    [InlineData(ClaimFileFormat.Ndjson, "claims.ndjson")]
    public async Task Adjudicate_Generated10000Claims_MatchesTheEvaluatorInInputOrder(ClaimFileFormat format, string name)
    {
        using var temp = new TempFolder();
        var input = temp.File(name);
        SyntheticClaimFile.Write(input, format, Claims, Seed);
        var options = Options.For(temp, input, format) with
        {
            PlanMap = format == ClaimFileFormat.X12 ? PlanMap.Parse(new StringReader(SyntheticClaims.PlanMapCsv)).Map! : PlanMap.Empty,
        };

        var summary = await new BatchAdjudicator(TestCatalogue.Evaluator, options).RunAsync();

        var generated = SyntheticClaims.Generate(Claims, Seed).ToList();
        var good = generated.Where(c => !c.IsRejectedIn(format)).ToList();
        var bad = generated.Where(c => c.IsRejectedIn(format)).ToList();
        var expected = good.Select(c => TestCatalogue.Evaluator.Evaluate(Read(c.RequestJson(withClinical: format == ClaimFileFormat.Ndjson)))).ToList();

        // One determination per good claim, in input order, exactly what the evaluator says.
        var results = File.ReadAllLines(options.ResultsPath);
        Assert.Equal(expected.Count, results.Length);
        for (var i = 0; i < expected.Count; i++)
            Assert.Equal(DeterminationWriter.ToJson(expected[i], indented: false), results[i]);

        // One adjustment row per line, with the group code, CARC, RARC and policy version of the determination.
        var adjustments = File.ReadAllLines(options.AdjustmentsPath);
        Assert.Equal(ResultFormats.AdjustmentsHeader, adjustments[0]);
        Assert.Equal(expected.SelectMany(AdjustmentRows), adjustments.Skip(1));

        // One error record per planted defect (and, in an 837P, per claim without its required diagnosis), in input order, each saying where and why.
        var errors = File.ReadAllLines(options.ErrorsPath).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(bad.Select(c => c.ClaimId), errors.Select(e => e.GetProperty("claimId").GetString()));
        Assert.Equal(bad.Select(c => (long)generated.IndexOf(c) + 1), errors.Select(e => e.GetProperty("record").GetInt64()));
        var unit = format == ClaimFileFormat.X12 ? "segment" : "line";
        Assert.All(errors, e =>
        {
            Assert.True(e.GetProperty(unit).GetInt64() > 0);
            Assert.False(string.IsNullOrWhiteSpace(e.GetProperty("reason").GetString()));
        });

        var totals = summary.Totals;
        Assert.Equal((long)Claims, totals.Records);
        Assert.Equal(good.Count, totals.Claims);
        Assert.Equal(bad.Count, totals.Rejected);
        Assert.Equal(expected.Sum(d => d.Lines.Count), totals.Lines);
        foreach (var outcome in Enum.GetValues<LineOutcome>())
            Assert.Equal(expected.SelectMany(d => d.Lines).Count(l => l.Outcome == outcome), totals[outcome]);
        foreach (var outcome in Enum.GetValues<RequestOutcome>())
            Assert.Equal(expected.Count(d => d.Outcome == outcome), totals[outcome]);
    }

    [Fact]
    public void Generate_TheMix_HasEveryLineOutcomeAndEveryDefect()
    {
        var generated = SyntheticClaims.Generate(Claims, Seed).ToList();
        var outcomes = generated.Where(c => c.Defect == SyntheticDefect.None)
            .SelectMany(c => TestCatalogue.Evaluator.Evaluate(Read(c.RequestJson(withClinical: true))).Lines)
            .Select(l => l.Outcome).ToHashSet();

        // Every outcome of the repository's catalogue: policy 0540 finds nothing investigational or not covered.
        Assert.Equal(Enum.GetValues<LineOutcome>().Except([LineOutcome.ExperimentalInvestigationalUnproven, LineOutcome.NotCovered]).ToHashSet(), outcomes);
        Assert.Equal(Enum.GetValues<SyntheticDefect>().ToHashSet(), generated.Select(c => c.Defect).ToHashSet());
    }

    private static CoverageRequest Read(string json)
    {
        var read = RequestReader.Read(json, TestCatalogue.Catalogue);
        Assert.True(read.IsValid, string.Join("; ", read.Errors));
        return read.Request!;
    }

    private static string Csv(string value) => value.Contains(',', StringComparison.Ordinal) || value.Contains('"', StringComparison.Ordinal)
        ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    private static IEnumerable<string> AdjustmentRows(Determination determination) =>
        determination.Lines.Select(line =>
        {
            var carc = line.ReasonCodes.SingleOrDefault(r => r.System == "CARC");
            var rarc = line.ReasonCodes.SingleOrDefault(r => r.System == "RARC");
            return string.Join(',',
                determination.RequestId, line.Sequence.ToString(CultureInfo.InvariantCulture), line.Code, line.Outcome.ToWire(),
                carc?.Group ?? "", carc?.Code ?? "", rarc?.Code ?? "",
                line.Outcome == LineOutcome.NotAddressed ? "" : line.Policy?.Id ?? "", line.Outcome == LineOutcome.NotAddressed ? "" : line.Policy?.Version ?? "",
                line.RequiresPhysicianReview ? "true" : "false", Csv(line.RelatedPolicy ?? ""), "original", "");
        });
}

/// <summary>Batch options writing every output into a test's own folder.</summary>
internal static class Options
{
    public static BatchOptions For(TempFolder temp, string input, ClaimFileFormat format) => new()
    {
        InputPath = input,
        Format = format,
        ResultsPath = temp.File("results.ndjson"),
        AdjustmentsPath = temp.File("results.adjustments.csv"),
        ErrorsPath = temp.File("results.errors.ndjson"),
    };
}
