namespace Coverage.Store;

/// <summary>A stored case's id and its request JSON as received (the engine's RequestReader reads it).</summary>
public sealed record StoredRequest(Guid CaseId, string RequestJson);
