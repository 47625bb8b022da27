using System.Text;
using System.Text.Json;
using Coverage.Claims.Batch;

namespace Coverage.Claims.Tests.Batch;

/// <summary>
/// A batch is handed on at <see cref="BatchOptions.BatchSize"/> claims or <see cref="BatchOptions.MaxBatchLines"/> lines,
/// whichever comes first: what a batch holds until it is written (its determinations, some kilobytes a line) grows with
/// its lines. 256 claims of 50 denied lines made batches of 130 MB, and a run of a gigabyte.
/// </summary>
public class BatchLinesTests
{
    [Fact]
    public async Task LargeRequests_AreBatchedByTheirLines_AndWrittenInInputOrder()
    {
        using var temp = new TempFolder();
        var input = temp.File("requests.ndjson");
        // Requests of about 10 estimated lines each (1,300 bytes), none with a request id: rejected records without a
        // claim id, which the errors file (nothing in full here) writes as one range per run, a run ending with its batch.
        File.WriteAllText(input, string.Concat(Enumerable.Range(1, 12).Select(i => $"{{\"note\":\"{new string('x', 1_300)}\"}}\n")), new UTF8Encoding(false));
        var options = Options.For(temp, input, ClaimFileFormat.Ndjson) with { MaxErrorsInFull = 0, MaxBatchLines = 30 };

        var summary = await new BatchAdjudicator(TestCatalogue.Evaluator, options).RunAsync();

        Assert.Equal(12, summary.Totals.Rejected);
        var ranges = File.ReadLines(options.ErrorsPath).Select(l => JsonDocument.Parse(l).RootElement)
            .Select(r => (r.GetProperty("record").GetInt64(), r.GetProperty("toRecord").GetInt64())).ToList();
        Assert.Equal([(1, 3), (4, 6), (7, 9), (10, 12)], ranges);
    }

    [Fact]
    public void TheDefault_LeavesClaimsOfAFewLinesInBatchesOfTheirCount()
    {
        var options = new BatchOptions { InputPath = "in", Format = ClaimFileFormat.X12, ResultsPath = "r", AdjustmentsPath = "a", ErrorsPath = "e" };

        // The generated files average about two lines a claim: 256 claims are some 530 lines.
        Assert.True(options.BatchSize * 4 <= options.MaxBatchLines);
    }
}
