using Coverage.Cases.Impact;

namespace Coverage.Server.Workbench;

/// <summary>One impact report of the case store run from the workbench: who started it, on which candidate, how far it is.</summary>
public sealed class ImpactRun(Guid id, string candidate, string startedBy, DateTimeOffset startedAt, ImpactReport report, ImpactProgress progress)
{
    private volatile string? _error;
    private volatile bool _finished;

    public Guid Id { get; } = id;
    public string Candidate { get; } = candidate;
    public string StartedBy { get; } = startedBy;
    public DateTimeOffset StartedAt { get; } = startedAt;
    public DateTimeOffset? FinishedAt { get; private set; }
    /// <summary>Complete only once <see cref="IsFinished"/>; read it before then and the counts move.</summary>
    public ImpactReport Report { get; } = report;
    public ImpactProgress Progress { get; } = progress;
    public bool IsFinished => _finished;
    public string? Error => _error;

    internal void Finish(DateTimeOffset at, string? error)
    {
        FinishedAt = at;
        _error = error;
        _finished = true;
    }
}
