using System.Diagnostics;
using Coverage.Cases;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Model;
using Coverage.Engine.Json;
using Coverage.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Coverage.Benchmarks;

/// <summary>
/// The store's part of a submission, without HTTP: new cases submitted through <see cref="CaseService"/> (evaluated,
/// then durably written by the new-case writer's group commit) to a SQLite file in WAL mode, configured as the server
/// configures its store, <c>CONCURRENCY</c> submitters at a time (1: each case its own transaction, as at a low steady
/// rate). The `case-commits` command: the process's CPU time per case, after a warm-up, not counted, of
/// <see cref="WarmUpCases"/> cases or as many as are measured, whichever is more; nothing is reported unless every case
/// submitted is stored.
/// </summary>
public static class CaseCommits
{
    /// <summary>
    /// Cases submitted before the measured ones: with a warm-up of 4,000 the JIT was still compiling (tiered PGO) in the
    /// measured half, and 32 submitters reported 0.49–0.54 ms per case against 0.20–0.23 ms once warm (docs/benchmarks.md,
    /// session 18).
    /// </summary>
    public const int WarmUpCases = 12_000;

    public static Task<int> Measure(int cases, int concurrency) => Measure(cases, concurrency, Math.Max(cases, WarmUpCases));

    public static async Task<int> Measure(int cases, int concurrency, int warmUp)
    {
        var catalogue = Repository.LoadCatalogue();
        var sample = File.ReadAllText(Path.Combine(Repository.Root, "samples", "cryoablation-prior-auth.json"));
        var path = Path.Combine(Path.GetTempPath(), $"coverage-case-commits-{Guid.NewGuid():N}.db");
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new Evaluator(catalogue, TimeProvider.System));
        services.AddLogging();
        services.AddCaseStore(StorageProvider.Sqlite, $"Data Source={path}");
        await using var provider = services.BuildServiceProvider();
        try
        {
            using (var scope = provider.CreateScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<CoverageDbContext>();
                await db.Database.MigrateAsync();
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = 'wal';");
            }
            var caller = new Caller(new Actor("bench-clinic", "submitter"), "bench-clinic", CallerAccess.Submitter);
            var requests = Enumerable.Range(0, warmUp + cases)
                .Select(i => RequestReader.Read(sample.Replace("\"REQ-1001\"", $"\"BENCH-{i}\"", StringComparison.Ordinal), catalogue).Request
                    ?? throw new InvalidOperationException("The sample request does not validate."))
                .ToArray();
            await Submit(provider, caller, requests[..warmUp], concurrency);
            var started = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            await Submit(provider, caller, requests[warmUp..], concurrency);
            var cpu = (Process.GetCurrentProcess().TotalProcessorTime - started).TotalMilliseconds;
            using (var scope = provider.CreateScope())
            {
                // A figure for cases that were not all written would measure nothing.
                var stored = await scope.ServiceProvider.GetRequiredService<CoverageDbContext>().Cases.CountAsync();
                if (stored != requests.Length)
                {
                    Console.Error.WriteLine($"case-commits: {stored} cases stored of {requests.Length} submitted; not reporting");
                    return 1;
                }
            }
            Console.WriteLine($"case-commits: {cases} cases, {concurrency} submitter(s) at a time: {cpu / cases:F3} ms CPU and {clock.Elapsed.TotalMilliseconds / cases:F3} ms wall per case");
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + "*")) File.Delete(file);
        }
    }

    /// <summary>Each request submitted once, <paramref name="concurrency"/> at a time, each in a scope of its own (as a server request is).</summary>
    private static async Task Submit(ServiceProvider provider, Caller caller, CoverageRequest[] requests, int concurrency)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < requests.Length; i = Interlocked.Increment(ref next))
            {
                using var scope = provider.CreateScope();
                var result = await scope.ServiceProvider.GetRequiredService<CaseService>().SubmitAsync(requests[i], caller, CancellationToken.None);
                if (result.Error is not null) throw new InvalidOperationException(result.Error.Message);
            }
        }));
    }
}
