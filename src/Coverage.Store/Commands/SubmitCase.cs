using System.Text.Json.Nodes;
using System.Security.Cryptography;
using System.Text;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;
using Coverage.Engine.Model;
using Coverage.Engine.Validation;
using Coverage.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace Coverage.Store.Commands;

/// <summary>
/// Evaluates and stores a new case of the caller's organisation, or answers the case of that organisation already
/// holding this request id for this member (a resubmission; a different request under a used id is a conflict).
/// </summary>
internal sealed class SubmitCase(CaseRecords records, Evaluator evaluator)
{
    /// <param name="externalKey">How the submitter's system names the request beyond its id (PAS: Claim.identifier system and value, provider); an inquiry must name it again.</param>
    /// <param name="pasRequestBundle">
    /// The PAS request Bundle as sent, kept with a case that is not final (its decision's subscription notification is
    /// built from it), in the case's own transaction: a pended case is never without it, and it costs no commit of its own.
    /// </param>
    /// <param name="answers">Questionnaire answers the request carried (information documents), kept in the case's information history.</param>
    public async Task<StoreResult<CaseView>> HandleAsync(
        CoverageRequest request, Caller caller, string? externalKey, Utf8Json? pasRequestBundle, IReadOnlyList<JsonObject> answers, CancellationToken cancellationToken)
    {
        var requestJson = RequestWriter.ToJson(request);
        var hash = Hash(requestJson + "\n" + externalKey);
        var memberKey = request.Member.Id ?? "";
        var actor = caller.Actor;

        // The request id is not looked up first: the new-case writer refuses a case whose id the store already holds
        // (one question per group commit, not a query per submission), and the refusal is answered below with the
        // case that holds it — a resubmission costs an evaluation, every new submission a query less.
        var now = records.Now();
        var determination = evaluator.Evaluate(request);
        var lineOfBusiness = evaluator.Catalogue.Plans.FirstOrDefault(p => p.Id == request.Member.PlanId)?.LineOfBusiness;
        var record = new CaseRecord
        {
            Id = records.NewCaseId(),
            RequestId = request.RequestId,
            Tenant = caller.Tenant,
            SubmittedBy = actor.Id,
            ExternalKey = externalKey,
            MemberKey = memberKey,
            Kind = request.Kind.ToWire(),
            Priority = request.Priority.ToWire(),
            ReceivedAt = now,
            DueAt = CaseWorkflow.DueAt(now, request.Priority, lineOfBusiness),
            PlanId = request.Member.PlanId,
            LineOfBusiness = lineOfBusiness,
            SocialRiskFactors = request.Member.SocialRiskFactors.Count == 0 ? null : string.Join(' ', request.Member.SocialRiskFactors),
            RequestHash = hash,
            RequestJson = requestJson,
        };
        CaseRecordState.TakeDetermination(record, determination, now);
        var rules = CaseRecordClock.Rules(record);
        CaseRecordClock.Keep(record, CaseWorkflow.ClockAfter(CaseRecordClock.Of(record), record.Status, rules, now));
        var created = CaseRecords.AuditEvent(record, now, "case-created", actor,
            $"Submitted ({record.Kind}, {record.Priority}); evaluated: {record.Outcome}; status {record.Status}; due {record.DueAt:yyyy-MM-dd'T'HH:mm'Z'} "
            + $"({rules.Source}){(record.ClockPausedAt is null ? "" : "; the clock stands still while the case waits for information")}"
            + (answers.Count == 0 ? "." : $"; with the answers of {answers.Count} questionnaire response(s), kept in its information history."));
        var keptWith = new List<object>();
        if (pasRequestBundle is not null && record.Status != CaseStatus.Final)
            keptWith.Add(new PasRequestBundleRecord { CaseId = record.Id, BundleJson = pasRequestBundle, KeptAt = now });
        keptWith.AddRange(answers.Select(a => CaseInformationRecord.Of(record.Id, now, caller, a)));
        try
        {
            await records.AddNewAsync(record, created, keptWith, cancellationToken, determination);
        }
        catch (DbUpdateException) when (request.RequestId is not null)
        {
            // The store holds a case for this request id (a resubmission, or another submission of it that won the
            // race): answer with that case.
            records.Db.ChangeTracker.Clear();
            var winner = await records.FindByRequestIdAsync(caller.Tenant, memberKey, request.RequestId, cancellationToken);
            if (winner is null) throw;
            return await Resubmitted(winner, hash, actor, cancellationToken);
        }
        return StoreResult<CaseView>.Ok(CaseViews.View(record) with { Evaluated = determination }, created: true);
    }

    private async Task<StoreResult<CaseView>> Resubmitted(CaseRecord existing, string hash, Actor actor, CancellationToken cancellationToken)
    {
        if (existing.RequestHash != hash)
            return StoreResult<CaseView>.Fail(StoreErrorKind.Conflict,
                $"Request id '{InputEcho.Truncate(existing.RequestId)}' was already used for this member with a different request (case {existing.Id}); use a new request id.");
        records.Audit(existing, records.Now(), "case-resubmitted", actor, "The same request was submitted again; the existing case was returned.");
        await records.SaveChangesAsync(cancellationToken);
        return StoreResult<CaseView>.Ok(CaseViews.View(existing));
    }

    /// <summary>The request hash a case keeps (the canonical request JSON and the external key); an update keeps its request's.</summary>
    internal static string Hash(string json) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
}
