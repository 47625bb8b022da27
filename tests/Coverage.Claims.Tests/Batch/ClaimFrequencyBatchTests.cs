using System.Text.Json;
using Coverage.Claims.Batch;
using static Coverage.Claims.Tests.X12.X12Text;

namespace Coverage.Claims.Tests.Batch;

/// <summary>
/// Voids, replacements and encounters in a batch (issue 14, finding 5): a void is recorded and not decided; a
/// replacement is decided and its adjustment rows name the payer's claim it supersedes; an encounter is reported,
/// not decided for payment, unless the run is told to decide encounters.
/// </summary>
public class ClaimFrequencyBatchTests
{
    private static string File837()
    {
        var original = Claim("ORIG");
        var replacement = Claim("REPL").Replace("***11:B:1*", "***11:B:7*", StringComparison.Ordinal).Replace("~HI*", "~REF*F8*PCN-0042~HI*", StringComparison.Ordinal);
        var @void = Claim("VOID").Replace("***11:B:1*", "***11:B:8*", StringComparison.Ordinal).Replace("~HI*", "~REF*F8*PCN-0043~HI*", StringComparison.Ordinal);
        var encounter = Transaction("0002", Provider, Subscriber(), Claim("ENC"))
            .Replace("BHT*0019*00*B1*20261124*1200*CH~", "BHT*0019*00*B1*20261124*1200*RP~", StringComparison.Ordinal);
        return Interchange("000000001", Group("1", Transaction("0001", Provider, Subscriber(), original, replacement, @void), encounter));
    }

    private static async Task<(List<JsonElement> Results, string[] Adjustments, BatchTotals Totals)> Run(bool adjudicateEncounters = false)
    {
        using var temp = new TempFolder();
        var input = temp.File("claims.837");
        System.IO.File.WriteAllText(input, File837());
        var options = Options.For(temp, input, ClaimFileFormat.X12) with { AdjudicateEncounters = adjudicateEncounters };

        var summary = await new BatchAdjudicator(TestCatalogue.Evaluator, options).RunAsync();

        var results = System.IO.File.ReadAllLines(options.ResultsPath).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        return (results, System.IO.File.ReadAllLines(options.AdjustmentsPath), summary.Totals);
    }

    [Fact]
    public async Task Void_IsRecordedAndNotDecided()
    {
        var (results, adjustments, totals) = await Run();

        var @void = results.Single(r => r.GetProperty("requestId").GetString() == "VOID");
        Assert.Equal("void", @void.GetProperty("claimFrequency").GetString());
        Assert.Equal("PCN-0043", @void.GetProperty("originalClaim").GetString());
        Assert.False(@void.GetProperty("decided").GetBoolean());
        Assert.False(@void.TryGetProperty("lines", out _));
        Assert.DoesNotContain(adjustments, row => row.StartsWith("VOID,", StringComparison.Ordinal));
        Assert.Equal(1, totals.Voided);
    }

    [Fact]
    public async Task Replacement_IsDecidedAndItsRowsNameTheClaimItSupersedes()
    {
        var (results, adjustments, _) = await Run();

        Assert.True(results.Single(r => r.GetProperty("requestId").GetString() == "REPL").TryGetProperty("lines", out _));
        var row = Assert.Single(adjustments, r => r.StartsWith("REPL,", StringComparison.Ordinal));
        Assert.EndsWith(",replacement,PCN-0042", row, StringComparison.Ordinal);
        Assert.EndsWith(",original,", Assert.Single(adjustments, r => r.StartsWith("ORIG,", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Encounter_IsReportedNotDecided_UnlessTheRunDecidesEncounters()
    {
        var (results, adjustments, totals) = await Run();
        var encounter = results.Single(r => r.GetProperty("requestId").GetString() == "ENC");
        Assert.True(encounter.GetProperty("encounter").GetBoolean());
        Assert.False(encounter.GetProperty("decided").GetBoolean());
        Assert.DoesNotContain(adjustments, row => row.StartsWith("ENC,", StringComparison.Ordinal));
        Assert.Equal((1, 2), (totals.Encounters, totals.Claims));

        var (decided, decidedAdjustments, decidedTotals) = await Run(adjudicateEncounters: true);
        Assert.True(decided.Single(r => r.GetProperty("requestId").GetString() == "ENC").TryGetProperty("lines", out _));
        Assert.Contains(decidedAdjustments, row => row.StartsWith("ENC,", StringComparison.Ordinal));
        Assert.Equal((0, 3), (decidedTotals.Encounters, decidedTotals.Claims));
    }
}
