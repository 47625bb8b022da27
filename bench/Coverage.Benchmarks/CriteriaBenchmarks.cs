using BenchmarkDotNet.Attributes;
using Coverage.Benchmarks.Peer;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Model;

namespace Coverage.Benchmarks;

/// <summary>
/// The same comparison as <see cref="EvaluatorBenchmarks"/> on the criteria mix (<see cref="CriteriaMix"/>,
/// catalogues/with-related-resources): the evaluator and the RulesEngine peer of that catalogue, in the same run,
/// with the same settings. One operation is one service line, so Mean is the time per line.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(OneCoreConfig))]
public class CriteriaBenchmarks
{
    private CoverageRequest[] _mix = [];
    private Evaluator _evaluator = null!;
    private RulesEnginePeer _peer = null!;

    [GlobalSetup]
    public void Setup()
    {
        var mix = Mix.Criteria();
        _evaluator = new Evaluator(mix.Catalogue, new FixedTimeProvider());
        _peer = mix.Peer();
        _mix = [.. mix.Requests];
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = CriteriaMix.DefaultLines, Description = "Coverage evaluator, criteria mix")]
    public int Evaluator()
    {
        var decided = 0;
        foreach (var request in _mix) decided += (int)_evaluator.Evaluate(request).Outcome;
        return decided;
    }

    [Benchmark(OperationsPerInvoke = CriteriaMix.DefaultLines, Description = "RulesEngine peer, criteria mix")]
    public int RulesEngine()
    {
        var decided = 0;
        foreach (var request in _mix) decided += (int)_peer.Evaluate(request)[0].Outcome;
        return decided;
    }
}
