namespace Coverage.Cases;

/// <summary>
/// An appeal as a caller reads it: the case it contests, on whose behalf it was filed and why, the lines appealed, its
/// result once decided, and its external review (requested of which organisation, and the result once recorded).
/// </summary>
public sealed record AppealView(
    Guid Of, string FiledBy, string Reason, IReadOnlyList<int> Lines, string? Result,
    DateTime? ExternalReviewRequestedAt, string? ExternalReviewOrganisation, string? ExternalReviewResult, DateTime? ExternalReviewDecidedAt, string? ExternalReviewNote);
