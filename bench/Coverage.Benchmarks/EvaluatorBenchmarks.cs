using BenchmarkDotNet.Attributes;
using Coverage.Benchmarks.Peer;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Model;

namespace Coverage.Benchmarks;

/// <summary>
/// Line evaluations on one core: the evaluator and the RulesEngine peer over the same mix (policy 0540's,
/// <see cref="RequestMix"/>), in the same run.
/// One operation is one service line (OperationsPerInvoke = the mix's lines), so Mean is the time per line,
/// Op/s the lines per second and Allocated the bytes allocated per line.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(OneCoreConfig))]
public class EvaluatorBenchmarks
{
    private CoverageRequest[] _mix = [];
    private Evaluator _evaluator = null!;
    private RulesEnginePeer _peer = null!;

    [GlobalSetup]
    public void Setup()
    {
        var catalogue = Repository.LoadCatalogue();
        _evaluator = new Evaluator(catalogue, new FixedTimeProvider());
        _peer = new RulesEnginePeer(RulesEnginePeer.DefaultWorkflowsPath);
        _mix = [.. RequestMix.Build(catalogue).Select(m => m.Request)];
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = RequestMix.DefaultLines, Description = "Coverage evaluator")]
    public int Evaluator()
    {
        var decided = 0;
        foreach (var request in _mix) decided += (int)_evaluator.Evaluate(request).Outcome;
        return decided;
    }

    [Benchmark(OperationsPerInvoke = RequestMix.DefaultLines, Description = "RulesEngine peer")]
    public int RulesEngine()
    {
        var decided = 0;
        foreach (var request in _mix) decided += (int)_peer.Evaluate(request)[0].Outcome;
        return decided;
    }
}
