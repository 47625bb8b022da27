using System.Diagnostics.Metrics;

namespace Coverage.Store;

/// <summary>
/// The server's own metrics, on the meter "Coverage" (OpenTelemetry exports them: docs/operations.md says what
/// to watch). Tags carry codes of the catalogue and the engine — a policy id, an outcome — never member data.
/// </summary>
public sealed class CoverageMetrics
{
    public const string MeterName = "Coverage";
    /// <summary>
    /// The database driver's own ActivitySource and Meter (Npgsql publishes both under this name): what the host
    /// subscribes to for database spans and connection metrics, so that only the store names its driver.
    /// </summary>
    public const string DatabaseDriverSource = "Npgsql";

    private readonly Counter<long> _determinations;
    private readonly Histogram<double> _journalCommits;
    private readonly Histogram<int> _newCaseCommits;

    public CoverageMetrics(IMeterFactory meters)
    {
        Meter = meters.Create(MeterName);
        _determinations = Meter.CreateCounter<long>("coverage.determinations", "{line}",
            "Service lines determined and kept as cases, by the line's outcome and the policy that decided it.");
        _journalCommits = Meter.CreateHistogram<double>("coverage.journal.commit.duration", "s",
            "How long one group commit of the service call journal took (audit events and token uses of the calls waiting).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
        _newCaseCommits = Meter.CreateHistogram<int>("coverage.cases.commit.size", "{case}",
            "How many new cases one group commit wrote (or, failed, tried to write before retrying each alone).",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64] });
    }

    /// <summary>The meter, for instruments whose owner observes them (the journal's queue depth).</summary>
    public Meter Meter { get; }

    /// <summary>One line determined: <paramref name="policy"/> is the deciding policy's id, "none" when no policy applied.</summary>
    public void LineDetermined(string outcome, string? policy) =>
        _determinations.Add(1, new KeyValuePair<string, object?>("coverage.outcome", outcome), new KeyValuePair<string, object?>("coverage.policy", policy ?? "none"));

    /// <summary>One transaction of the new-case writer: how many cases it held, and whether it committed.</summary>
    public void NewCasesCommitted(int cases, bool committed) =>
        _newCaseCommits.Record(cases, new KeyValuePair<string, object?>("coverage.cases.commit.result", committed ? "committed" : "failed"));

    /// <summary>One journal transaction: its duration, and whether it committed.</summary>
    public void JournalCommitted(TimeSpan duration, bool committed) =>
        _journalCommits.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("coverage.journal.result", committed ? "committed" : "failed"));
}
