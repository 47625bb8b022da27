namespace Coverage.Cases;

/// <summary>
/// An external review of an appeal's decision: requested (by whom, with which independent review organisation), or
/// its result recorded (<see cref="AppealResults"/>) with what the organisation wrote.
/// </summary>
public sealed record ExternalReviewSubmission(string Organisation, string? Result = null, string? Note = null);
