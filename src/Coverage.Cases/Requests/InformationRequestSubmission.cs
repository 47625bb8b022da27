namespace Coverage.Cases;

/// <summary>What a reviewer asks for when setting a case to wait for information (the reviewer is the caller).</summary>
public sealed record InformationRequestSubmission(string Needed);
