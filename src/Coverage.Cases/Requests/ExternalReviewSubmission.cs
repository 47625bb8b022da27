namespace Coverage.Cases;

/// <summary>
/// An external review of an appeal's decision: requested (by whom, with which independent review organisation), or
/// its result recorded (<see cref="AppealResults"/>) with what the organisation wrote. A partial reversal names the
/// lines the organisation overturned (<paramref name="Lines"/>); a full reversal overturns every line the appeal left
/// adverse, and an upheld decision names none.
/// </summary>
public sealed record ExternalReviewSubmission(string Organisation, string? Result = null, string? Note = null, IReadOnlyList<int>? Lines = null);
