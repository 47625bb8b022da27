namespace Coverage.Cases;

/// <summary>
/// An appeal as a caller reads it: the case it contests, on whose behalf it was filed and why, the lines appealed, its
/// result once decided, and its external review (requested of which organisation, the result once recorded, and the
/// lines it overturned: the payer covers them, whatever the appeal decided).
/// </summary>
public sealed record AppealView(
    Guid Of, string FiledBy, string Reason, IReadOnlyList<int> Lines, string? Result,
    DateTime? ExternalReviewRequestedAt, string? ExternalReviewOrganisation, string? ExternalReviewResult, DateTime? ExternalReviewDecidedAt, string? ExternalReviewNote,
    IReadOnlyList<int>? ExternalReviewOverturnedLines = null);
