namespace Coverage.Cases.Impact;

/// <summary>The changed lines of one key of a dimension (a transition, a policy, a plan…): how many, what was billed for them, how many members.</summary>
public sealed class ImpactBucket
{
    // Member ids are held only to count them (never reported): the set grows with the members affected, not the lines read.
    private readonly HashSet<string> _members = new(StringComparer.Ordinal);

    public long Lines { get; private set; }
    /// <summary>The total billed for the lines that state a charge.</summary>
    public decimal Billed { get; private set; }
    public long LinesWithCharge { get; private set; }
    public long Members => _members.Count;

    public void Add(ImpactLine line)
    {
        Lines++;
        if (line.Charge is { } charge)
        {
            Billed += charge;
            LinesWithCharge++;
        }
        if (!string.IsNullOrEmpty(line.MemberKey)) _members.Add(line.MemberKey);
    }
}
