namespace Coverage.Store;

/// <summary>What a submission of a different request under a request id its submitter already used for the member is.</summary>
public enum UsedRequestIds
{
    /// <summary>
    /// A conflict: the id is an idempotency key and names one request only (the REST API: 409). The case it names
    /// keeps its answer.
    /// </summary>
    Conflict,

    /// <summary>
    /// A new request under the same id (PAS: a provider's system may send more than one request under one Claim
    /// identifier), up to <see cref="Commands.SubmitCase.MaxUsesPerRequestId"/> of them. It becomes a case of its own;
    /// the earlier ones keep theirs; an update by the id changes the latest, an inquiry finds each it matches
    /// (docs/decisions.md, "Session 34: a PAS Claim identifier used again").
    /// </summary>
    NewRequest,
}
