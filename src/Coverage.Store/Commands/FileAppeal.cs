using Coverage.Engine.Evaluation;
using Coverage.Engine.Model;
using Coverage.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace Coverage.Store.Commands;

/// <summary>
/// Files an appeal of a case's adverse determination as a case of its own, linked to the original: the same request
/// and determination (the appeal's physician sees the original determination and the policy version that decided
/// each line), the appeal's reason as its new information, its adverse lines to decide, and the appeal clock of the
/// plan's line of business. Who may file, and when, are the workflow's rules (<see cref="CaseWorkflow.CheckAppeal"/>);
/// the filing is audited on both cases, in the appeal's creating transaction.
/// </summary>
internal sealed class FileAppeal(CaseRecords records, Evaluator evaluator)
{
    public async Task<StoreResult<CaseView>> HandleAsync(Guid originalId, AppealSubmission submission, Caller caller, CancellationToken cancellationToken)
    {
        var invalid = CaseWorkflow.Validate(submission);
        if (invalid.Count > 0) return StoreResult<CaseView>.Fail(StoreErrorKind.Invalid, "The appeal is malformed.", invalid);
        if (CaseWorkflow.MayFileAppeal(caller, submission) is { } forbidden) return StoreResult<CaseView>.Fail(forbidden);

        var original = await records.LoadForAsync(originalId, caller, cancellationToken);
        if (original is null) return CaseRecords.NotFound<CaseView>(originalId);
        var state = CaseRecordState.Of(original);
        var now = records.Now();
        if (await CheckAsync(records, evaluator, original, now, cancellationToken) is { } broken)
            return StoreResult<CaseView>.Fail(broken);

        var appealed = CaseWorkflow.AdverseLines(state);
        var appeal = new CaseRecord
        {
            Id = records.NewCaseId(),
            Tenant = original.Tenant,
            SubmittedBy = caller.Actor.Id,
            ExternalKey = original.ExternalKey,
            MemberKey = original.MemberKey,
            Kind = original.Kind,
            Priority = submission.Priority.ToWire(),
            Status = CaseStatus.PendingPhysicianReview,
            Outcome = original.Outcome,
            ReceivedAt = now,
            DueAt = CaseWorkflow.DueAt(now, submission.Priority, original.LineOfBusiness, appeal: true),
            UpdatedAt = now,
            PlanId = original.PlanId,
            LineOfBusiness = original.LineOfBusiness,
            SocialRiskFactors = original.SocialRiskFactors,
            RequestHash = original.RequestHash,
            RequestJson = original.RequestJson,
            DeterminationJson = original.DeterminationJson,
            AppealOf = original.Id,
            AppealFiledBy = submission.FiledBy,
            AppealReason = submission.Reason.Trim(),
            AppealedLines = string.Join(' ', appealed),
        };
        foreach (var kind in new[] { CaseFilterRecord.PolicyKind, CaseFilterRecord.ModalityKind })
            CaseFilterRows.Replace(appeal, kind, CaseFilterRows.Values(original, kind));
        var rules = CaseRecordClock.Rules(appeal);
        var filed = CaseRecords.AuditEvent(appeal, now, "appeal-filed", caller.Actor,
            $"Appeal of case {original.Id} filed by the {submission.FiledBy} ({appeal.Priority}); line(s) {appeal.AppealedLines}; due {appeal.DueAt:yyyy-MM-dd'T'HH:mm'Z'} ({rules.Source}). Reason: {appeal.AppealReason}");
        var onOriginal = CaseRecords.AuditEvent(original, now, "appealed", caller.Actor, $"Appeal {appeal.Id} filed by the {submission.FiledBy}.");
        await records.AddNewAsync(appeal, [filed, onOriginal], cancellationToken);
        return StoreResult<CaseView>.Ok(CaseViews.View(appeal), created: true);
    }

    /// <summary>
    /// Why the case cannot be appealed now, or null when it can (the workflow's <see cref="CaseWorkflow.CheckAppeal"/>
    /// applied to the stored case and its appeals): what filing checks, and what the workbench asks before it offers
    /// the appeal form.
    /// </summary>
    public static async Task<StoreError?> CheckAsync(CaseRecords records, Evaluator evaluator, CaseRecord original, DateTime now, CancellationToken cancellationToken)
    {
        var window = evaluator.Catalogue.Plans.FirstOrDefault(p => p.Id == original.PlanId)?.AppealWindowDays ?? Engine.Catalogue.BenefitPlan.DefaultAppealWindowDays;
        // A cancelled appeal (the provider withdrew it through PAS) is neither under review nor decided.
        var appeals = await records.Db.Cases.Where(c => c.AppealOf == original.Id && c.Status != CaseStatus.Cancelled)
            .Select(c => new { c.Id, c.Status, c.AppealResult, c.ReceivedAt }).ToListAsync(cancellationToken);
        var open = appeals.Any(a => a.Status != CaseStatus.Final);
        var decided = appeals.Where(a => a.Status == CaseStatus.Final).OrderBy(a => a.ReceivedAt)
            .Select(a => new DecidedAppeal(a.Id, a.AppealResult ?? AppealResults.Upheld)).ToList();
        return CaseWorkflow.CheckAppeal(CaseRecordState.Of(original), original.AppealOf is not null, open, decided, original.LineOfBusiness,
            original.FirstDecidedAt ?? original.FinalizedAt, window, now);
    }
}
