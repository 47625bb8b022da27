namespace Coverage.Cases;

/// <summary>What a physician does with a line: uphold the recommendation (or confirm a held line), or overturn it.</summary>
public static class DecisionActions
{
    public const string Uphold = "uphold";
    public const string Overturn = "overturn";
}
