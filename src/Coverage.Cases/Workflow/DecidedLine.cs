namespace Coverage.Cases;

/// <summary>A line a physician has decided, as far as the workflow cares: which line, and uphold or overturn.</summary>
public sealed record DecidedLine(int Sequence, string Action);
