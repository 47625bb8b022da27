using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace Coverage.Benchmarks;

/// <summary>
/// The settings every evaluator benchmark runs with, so that figures compare: pinned to one core (CPU 0; the
/// goal is lines per second on one core), workstation non-concurrent GC, a bounded number of iterations.
/// </summary>
internal sealed class OneCoreConfig : ManualConfig
{
    public OneCoreConfig()
    {
        AddJob(Job.Default
            .WithAffinity(1)
            .WithGcServer(false).WithGcConcurrent(false)
            .WithWarmupCount(5).WithIterationCount(15).WithLaunchCount(1));
        AddColumn(StatisticColumn.OperationsPerSecond);
        HideColumns(Column.Error);
    }
}
