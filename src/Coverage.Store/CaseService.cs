using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;
using Coverage.Engine.Model;
using Coverage.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace Coverage.Store;

/// <summary>
/// The case workflow over the store: submit, read, list, decide, complete with information, audit.
/// Every change and every read of a case writes its audit event in the same SaveChanges, hence the
/// same transaction, as the change or read itself: no case changes without its history.
/// </summary>
public sealed class CaseService(CoverageDbContext db, Evaluator evaluator, TimeProvider time)
{
    /// <summary>Issue 3: 72 hours for expedited requests, 7 calendar days for standard ones.</summary>
    public static readonly TimeSpan ExpeditedTurnaround = TimeSpan.FromHours(72);
    public static readonly TimeSpan StandardTurnaround = TimeSpan.FromDays(7);

    public const int MaxPageSize = 100;

    // ------------------------------------------------------------------ submit

    /// <summary>Evaluates and stores a new case, or returns the case already holding this request id for this member.</summary>
    public async Task<StoreResult<CaseView>> SubmitAsync(CoverageRequest request, Actor actor, CancellationToken cancellationToken)
    {
        var requestJson = RequestWriter.ToJson(request);
        var hash = Hash(requestJson);
        var memberKey = request.Member.Id ?? "";

        if (request.RequestId is not null)
        {
            var existing = await FindByRequestId(memberKey, request.RequestId, cancellationToken);
            if (existing is not null) return await Resubmitted(existing, hash, actor, cancellationToken);
        }

        var now = Now();
        var determination = evaluator.Evaluate(request);
        var record = new CaseRecord
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()),
            RequestId = request.RequestId,
            MemberKey = memberKey,
            Kind = request.Kind.ToWire(),
            Priority = request.Priority.ToWire(),
            ReceivedAt = now,
            DueAt = now + (request.Priority == RequestPriority.Expedited ? ExpeditedTurnaround : StandardTurnaround),
            RequestHash = hash,
            RequestJson = requestJson,
        };
        Apply(record, determination, now);
        db.Cases.Add(record);
        Audit(record, now, "case-created", actor,
            $"Submitted ({record.Kind}, {record.Priority}); evaluated: {record.Outcome}; status {record.Status}; due {record.DueAt:yyyy-MM-dd'T'HH:mm'Z'}.");
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (request.RequestId is not null)
        {
            // Another submission of the same request id won the race: answer with its case.
            db.ChangeTracker.Clear();
            var winner = await FindByRequestId(memberKey, request.RequestId, cancellationToken);
            if (winner is null) throw;
            return await Resubmitted(winner, hash, actor, cancellationToken);
        }
        return StoreResult<CaseView>.Ok(View(record), created: true);
    }

    private async Task<StoreResult<CaseView>> Resubmitted(CaseRecord existing, string hash, Actor actor, CancellationToken cancellationToken)
    {
        if (existing.RequestHash != hash)
            return StoreResult<CaseView>.Fail(StoreErrorKind.Conflict,
                $"Request id '{existing.RequestId}' was already used for this member with a different request (case {existing.Id}); use a new request id.");
        Audit(existing, Now(), "case-resubmitted", actor, "The same request was submitted again; the existing case was returned.");
        await db.SaveChangesAsync(cancellationToken);
        return StoreResult<CaseView>.Ok(View(existing));
    }

    private Task<CaseRecord?> FindByRequestId(string memberKey, string requestId, CancellationToken cancellationToken) =>
        db.Cases.Include(c => c.Decisions).FirstOrDefaultAsync(c => c.MemberKey == memberKey && c.RequestId == requestId, cancellationToken);

    // ------------------------------------------------------------------ read

    public async Task<StoreResult<CaseView>> GetAsync(Guid id, Actor actor, CancellationToken cancellationToken)
    {
        var record = await Load(id, cancellationToken);
        if (record is null) return NotFound<CaseView>(id);
        Audit(record, Now(), "case-read", actor, "The case was read.");
        await db.SaveChangesAsync(cancellationToken);
        return StoreResult<CaseView>.Ok(View(record));
    }

    /// <summary>The case of a request id for a member (PAS $inquire); a read, audited.</summary>
    public async Task<StoreResult<CaseView>> FindByRequestAsync(string? memberId, string requestId, Actor actor, CancellationToken cancellationToken)
    {
        var record = await FindByRequestId(memberId ?? "", requestId, cancellationToken);
        if (record is null) return StoreResult<CaseView>.Fail(StoreErrorKind.NotFound, $"No case holds request id '{requestId}' for this member.");
        Audit(record, Now(), "case-read", actor, "The case was read by an inquiry on its request id.");
        await db.SaveChangesAsync(cancellationToken);
        return StoreResult<CaseView>.Ok(View(record));
    }

    /// <summary>Cases oldest first, optionally of one status; each case listed is a read and is audited.</summary>
    public Task<StoreResult<CasePage>> ListAsync(string? status, int page, int pageSize, Actor actor, CancellationToken cancellationToken) =>
        ListAsync(new CaseQuery { Statuses = status is null ? [] : [status], Page = page, PageSize = pageSize }, actor, cancellationToken);

    /// <summary>
    /// Cases matching the query (any of the statuses, a modality, a policy), oldest first or soonest due
    /// first (the reviewers' queue); each case listed is a read and is audited.
    /// </summary>
    public async Task<StoreResult<CasePage>> ListAsync(CaseQuery query, Actor actor, CancellationToken cancellationToken)
    {
        var errors = new List<InputError>();
        foreach (var status in query.Statuses)
            if (!CaseStatus.All.Contains(status))
                errors.Add(new InputError("status", $"'{status}' is not one of {string.Join(", ", CaseStatus.All)}"));
        if (query.Modality is { } m && !IsFilterWord(m)) errors.Add(new InputError("modality", $"'{m}' is not a modality id (letters, digits, '-', '.')"));
        if (query.Policy is { } p && !IsFilterWord(p)) errors.Add(new InputError("policy", $"'{p}' is not a policy id (letters, digits, '-', '.')"));
        if (query.Page < 1) errors.Add(new InputError("page", "must be 1 or more"));
        if (query.PageSize is < 1 or > MaxPageSize) errors.Add(new InputError("pageSize", $"must be from 1 to {MaxPageSize}"));
        if (errors.Count > 0) return StoreResult<CasePage>.Fail(StoreErrorKind.Invalid, "Invalid query.", errors);

        var cases = db.Cases.AsQueryable();
        var statuses = query.Statuses.Distinct().ToList();
        if (statuses.Count > 0) cases = cases.Where(c => statuses.Contains(c.Status));
        // Policies and Modalities hold space-separated ids: pad both sides so that "laser" never matches "laser-x".
        if (query.Modality is { } modality) cases = cases.Where(c => (" " + c.Modalities + " ").Contains(" " + modality + " "));
        if (query.Policy is { } policy) cases = cases.Where(c => (" " + c.Policies + " ").Contains(" " + policy + " "));
        var total = await cases.CountAsync(cancellationToken);
        var ordered = query.Order == CaseOrder.DueAt
            ? cases.OrderBy(c => c.DueAt).ThenBy(c => c.Id)
            : cases.OrderBy(c => c.ReceivedAt).ThenBy(c => c.Id);
        var records = await ordered.Skip((query.Page - 1) * query.PageSize).Take(query.PageSize).ToListAsync(cancellationToken);
        var now = Now();
        var filters = new List<string>();
        if (statuses.Count > 0) filters.Add("status " + string.Join(" or ", statuses));
        if (query.Modality is not null) filters.Add("modality " + query.Modality);
        if (query.Policy is not null) filters.Add("policy " + query.Policy);
        var detail = "The case was listed in a search of cases" + (filters.Count == 0 ? "." : $" with {string.Join(", ", filters)}.");
        foreach (var record in records) Audit(record, now, "case-listed", actor, detail);
        await db.SaveChangesAsync(cancellationToken);
        return StoreResult<CasePage>.Ok(new CasePage(records.Select(Summary).ToList(), query.Page, query.PageSize, total));
    }

    private static bool IsFilterWord(string value) =>
        value.Length is > 0 and <= 64 && value.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '.' or '_');

    public async Task<StoreResult<IReadOnlyList<AuditEventView>>> GetAuditAsync(Guid id, Actor actor, CancellationToken cancellationToken)
    {
        var record = await db.Cases.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (record is null) return NotFound<IReadOnlyList<AuditEventView>>(id);
        Audit(record, Now(), "audit-read", actor, "The case's audit history was read.");
        await db.SaveChangesAsync(cancellationToken);
        var events = await db.AuditEvents.Where(a => a.CaseId == id).OrderBy(a => a.Id).ToListAsync(cancellationToken);
        return StoreResult<IReadOnlyList<AuditEventView>>.Ok(
            events.Select(a => new AuditEventView(a.Id, Utc(a.At), a.Action, a.Actor, a.ActorRole, a.Detail)).ToList());
    }

    // ------------------------------------------------------------------ decide

    /// <summary>
    /// Records a reviewer's decisions. Only lines that are adverse medical-necessity recommendations are
    /// decided; only a physician may uphold one (spec section 6); the case is final once every such line is.
    /// </summary>
    public async Task<StoreResult<CaseView>> DecideAsync(Guid id, DecisionSubmission submission, CancellationToken cancellationToken)
    {
        var invalid = ValidateSubmission(submission);
        if (invalid.Count > 0) return StoreResult<CaseView>.Fail(StoreErrorKind.Invalid, "The decision is malformed.", invalid);

        var record = await Load(id, cancellationToken);
        if (record is null) return NotFound<CaseView>(id);
        if (record.Status == CaseStatus.Final)
            return StoreResult<CaseView>.Fail(StoreErrorKind.Conflict, $"Case {id} is final; its decisions cannot change.");
        if (record.Status == CaseStatus.PendingInformation)
            return StoreResult<CaseView>.Fail(StoreErrorKind.Conflict, $"Case {id} is waiting for information; it can be decided once the information is added.");

        var lines = ReadLines(record.DeterminationJson);
        foreach (var decision in submission.Lines)
        {
            if (!lines.TryGetValue(decision.Sequence, out var line))
                return StoreResult<CaseView>.Fail(StoreErrorKind.Unprocessable, $"Case {id} has no line {decision.Sequence}.");
            if (!line.RequiresPhysicianReview)
                return StoreResult<CaseView>.Fail(StoreErrorKind.Unprocessable,
                    $"Line {decision.Sequence} ({line.Outcome}) is not a medical-necessity recommendation; there is nothing for a reviewer to decide.");
            if (record.Decisions.Any(d => d.Sequence == decision.Sequence))
                return StoreResult<CaseView>.Fail(StoreErrorKind.Conflict, $"Line {decision.Sequence} of case {id} is already decided.");
            if (decision.Action == DecisionActions.Uphold && submission.Reviewer.Role != ReviewerRoles.Physician)
                return StoreResult<CaseView>.Fail(StoreErrorKind.Unprocessable,
                    $"Only a physician may uphold an adverse medical-necessity recommendation (line {decision.Sequence}); the reviewer's role is {submission.Reviewer.Role}.");
        }

        var now = Now();
        var actor = new Actor(submission.Reviewer.Id, submission.Reviewer.Role);
        foreach (var decision in submission.Lines)
        {
            record.Decisions.Add(new LineDecisionRecord
            {
                CaseId = record.Id,
                Sequence = decision.Sequence,
                Action = decision.Action,
                Rationale = decision.Rationale,
                ReviewerId = submission.Reviewer.Id,
                ReviewerName = submission.Reviewer.Name,
                ReviewerRole = submission.Reviewer.Role,
                DecidedAt = now,
            });
            Audit(record, now, "line-decided", actor,
                $"Line {decision.Sequence}: {decision.Action} by {submission.Reviewer.Role} {submission.Reviewer.Name}. Rationale: {decision.Rationale}");
        }

        var undecided = lines.Values.Where(l => l.RequiresPhysicianReview && record.Decisions.All(d => d.Sequence != l.Sequence)).ToList();
        if (undecided.Count == 0)
        {
            record.Status = CaseStatus.Final;
            record.FinalizedAt = now;
            record.FinalOutcome = FinalOutcome(lines.Values, record.Decisions);
            Audit(record, now, "case-finalized", actor, $"Every line is decided; final outcome {record.FinalOutcome}.");
        }
        record.UpdatedAt = now;
        record.Revision++;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return StoreResult<CaseView>.Fail(StoreErrorKind.Conflict, $"Case {id} was changed by someone else at the same time; reload it and decide again.");
        }
        return StoreResult<CaseView>.Ok(View(record));
    }

    private static List<InputError> ValidateSubmission(DecisionSubmission submission)
    {
        var errors = new List<InputError>();
        if (string.IsNullOrWhiteSpace(submission.Reviewer.Id)) errors.Add(new("reviewer.id", "required: who decides"));
        if (string.IsNullOrWhiteSpace(submission.Reviewer.Name)) errors.Add(new("reviewer.name", "required: the reviewer's name"));
        if (!ReviewerRoles.All.Contains(submission.Reviewer.Role))
            errors.Add(new("reviewer.role", $"'{submission.Reviewer.Role}' is not one of {string.Join(", ", ReviewerRoles.All)}"));
        if (submission.Lines.Count == 0) errors.Add(new("lines", "required: at least one line decision"));
        for (var i = 0; i < submission.Lines.Count; i++)
        {
            var line = submission.Lines[i];
            if (submission.Lines.Take(i).Any(l => l.Sequence == line.Sequence)) errors.Add(new($"lines[{i}].sequence", $"line {line.Sequence} is decided twice"));
            if (line.Action is not (DecisionActions.Uphold or DecisionActions.Overturn))
                errors.Add(new($"lines[{i}].action", $"'{line.Action}' is not uphold or overturn"));
            if (string.IsNullOrWhiteSpace(line.Rationale)) errors.Add(new($"lines[{i}].rationale", "required: the reviewer's rationale"));
        }
        return errors;
    }

    private static string FinalOutcome(IEnumerable<LineSummary> lines, IReadOnlyList<LineDecisionRecord> decisions)
    {
        var outcomes = lines.Select(line =>
        {
            var decision = decisions.FirstOrDefault(d => d.Sequence == line.Sequence);
            // An overturned medical-necessity denial is approved; an upheld one stands.
            return decision?.Action == DecisionActions.Overturn ? LineOutcome.Covered : line.LineOutcome;
        }).ToList();
        return Evaluator.Aggregate(outcomes).ToWire();
    }

    // ------------------------------------------------------------------ information

    /// <summary>
    /// Completes a case waiting for information: merges the facts into the stored request
    /// (clinical facts, diagnoses, line descriptions, member birth date), re-evaluates it and updates the case.
    /// </summary>
    public async Task<StoreResult<CaseView>> AddInformationAsync(Guid id, JsonObject information, Actor actor, CancellationToken cancellationToken)
    {
        var record = await Load(id, cancellationToken);
        if (record is null) return NotFound<CaseView>(id);
        if (record.Status != CaseStatus.PendingInformation)
            return StoreResult<CaseView>.Fail(StoreErrorKind.Conflict, $"Case {id} is {record.Status}, not waiting for information.");

        var errors = new List<InputError>();
        var merged = InformationMerge.Merge(JsonNode.Parse(record.RequestJson)!.AsObject(), information, errors);
        if (errors.Count > 0) return StoreResult<CaseView>.Fail(StoreErrorKind.Invalid, "The information is malformed.", errors);
        var read = RequestReader.Read(merged.ToJsonString(), evaluator.Catalogue);
        if (!read.IsValid) return StoreResult<CaseView>.Fail(StoreErrorKind.Invalid, "The information makes the request invalid.", read.Errors);

        var now = Now();
        var before = record.Outcome;
        record.RequestJson = RequestWriter.ToJson(read.Request!);
        record.InformationRequest = null; // answered: the re-evaluation decides where the case goes next
        Apply(record, evaluator.Evaluate(read.Request!), now);
        record.Revision++;
        Audit(record, now, "information-added", actor, $"Information added: {string.Join(", ", information.Select(p => p.Key))}.");
        Audit(record, now, "case-reevaluated", actor, $"Re-evaluated: {before} → {record.Outcome}; status {record.Status}.");
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return StoreResult<CaseView>.Fail(StoreErrorKind.Conflict, $"Case {id} was changed by someone else at the same time; try again.");
        }
        return StoreResult<CaseView>.Ok(View(record));
    }

    /// <summary>
    /// A reviewer (nurse or physician) sets a case waiting for a physician aside until the provider sends
    /// what is needed: pending-physician-review → pending-information, with the request kept on the case
    /// and in its audit. The information, once added, re-evaluates the case (AddInformationAsync).
    /// </summary>
    public async Task<StoreResult<CaseView>> RequestInformationAsync(Guid id, InformationRequestSubmission submission, CancellationToken cancellationToken)
    {
        var errors = new List<InputError>();
        if (string.IsNullOrWhiteSpace(submission.Reviewer.Id)) errors.Add(new("reviewer.id", "required: who asks"));
        if (string.IsNullOrWhiteSpace(submission.Reviewer.Name)) errors.Add(new("reviewer.name", "required: the reviewer's name"));
        if (!ReviewerRoles.All.Contains(submission.Reviewer.Role))
            errors.Add(new("reviewer.role", $"'{submission.Reviewer.Role}' is not one of {string.Join(", ", ReviewerRoles.All)}"));
        if (string.IsNullOrWhiteSpace(submission.Needed)) errors.Add(new("needed", "required: what information is needed, and from whom"));
        else if (submission.Needed.Length > MaxInformationRequestLength) errors.Add(new("needed", $"at most {MaxInformationRequestLength} characters"));
        if (errors.Count > 0) return StoreResult<CaseView>.Fail(StoreErrorKind.Invalid, "The information request is malformed.", errors);

        var record = await Load(id, cancellationToken);
        if (record is null) return NotFound<CaseView>(id);
        if (record.Status != CaseStatus.PendingPhysicianReview)
            return StoreResult<CaseView>.Fail(StoreErrorKind.Conflict,
                $"Case {id} is {record.Status}; only a case waiting for physician review can be set to wait for information.");

        var now = Now();
        var needed = submission.Needed.Trim();
        record.Status = CaseStatus.PendingInformation;
        record.InformationRequest = needed;
        record.UpdatedAt = now;
        record.Revision++;
        Audit(record, now, "information-requested", new Actor(submission.Reviewer.Id, submission.Reviewer.Role),
            $"Set to wait for information by {submission.Reviewer.Role} {submission.Reviewer.Name}. Needed: {needed}");
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return StoreResult<CaseView>.Fail(StoreErrorKind.Conflict, $"Case {id} was changed by someone else at the same time; reload it and try again.");
        }
        return StoreResult<CaseView>.Ok(View(record));
    }

    public const int MaxInformationRequestLength = 2000;

    // ------------------------------------------------------------------ notices

    /// <summary>
    /// Reads a case to produce the adverse determination notice of one line, and audits it. A notice
    /// exists only for a line a physician upheld; any other line is Unprocessable.
    /// </summary>
    public async Task<StoreResult<CaseView>> RecordNoticeAsync(Guid id, int sequence, string format, Actor actor, CancellationToken cancellationToken)
    {
        var record = await Load(id, cancellationToken);
        if (record is null) return NotFound<CaseView>(id);
        var decision = record.Decisions.FirstOrDefault(d => d.Sequence == sequence);
        if (decision is not { Action: DecisionActions.Uphold })
            return StoreResult<CaseView>.Fail(StoreErrorKind.Unprocessable, $"Line {sequence} of case {id} is not a denial a physician upheld; it has no notice.");
        Audit(record, Now(), "notice-produced", actor, $"The adverse determination notice for line {sequence} was produced ({format}).");
        await db.SaveChangesAsync(cancellationToken);
        return StoreResult<CaseView>.Ok(View(record));
    }

    // ------------------------------------------------------------------ shared

    /// <summary>Takes a determination into the case: outcome, status, filters.</summary>
    private static void Apply(CaseRecord record, Determination determination, DateTime now)
    {
        record.DeterminationJson = DeterminationWriter.ToJson(determination, indented: false);
        record.Outcome = determination.Outcome.ToWire();
        record.Status = determination.Lines.Any(l => l.Outcome == LineOutcome.InformationRequired) ? CaseStatus.PendingInformation
            : determination.RequiresPhysicianReview ? CaseStatus.PendingPhysicianReview
            : CaseStatus.Final;
        record.Policies = string.Join(' ', determination.Lines.Where(l => l.Policy is not null).Select(l => l.Policy!.Id).Distinct());
        record.Modalities = string.Join(' ', determination.Lines.Where(l => l.Modality is not null).Select(l => l.Modality!).Distinct());
        record.UpdatedAt = now;
        if (record.Status == CaseStatus.Final)
        {
            // Favourable and administrative results are final at once (spec section 6).
            record.FinalizedAt = now;
            record.FinalOutcome = record.Outcome;
        }
    }

    private void Audit(CaseRecord record, DateTime at, string action, Actor actor, string detail) =>
        db.AuditEvents.Add(new AuditEventRecord
        {
            CaseId = record.Id, At = at, Action = action, Actor = actor.Id, ActorRole = actor.Role,
            ActorIssuer = actor.Issuer, ActorClient = actor.ClientId, ActorSubject = actor.Subject, Source = actor.Source, Detail = detail,
        });

    private Task<CaseRecord?> Load(Guid id, CancellationToken cancellationToken) =>
        db.Cases.Include(c => c.Decisions).FirstOrDefaultAsync(c => c.Id == id, cancellationToken);

    private DateTime Now() => time.GetUtcNow().UtcDateTime;

    private static StoreResult<T> NotFound<T>(Guid id) => StoreResult<T>.Fail(StoreErrorKind.NotFound, $"No case {id}.");

    private static string Hash(string json) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    internal static CaseView View(CaseRecord record) => new()
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
        Revision = record.Revision,
        RequestJson = record.RequestJson,
        DeterminationJson = record.DeterminationJson,
        Decisions = record.Decisions.OrderBy(d => d.Sequence)
            .Select(d => new DecisionView(d.Sequence, d.Action, d.Rationale, d.ReviewerId, d.ReviewerName, d.ReviewerRole, Utc(d.DecidedAt)))
            .ToList(),
    };

    private static CaseSummary Summary(CaseRecord record) => new(
        record.Id, record.RequestId, record.MemberKey.Length == 0 ? null : record.MemberKey, record.Status, record.Priority,
        record.Outcome, record.FinalOutcome, Utc(record.ReceivedAt), Utc(record.DueAt),
        record.Policies.Split(' ', StringSplitOptions.RemoveEmptyEntries), record.Modalities.Split(' ', StringSplitOptions.RemoveEmptyEntries),
        record.InformationRequest);

    /// <summary>What the workflow needs of each line of a stored determination.</summary>
    private sealed record LineSummary(int Sequence, string Outcome, LineOutcome LineOutcome, bool RequiresPhysicianReview);

    private static Dictionary<int, LineSummary> ReadLines(string determinationJson)
    {
        using var document = JsonDocument.Parse(determinationJson);
        var lines = new Dictionary<int, LineSummary>();
        foreach (var line in document.RootElement.GetProperty("lines").EnumerateArray())
        {
            var outcome = line.GetProperty("outcome").GetString()!;
            lines[line.GetProperty("sequence").GetInt32()] = new LineSummary(
                line.GetProperty("sequence").GetInt32(), outcome, WireNames.ParseLineOutcome(outcome), line.GetProperty("requiresPhysicianReview").GetBoolean());
        }
        return lines;
    }
}
