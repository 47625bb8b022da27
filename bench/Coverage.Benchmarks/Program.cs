using System.Globalization;
using BenchmarkDotNet.Running;
using Coverage.Benchmarks;
using Coverage.Benchmarks.Peer;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;

// dotnet run -c Release --project bench/Coverage.Benchmarks                 check, then benchmark
// dotnet run -c Release --project bench/Coverage.Benchmarks -- check        the peer agrees with the evaluator on the mix
// dotnet run -c Release --project bench/Coverage.Benchmarks -- dump DIR     every determination of the mix as JSON, for diffs
// dotnet run -c Release --project bench/Coverage.Benchmarks -- loop SECONDS the evaluator over the mix in a loop, for a profiler
// dotnet run -c Release --project bench/Coverage.Benchmarks -- alloc [N]    bytes allocated per line against the determination's own bytes (N: the N request kinds with most beyond)
var command = args.FirstOrDefault() ?? "";
switch (command)
{
    case "check":
        return Check() ? 0 : 1;
    case "dump":
        return Dump(args.Length > 1 ? args[1] : "determinations");
    case "alloc":
        return Alloc(args);
    case "loop":
        return Loop(args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 30);
    default:
        if (!Check()) return 1;
        BenchmarkSwitcher.FromAssembly(typeof(EvaluatorBenchmarks).Assembly).Run(args.Length == 0 ? ["--filter", "*"] : args);
        return 0;
}

static bool Check()
{
    var catalogue = Repository.LoadCatalogue();
    var evaluator = new Evaluator(catalogue, new FixedTimeProvider());
    var mix = RequestMix.Build(catalogue).Select(m => m.Request).ToList();
    foreach (var (key, count) in Equivalence.Composition(evaluator, mix)) Console.WriteLine($"mix: {key}: {count}");
    var differences = Equivalence.Differences(evaluator, new RulesEnginePeer(RulesEnginePeer.DefaultWorkflowsPath), mix);
    foreach (var difference in differences.Take(20)) Console.Error.WriteLine("differs: " + difference);
    Console.WriteLine(differences.Count == 0
        ? $"check: the RulesEngine peer gives the evaluator's outcome on all {RequestMix.DefaultLines} lines of the mix"
        : $"check: {differences.Count} line(s) differ; not measuring");
    return differences.Count == 0;
}

static int Dump(string folder)
{
    var catalogue = Repository.LoadCatalogue();
    var evaluator = new Evaluator(catalogue, new FixedTimeProvider());
    Directory.CreateDirectory(folder);
    foreach (var (_, request) in RequestMix.Build(catalogue))
        File.WriteAllText(Path.Combine(folder, request.RequestId + ".json"), DeterminationWriter.ToJson(evaluator.Evaluate(request) with { EngineVersion = "bench" }) + "\n");
    Console.WriteLine($"dump: {folder}");
    return 0;
}

static int Alloc(string[] args)
{
    var catalogue = Repository.LoadCatalogue();
    var evaluator = new Evaluator(catalogue, new FixedTimeProvider());
    var byOutcome = new Dictionary<string, (int Requests, long Bytes)>(StringComparer.Ordinal);
    var report = Allocations.Measure(evaluator, [.. RequestMix.Build(catalogue).Select(m => m.Request)], byOutcome);
    foreach (var (outcome, (requests, bytes)) in byOutcome.Where(o => o.Value.Bytes != 0).OrderByDescending(o => o.Value.Bytes).Take(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 0))
        Console.WriteLine($"alloc: beyond the determination: {bytes / (double)requests,8:N1} B per request over {requests,4} request(s): {outcome}");
    Console.WriteLine($"alloc: {report.Lines} lines; evaluating allocates {report.EvaluatedPerLine:N1} B per line; " +
        $"the determinations' own objects are {report.DeterminationPerLine:N1} B per line; beyond them: {report.OverheadPerLine:N1} B per line");
    return 0;
}

static int Loop(double seconds)
{
    var catalogue = Repository.LoadCatalogue();
    var evaluator = new Evaluator(catalogue, new FixedTimeProvider());
    var mix = RequestMix.Build(catalogue).Select(m => m.Request).ToArray();
    foreach (var request in mix) evaluator.Evaluate(request); // warm the memos and the JIT
    var allocated = GC.GetAllocatedBytesForCurrentThread();
    var collections = GC.CollectionCount(0);
    var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
    var watch = System.Diagnostics.Stopwatch.StartNew();
    long lines = 0;
    while (watch.Elapsed.TotalSeconds < seconds)
    {
        foreach (var request in mix) lines += evaluator.Evaluate(request).Lines.Count;
    }
    cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu;
    Console.WriteLine($"loop: {lines / watch.Elapsed.TotalSeconds:N0} lines/s over {watch.Elapsed.TotalSeconds:N1} s ({lines / cpu.TotalSeconds:N0} per CPU second), " +
        $"{(GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)lines:N0} B allocated per line, {GC.CollectionCount(0) - collections} gen0 collections");
    return 0;
}
