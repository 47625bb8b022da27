namespace Coverage.Cases;

/// <summary>A line the provider cancelled: its sequence and its code (the line is no longer evaluated, its answer is "cancelled").</summary>
public sealed record CancelledLine(int Sequence, string Code);
