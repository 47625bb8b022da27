using Coverage.Store.Entities;

namespace Coverage.Store;

/// <summary>Stored cases as callers read them: the whole case, or its summary in a list.</summary>
internal static class CaseViews
{
    public static CaseView View(CaseRecord record) => new()
    {
        Id = record.Id,
        RequestId = record.RequestId,
        MemberId = record.MemberKey.Length == 0 ? null : record.MemberKey,
        Kind = record.Kind,
        Priority = record.Priority,
        Status = record.Status,
        Outcome = record.Outcome,
        FinalOutcome = record.FinalOutcome,
        ReceivedAt = Utc(record.ReceivedAt),
        DueAt = Utc(record.DueAt),
        UpdatedAt = Utc(record.UpdatedAt),
        FinalizedAt = record.FinalizedAt is { } f ? Utc(f) : null,
        InformationRequest = record.InformationRequest,
        HeldLines = CaseRecordState.HeldLines(record).Order().ToList(),
        CancelledLines = CaseRecordState.CancelledLines(record),
        Tenant = record.Tenant,
        SubmittedBy = record.SubmittedBy,
        ExternalKey = record.ExternalKey,
        Revision = record.Revision,
        RequestJson = record.RequestJson,
        DeterminationJson = record.DeterminationJson,
        Decisions = record.Decisions.OrderBy(d => d.Sequence)
            .Select(d => new DecisionView(d.Sequence, d.Action, d.Rationale, d.ReviewerId, d.ReviewerName, d.ReviewerRole, Utc(d.DecidedAt)))
            .ToList(),
        PlanId = record.PlanId,
        LineOfBusiness = record.LineOfBusiness,
        ClockPausedAt = Utc(record.ClockPausedAt),
        ExtendedAt = Utc(record.ExtendedAt),
        ExtensionReason = record.ExtensionReason,
        FirstDecidedAt = Utc(record.FirstDecidedAt),
        DecidedOnTime = CaseWorkflow.DecidedOnTime(record.FirstDecidedAt, record.DueAt),
        Appeal = record.AppealOf is { } of
            ? new AppealView(of, record.AppealFiledBy ?? "", record.AppealReason ?? "", Commands.DecideAppeal.AppealedLines(record).Order().ToList(), record.AppealResult,
                Utc(record.ExternalReviewRequestedAt), record.ExternalReviewOrganisation, record.ExternalReviewResult, Utc(record.ExternalReviewDecidedAt), record.ExternalReviewNote,
                record.ExternalReviewOverturnedLines is null ? null : Commands.RecordExternalReview.OverturnedLines(record))
            : null,
        PeerToPeer = record.PeerToPeerAt is { } p2p
            ? new PeerToPeerView(Utc(p2p), record.PeerToPeerBy ?? "", record.PeerToPeerWith ?? "", record.PeerToPeerSummary ?? "")
            : null,
    };

    /// <summary>A case in a list (its filter rows loaded), overdue or not at <paramref name="now"/>.</summary>
    public static CaseSummary Summary(CaseRecord record, DateTime now) => new(
        record.Id, record.RequestId, record.MemberKey.Length == 0 ? null : record.MemberKey, record.Status, record.Priority,
        record.Outcome, record.FinalOutcome, Utc(record.ReceivedAt), Utc(record.DueAt),
        CaseFilterRows.Values(record, CaseFilterRecord.PolicyKind), CaseFilterRows.Values(record, CaseFilterRecord.ModalityKind),
        record.InformationRequest,
        CaseWorkflow.IsOverdue(record.Status, CaseRecordClock.Of(record), now), record.AppealOf, record.ClockPausedAt is not null);

    public static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    public static DateTime? Utc(DateTime? value) => value is { } v ? Utc(v) : null;
}
