using System.Globalization;
using BenchmarkDotNet.Running;
using Coverage.Benchmarks;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;

// dotnet run -c Release --project bench/Coverage.Benchmarks                 check both mixes, then benchmark
// dotnet run -c Release --project bench/Coverage.Benchmarks -- --filter '*Criteria*'   check, then only the criteria mix's benchmarks (any BenchmarkDotNet arguments)
// dotnet run -c Release --project bench/Coverage.Benchmarks -- check [MIX]  the peer agrees with the evaluator on the mix (both without MIX)
// dotnet run -c Release --project bench/Coverage.Benchmarks -- dump DIR [MIX]     every determination of the mix as JSON, for diffs
// dotnet run -c Release --project bench/Coverage.Benchmarks -- loop SECONDS [MIX] the evaluator over the mix in a loop, for a profiler
// dotnet run -c Release --project bench/Coverage.Benchmarks -- alloc [N] [MIX]    bytes allocated per line against the determination's own bytes (N: the N request kinds with most beyond)
// dotnet run -c Release --project bench/Coverage.Benchmarks -- pieces [N]    the CDS Hooks call's pieces changed by issue 16, old and new, CPU time per operation (HookPieces)
// dotnet run -c Release --project bench/Coverage.Benchmarks -- pas-pieces [N] the steps of a PAS $submit outside HTTP and the store, CPU time per operation (PasPieces)
// dotnet run -c Release --project bench/Coverage.Benchmarks -- sqlite-inserts [N] SQLite rows written as one multi-row INSERT against a prepared INSERT per row (SqliteInsertShapes)
// dotnet run -c Release --project bench/Coverage.Benchmarks -- case-commits [N] [CONCURRENCY] the store's part of a submission: CPU time per case written to SQLite (CaseCommits)
// MIX is 0540 (the repository's catalogue, RequestMix; the default) or criteria (catalogues/with-related-resources, CriteriaMix).
var command = args.FirstOrDefault() ?? "";
var mixName = args.Skip(1).FirstOrDefault(a => Mix.Names.Contains(a));
var rest = args.Skip(1).Where(a => !Mix.Names.Contains(a)).ToArray();
switch (command)
{
    case "check":
        return (mixName is null ? Mix.Names : [mixName]).All(Check) ? 0 : 1;
    case "dump":
        return Dump(rest.FirstOrDefault() ?? "determinations", Mix.Named(mixName ?? "0540"));
    case "alloc":
        return Alloc(rest.Length > 0 ? int.Parse(rest[0], CultureInfo.InvariantCulture) : 0, Mix.Named(mixName ?? "0540"));
    case "pieces":
        return HookPieces.Measure(rest.Length > 0 ? int.Parse(rest[0], CultureInfo.InvariantCulture) : 20000);
    case "pas-pieces":
        return PasPieces.Measure(rest.Length > 0 ? int.Parse(rest[0], CultureInfo.InvariantCulture) : 10000);
    case "sqlite-inserts":
        return SqliteInsertShapes.Measure(rest.Length > 0 ? int.Parse(rest[0], CultureInfo.InvariantCulture) : 2000);
    case "case-commits":
        return await CaseCommits.Measure(rest.Length > 0 ? int.Parse(rest[0], CultureInfo.InvariantCulture) : 3000,
            rest.Length > 1 ? int.Parse(rest[1], CultureInfo.InvariantCulture) : 1);
    case "loop":
        return Loop(rest.Length > 0 ? double.Parse(rest[0], CultureInfo.InvariantCulture) : 30, Mix.Named(mixName ?? "0540"));
    default:
        // Nothing is measured unless the peer decides as the evaluator on every line of both mixes.
        if (!Mix.Names.All(Check)) return 1;
        BenchmarkSwitcher.FromAssembly(typeof(EvaluatorBenchmarks).Assembly).Run(args.Length == 0 ? ["--filter", "*"] : args);
        return 0;
}

static bool Check(string name)
{
    var mix = Mix.Named(name);
    var evaluator = new Evaluator(mix.Catalogue, new FixedTimeProvider());
    foreach (var (key, count) in Equivalence.Composition(evaluator, mix.Requests)) Console.WriteLine($"mix {name}: {key}: {count}");
    var differences = Equivalence.Differences(evaluator, mix.Peer(), mix.Requests);
    foreach (var difference in differences.Take(20)) Console.Error.WriteLine($"differs ({name}): " + difference);
    Console.WriteLine(differences.Count == 0
        ? $"check: the RulesEngine peer gives the evaluator's outcome on all {mix.Lines} lines of the {name} mix"
        : $"check: {differences.Count} line(s) of the {name} mix differ; not measuring");
    return differences.Count == 0;
}

static int Dump(string folder, Mix mix)
{
    var evaluator = new Evaluator(mix.Catalogue, new FixedTimeProvider());
    Directory.CreateDirectory(folder);
    foreach (var request in mix.Requests)
        File.WriteAllText(Path.Combine(folder, request.RequestId + ".json"), DeterminationWriter.ToJson(evaluator.Evaluate(request) with { EngineVersion = "bench" }) + "\n");
    Console.WriteLine($"dump: {folder}");
    return 0;
}

static int Alloc(int top, Mix mix)
{
    var evaluator = new Evaluator(mix.Catalogue, new FixedTimeProvider());
    var byOutcome = new Dictionary<string, (int Requests, long Bytes)>(StringComparer.Ordinal);
    var report = Allocations.Measure(evaluator, [.. mix.Requests], byOutcome);
    foreach (var (outcome, (requests, bytes)) in byOutcome.Where(o => o.Value.Bytes != 0).OrderByDescending(o => o.Value.Bytes).Take(top))
        Console.WriteLine($"alloc: beyond the determination: {bytes / (double)requests,8:N1} B per request over {requests,4} request(s): {outcome}");
    Console.WriteLine($"alloc ({mix.Name} mix): {report.Lines} lines; evaluating allocates {report.EvaluatedPerLine:N1} B per line; " +
        $"the determinations' own objects are {report.DeterminationPerLine:N1} B per line; beyond them: {report.OverheadPerLine:N1} B per line");
    return 0;
}

static int Loop(double seconds, Mix mix)
{
    var evaluator = new Evaluator(mix.Catalogue, new FixedTimeProvider());
    var requests = mix.Requests.ToArray();
    foreach (var request in requests) evaluator.Evaluate(request); // warm the memos and the JIT
    var allocated = GC.GetAllocatedBytesForCurrentThread();
    var collections = GC.CollectionCount(0);
    var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
    var watch = System.Diagnostics.Stopwatch.StartNew();
    long lines = 0;
    while (watch.Elapsed.TotalSeconds < seconds)
    {
        foreach (var request in requests) lines += evaluator.Evaluate(request).Lines.Count;
    }
    cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu;
    Console.WriteLine($"loop ({mix.Name} mix): {lines / watch.Elapsed.TotalSeconds:N0} lines/s over {watch.Elapsed.TotalSeconds:N1} s ({lines / cpu.TotalSeconds:N0} per CPU second), " +
        $"{(GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)lines:N0} B allocated per line, {GC.CollectionCount(0) - collections} gen0 collections");
    return 0;
}
