namespace Coverage.Cases.Impact;

/// <summary>How far a run is, for a progress bar on another thread: records and lines compared, lines changed.</summary>
public sealed class ImpactProgress
{
    private long _records;
    private long _lines;
    private long _changed;

    public long Records => Interlocked.Read(ref _records);
    public long Lines => Interlocked.Read(ref _lines);
    public long Changed => Interlocked.Read(ref _changed);

    internal void Done(ImpactComparison comparison)
    {
        Interlocked.Increment(ref _records);
        Interlocked.Add(ref _lines, comparison.LinesCompared);
        Interlocked.Add(ref _changed, comparison.Changed.Count);
    }
}
