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
/// holding this request for this member under its request id (a resubmission). A different request under a used id is
/// a conflict — unless the submitter's ids may name more than one request (PAS Claim identifiers): then it is a new
/// case under the next use of the id (<see cref="CaseRecord.RequestIdUse"/>).
/// </summary>
internal sealed class SubmitCase(CaseRecords records, Evaluator evaluator)
{
    /// <param name="externalKey">How the submitter's system names the request beyond its id (PAS: Claim.identifier system and value, provider); an inquiry must name it again.</param>
    /// <param name="pasRequestBundle">
    /// The PAS request Bundle as sent, kept with a case that is not final (its decision's subscription notification is
    /// built from it), in the case's own transaction: a pended case is never without it, and it costs no commit of its own.
    /// </param>
    /// <param name="answers">Questionnaire answers the request carried (information documents), kept in the case's information history.</param>
    /// <param name="usedIds">What a different request under a used request id is: a conflict (REST API) or a new request (PAS).</param>
    public async Task<StoreResult<CaseView>> HandleAsync(
        CoverageRequest request, Caller caller, string? externalKey, Utf8Json? pasRequestBundle, IReadOnlyList<JsonObject> answers, UsedRequestIds usedIds,
        CancellationToken cancellationToken)
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
        // The first use of the id is tried without a look first (the writer refuses a used one); each refusal looks at
        // what the id already names, and a new request under it (when the submitter's ids allow one) tries the next use.
        // A few tries at most: each lost race is another submission of the same id that got there first.
        var createdDetail = created.Detail;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await records.AddNewAsync(record, created, keptWith, cancellationToken, determination);
                return StoreResult<CaseView>.Ok(CaseViews.View(record) with { Evaluated = determination }, created: true);
            }
            catch (DbUpdateException) when (request.RequestId is not null)
            {
                records.Db.ChangeTracker.Clear();
                // The same request again (a resubmission, or another submission of it that won the race): its case.
                if (await records.SameRequestAsync(caller.Tenant, memberKey, request.RequestId, hash, cancellationToken) is { } same)
                    return await Resubmitted(same, actor, cancellationToken);
                if (await records.LatestUseAsync(caller.Tenant, memberKey, request.RequestId, cancellationToken) is not { } latest) throw;
                var refusal = usedIds == UsedRequestIds.Conflict
                    ? $"was already used for this member with a different request (case {latest.Id}); use a new request id."
                    : latest.Use + 1 >= MaxUsesPerRequestId
                        ? $"already names {MaxUsesPerRequestId} different requests of this member, the most one id may name; use a new request id."
                        : attempt == MaxUsesTried
                            ? "was being taken by other requests of this member submitted at the same moment; this request was not kept: send it again."
                            : null;
                if (refusal is not null)
                    return StoreResult<CaseView>.Fail(StoreErrorKind.Conflict, $"Request id '{InputEcho.Truncate(request.RequestId)}' {refusal}");
                record.RequestIdUse = latest.Use + 1;
                created.Detail = createdDetail + $" The request id was already used for this member with other requests (latest: case {latest.Id}); this is a new request under it.";
            }
        }
    }

    /// <summary>
    /// How many different requests one request id may name for a member (PAS): a provider's system that sends more under
    /// one Claim identifier is sending noise, and each refused write looks the id up again.
    /// </summary>
    public const int MaxUsesPerRequestId = 100;

    /// <summary>How many times a new request under a used id is tried again after losing a race for the next use.</summary>
    private const int MaxUsesTried = 4;

    private async Task<StoreResult<CaseView>> Resubmitted(CaseRecord existing, Actor actor, CancellationToken cancellationToken)
    {
        records.Audit(existing, records.Now(), "case-resubmitted", actor, "The same request was submitted again; the existing case was returned.");
        await records.SaveChangesAsync(cancellationToken);
        return StoreResult<CaseView>.Ok(CaseViews.View(existing));
    }

    /// <summary>The request hash a case keeps (the canonical request JSON and the external key); an update keeps its request's.</summary>
    internal static string Hash(string json) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
}
