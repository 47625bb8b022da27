namespace Coverage.Cases;

/// <summary>What an appeal (or an external review) found: the denial upheld, overturned, or overturned for some of the appealed lines.</summary>
public static class AppealResults
{
    public const string Upheld = "upheld";
    public const string Overturned = "overturned";
    public const string PartiallyOverturned = "partially-overturned";

    public static readonly IReadOnlyList<string> All = [Upheld, Overturned, PartiallyOverturned];

    /// <summary>The result of decisions on the appealed lines: every line overturned, none, or some.</summary>
    public static string Of(IReadOnlyCollection<string> actions) =>
        actions.All(a => a == DecisionActions.Overturn) ? Overturned
        : actions.All(a => a == DecisionActions.Uphold) ? Upheld
        : PartiallyOverturned;
}
