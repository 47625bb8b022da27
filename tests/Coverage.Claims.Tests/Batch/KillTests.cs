using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Coverage.Claims.Batch;
using Coverage.SampleClaims;
using Coverage.Testing;
using Coverage.Engine.Text;

namespace Coverage.Claims.Tests.Batch;

/// <summary>
/// The issue's crash test: the real `coverage adjudicate` program is killed (SIGKILL, the whole process tree)
/// while it writes, then run again with --resume; every claim must then be in the outputs exactly once, in
/// input order, and the adjustments must agree with the determinations.
/// </summary>
[Trait(Lane.Trait, Lane.Integration)] // runs the real `coverage` program and kills it
public class KillTests
{
    // Large enough that the run is still writing well after its first checkpoint (250 ms): at about 200,000 lines
    // a second on 2 cores, 30,000 claims were sometimes all written before the kill could land.
    private const int Claims = 150_000;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Adjudicate_KilledMidwayThenResumed_HasEveryClaimExactlyOnce()
    {
        using var temp = new TempFolder();
        var input = temp.File("claims.837");
        SyntheticClaimFile.Write(input, ClaimFileFormat.X12, Claims, seed: 5);
        var planMap = temp.File("plan-map.csv");
        File.WriteAllText(planMap, SyntheticClaims.PlanMapCsv);
        var results = temp.File("results.ndjson");
        string[] arguments = ["adjudicate", input, "--out", results, "--plan-map", planMap];

        using (var first = Start(arguments))
        {
            // Kill once a checkpoint vouches for some claims: the run is then well under way, and still writing.
            var watch = Stopwatch.StartNew();
            while (CheckpointRecords(results + ".checkpoint") == 0 && !first.Process.HasExited && watch.Elapsed < Patience) await Task.Delay(5);
            first.Process.Kill(entireProcessTree: true);
            await first.Process.WaitForExitAsync();
            Assert.True(first.Process.ExitCode == 137, $"the run ended before it could be killed (exit {first.Process.ExitCode}): {await first.Output}");
        }
        var checkpointed = CheckpointRecords(results + ".checkpoint");
        Assert.InRange(checkpointed, 1, Claims - 1);

        using var second = Start([.. arguments, "--resume"]);
        using (var patience = new CancellationTokenSource(Patience)) await second.Process.WaitForExitAsync(patience.Token);
        var summary = await second.Output;
        Assert.Equal(1, second.Process.ExitCode); // the generated file plants bad records
        Assert.Contains($"resumed after {checkpointed.ToString("N0", CultureInfo.InvariantCulture)} records", summary, StringComparison.Ordinal);

        // Every claim exactly once, in input order: decided ones in the results, bad ones in the errors.
        var generated = SyntheticClaims.Generate(Claims, seed: 5).ToList();
        var determinations = File.ReadLines(results).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var errors = File.ReadLines(temp.File("results.errors.ndjson")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(generated.Where(c => !c.IsRejectedIn(ClaimFileFormat.X12)).Select(c => c.ClaimId), determinations.Select(d => d.GetProperty("requestId").GetString()));
        Assert.Equal(generated.Where(c => c.IsRejectedIn(ClaimFileFormat.X12)).Select(c => c.ClaimId), errors.Select(e => e.GetProperty("claimId").GetString()));

        // The adjustments are the determinations' lines, one row each, in the same order.
        var adjustments = File.ReadLines(temp.File("results.adjustments.csv")).ToList();
        Assert.Equal(ResultFormats.AdjustmentsHeader, adjustments[0]);
        Assert.Equal(determinations.SelectMany(Rows), adjustments.Skip(1));
    }

    private static IEnumerable<string> Rows(JsonElement determination) =>
        determination.GetProperty("lines").EnumerateArray().Select(line =>
        {
            var reasons = line.GetProperty("reasonCodes").EnumerateArray().ToList();
            var carc = reasons.FirstOrDefault(r => r.GetProperty("system").GetString() == "CARC");
            var rarc = reasons.FirstOrDefault(r => r.GetProperty("system").GetString() == "RARC");
            // A not-addressed line names no policy in its row, and the related resource that addresses it, if any.
            var policy = line.GetProperty("outcome").GetString() == "not-addressed" ? default : line.GetProperty("policy");
            var related = line.TryGetProperty("relatedPolicy", out var r) && r.ValueKind == JsonValueKind.String ? CsvField.Of(r.GetString()!) : "";
            return string.Join(',',
                determination.GetProperty("requestId").GetString(),
                line.GetProperty("sequence").GetInt32().ToString(CultureInfo.InvariantCulture),
                line.GetProperty("code").GetString(),
                line.GetProperty("outcome").GetString(),
                carc.ValueKind == JsonValueKind.Object ? carc.GetProperty("group").GetString() : "",
                carc.ValueKind == JsonValueKind.Object ? carc.GetProperty("code").GetString() : "",
                rarc.ValueKind == JsonValueKind.Object ? rarc.GetProperty("code").GetString() : "",
                policy.ValueKind == JsonValueKind.Object ? policy.GetProperty("id").GetString() : "",
                policy.ValueKind == JsonValueKind.Object ? policy.GetProperty("version").GetString() : "",
                line.GetProperty("requiresPhysicianReview").GetBoolean() ? "true" : "false",
                related, "original", "");
        });

    private static long CheckpointRecords(string path)
    {
        try
        {
            using var checkpoint = JsonDocument.Parse(File.ReadAllBytes(path));
            return checkpoint.RootElement.GetProperty("records").GetInt64();
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return 0; // not written yet
        }
    }

    private sealed record Running(Process Process, Task<string> Output) : IDisposable
    {
        public void Dispose()
        {
            if (!Process.HasExited) Process.Kill(entireProcessTree: true);
            Process.Dispose();
        }
    }

    /// <summary>Starts the built `coverage` program (src/Coverage.Cli, same configuration as the tests) as a process of its own.</summary>
    private static Running Start(string[] arguments)
    {
        var configuration = typeof(KillTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var program = Path.Combine(TestCatalogue.RepositoryRoot, "src", "Coverage.Cli", "bin", configuration, "net10.0", "coverage.dll");
        Assert.True(File.Exists(program), $"the coverage program is not built at {program}");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(program);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        return new Running(process, Task.WhenAll(stdout, stderr).ContinueWith(_ => stdout.Result + stderr.Result, TaskScheduler.Default));
    }
}
