namespace Coverage.Cases.Impact;

/// <summary>
/// One change between two catalogues or two policy versions, as an analyst reads it: what it is about ("policy 0540",
/// "policy 0540 version 2025-10-15", "plan standard"), what kind of change (added, removed, changed) and the sentence.
/// </summary>
public sealed record PolicyChange(string Subject, string Kind, string Sentence);
