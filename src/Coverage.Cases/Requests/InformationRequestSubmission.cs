namespace Coverage.Cases;

/// <summary>
/// What a reviewer asks for when setting a case to wait for information (the reviewer is the caller), and the
/// questionnaires (canonical|version) the provider is asked to complete for it — those the lines' missing facts
/// generate, found by the host from the case's determination; recorded in the request's audit event.
/// </summary>
public sealed record InformationRequestSubmission(string Needed, IReadOnlyList<string>? Questionnaires = null);
