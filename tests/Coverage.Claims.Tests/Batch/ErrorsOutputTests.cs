using System.Buffers;
using System.Text;
using System.Text.Json;
using Coverage.Claims.Batch;
using Coverage.Claims.Tests.X12;
using Coverage.Testing;

namespace Coverage.Claims.Tests.Batch;

/// <summary>
/// The errors file stays within a small multiple of its input (<see cref="ErrorsOutput"/>): the first rejected records
/// in full, then each rejected claim by its number, claim id and position, and each run of rejected records without a
/// claim id as one line. Every rejected record stays identifiable. 210 MB of malformed segments, each three bytes of
/// input and a 300-byte line of errors, once wrote a 21.6 GB errors file.
/// </summary>
public sealed class ErrorsOutputTests
{
    private static Rejection At(long record, string? claimId, int start = 0, int length = 0) =>
        new(record, claimId, RecordPosition.Segment(record + 10), start, length);

    private static List<string> Write(ErrorsOutput errors, byte[] full, params Rejection[] rejections)
    {
        var output = new ArrayBufferWriter<byte>();
        using var json = new Utf8JsonWriter(new ArrayBufferWriter<byte>());
        errors.Write(output, json, full, rejections);
        return [.. Encoding.UTF8.GetString(output.WrittenSpan).Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    [Fact]
    public void PastTheRecordsInFull_ClaimsAreBriefAndRunsWithoutAnIdAreRanges()
    {
        var full = "{\"record\":1,\"full\":true}\n{\"record\":2,\"full\":true}\n"u8.ToArray();
        var errors = new ErrorsOutput(inFull: 0, bytes: 0, maxInFull: 2, maxBytesInFull: 1 << 20);

        var lines = Write(errors, full,
            At(1, "C1", 0, 25), At(2, null, 25, 25),
            At(3, null), At(4, null), At(5, "C5"), At(6, null), At(8, null), At(9, null));

        Assert.Equal(
        [
            "{\"record\":1,\"full\":true}",
            "{\"record\":2,\"full\":true}",
            "{\"record\":3,\"claimId\":null,\"segment\":13,\"toRecord\":4,\"toSegment\":14}",
            "{\"record\":5,\"claimId\":\"C5\",\"segment\":15}",
            "{\"record\":6,\"claimId\":null,\"segment\":16,\"toRecord\":6,\"toSegment\":16}",
            // Record 7 was decided: the run stops before it.
            "{\"record\":8,\"claimId\":null,\"segment\":18,\"toRecord\":9,\"toSegment\":19}",
        ], lines);
        Assert.Equal(2, errors.InFull);
        Assert.Equal(lines.Sum(l => l.Length + 1), errors.Bytes);
    }

    [Fact]
    public void TheBytesInFull_AreBoundedToo()
    {
        var full = Encoding.UTF8.GetBytes(new string('x', 99) + "\n");
        // A file already 150 bytes long: one more in full takes it past 200, and the next is brief.
        var errors = new ErrorsOutput(inFull: 1, bytes: 150, maxInFull: 1_000, maxBytesInFull: 200);

        var lines = Write(errors, full, At(2, "C2", 0, 100), At(3, "C3", 0, 100));

        Assert.Equal(new string('x', 99), lines[0]);
        Assert.Equal("{\"record\":3,\"claimId\":\"C3\",\"segment\":13}", lines[1]);
        Assert.Equal(2, errors.InFull);
    }

    /// <summary>
    /// An 837P of one transaction set holding <paramref name="malformed"/> malformed segments (each a rejected record of
    /// its own, outside any subscriber loop), then claims without lines.
    /// </summary>
    private static string Garbage(int malformed, int claims) =>
        X12Text.File(string.Concat(Enumerable.Repeat("N@~", malformed)),
            X12Text.Subscriber() + string.Concat(Enumerable.Range(1, claims).Select(i => $"CLM*X{i}*1***11:B:1~")));

    private static IEnumerable<long> RecordsNamed(string errorsFile)
    {
        foreach (var line in File.ReadLines(errorsFile))
        {
            var error = JsonDocument.Parse(line).RootElement;
            var first = error.GetProperty("record").GetInt64();
            var last = error.TryGetProperty("toRecord", out var to) ? to.GetInt64() : first;
            for (var record = first; record <= last; record++) yield return record;
        }
    }

    [Fact]
    public async Task AFileOfMalformedSegments_WritesErrorsProportionalToIt_AndNamesEveryRejectedRecord()
    {
        using var temp = new TempFolder();
        var input = temp.File("garbage.837");
        File.WriteAllText(input, Garbage(malformed: 30_000, claims: 2_000));
        var options = Options.For(temp, input, ClaimFileFormat.X12) with { MaxErrorsInFull = 100 };

        var summary = await new BatchAdjudicator(TestCatalogue.Evaluator, options).RunAsync();

        // Before the bound: about 300 bytes of errors for each 3-byte "N@~", a hundred times the input.
        var rejected = summary.Totals.Rejected;
        Assert.Equal(32_000, rejected);
        Assert.Equal(100, summary.ErrorsInFull);
        Assert.True(new FileInfo(options.ErrorsPath).Length < 2 * new FileInfo(input).Length,
            $"errors {new FileInfo(options.ErrorsPath).Length} bytes, input {new FileInfo(input).Length}");
        // Every rejected record once, in input order; every claim by its id.
        Assert.Equal(Enumerable.Range(1, (int)rejected).Select(r => (long)r), RecordsNamed(options.ErrorsPath));
        var ids = File.ReadLines(options.ErrorsPath).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("claimId").GetString()).Where(id => id is not null).ToList();
        Assert.Equal(Enumerable.Range(1, 2_000).Select(i => $"X{i}"), ids);
    }

    [Fact]
    [Trait(Lane.Trait, Lane.Integration)] // 40,000 records twice, with a checkpoint every 50
    public async Task AResumedRun_WritesTheErrorsAnUninterruptedOneWrites()
    {
        using var temp = new TempFolder();
        var input = temp.File("garbage.837");
        File.WriteAllText(input, Garbage(malformed: 20_000, claims: 20_000));
        var reference = Options.For(temp, input, ClaimFileFormat.X12) with
        {
            MaxErrorsInFull = 5_000, BatchSize = 50,
            ResultsPath = temp.File("reference.ndjson"), AdjustmentsPath = temp.File("reference.csv"), ErrorsPath = temp.File("reference.errors"),
        };
        await new BatchAdjudicator(TestCatalogue.Evaluator, reference).RunAsync();
        var options = Options.For(temp, input, ClaimFileFormat.X12) with { MaxErrorsInFull = 5_000, BatchSize = 50, CheckpointInterval = TimeSpan.Zero };

        // Stopped after the records in full, resumed: the count in full and the file's length come from the checkpoint.
        using (var stop = new CancellationTokenSource())
        {
            var adjudicator = new BatchAdjudicator(TestCatalogue.Evaluator, options);
            var run = adjudicator.RunAsync(stop.Token);
            while (!run.IsCompleted && adjudicator.Progress.Records < 8_000) await Task.Delay(1);
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        }
        var resumed = await new BatchAdjudicator(TestCatalogue.Evaluator, options with { Resume = true }).RunAsync();

        Assert.InRange(resumed.ResumedAfter, 5_001, 39_999);
        Assert.Equal(5_000, resumed.ErrorsInFull);
        Assert.Equal(File.ReadAllText(reference.ErrorsPath), File.ReadAllText(options.ErrorsPath));
    }
}
