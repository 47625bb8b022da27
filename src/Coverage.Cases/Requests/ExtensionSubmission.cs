namespace Coverage.Cases;

/// <summary>A reviewer extends a case's decision clock: by how many days, and why (the reviewer is the caller).</summary>
public sealed record ExtensionSubmission(int Days, string Reason);
