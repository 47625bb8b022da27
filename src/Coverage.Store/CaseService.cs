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
    /// <summary>Pages beyond this are refused: (page - 1) * size must never overflow, and nobody pages a million deep.</summary>
    public const int MaxPage = 1_000_000;

    // ------------------------------------------------------------------ submit

    /// <summary>
    /// Evaluates and stores a new case of the caller's organisation, or returns the case of that organisation
    /// already holding this request id for this member. <paramref name="externalKey"/> is how the submitter's
    /// system names the request beyond its id (PAS: Claim.identifier system and value, provider); an inquiry must
    /// name it again.
    /// </summary>
    public async Task<StoreResult<CaseView>> SubmitAsync(CoverageRequest request, Caller caller, CancellationToken cancellationToken, string? externalKey = null)
    {
        var requestJson = RequestWriter.ToJson(request);
        var hash = Hash(requestJson + "\n" + externalKey);
        var memberKey = request.Member.Id ?? "";
        var actor = caller.Actor;

        if (request.RequestId is not null)
        {
            var existing = await FindByRequestId(caller.Tenant, memberKey, request.RequestId, cancellationToken);
            if (existing is not null) return await Resubmitted(existing, hash, actor, cancellationToken);
        }

        var now = Now();
        var determination = evaluator.Evaluate(request);
        var record = new CaseRecord
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()),
            RequestId = request.RequestId,
            Tenant = caller.Tenant,
            SubmittedBy = actor.Id,
            ExternalKey = externalKey,
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
            var winner = await FindByRequestId(caller.Tenant, memberKey, request.RequestId, cancellationToken);
            if (winner is null) throw;
            return await Resubmitted(winner, hash, actor, cancellationToken);
        }
        return StoreResult<CaseView>.Ok(View(record), created: true);
    }

    private async Task<StoreResult<CaseView>> Resubmitted(CaseRecord existing, string hash, Actor actor, CancellationToken cancellationToken)
    {
        if (existing.RequestHash != hash)
            return StoreResult<CaseView>.Fail(StoreErrorKind.Conflict,
                $"Request id '{InputEcho.Truncate(existing.RequestId)}' was already used for this member with a different request (case {existing.Id}); use a new request id.");
        Audit(existing, Now(), "case-resubmitted", actor, "The same request was submitted again; the existing case was returned.");
        await db.SaveChangesAsync(cancellationToken);
        return StoreResult<CaseView>.Ok(View(existing));
    }

    /// <summary>Request ids are the submitter's own: they are looked up only within its organisation.</summary>
    private Task<CaseRecord?> FindByRequestId(string tenant, string memberKey, string requestId, CancellationToken cancellationToken) =>
        db.Cases.Include(c => c.Decisions).FirstOrDefaultAsync(c => c.Tenant == tenant && c.MemberKey == memberKey && c.RequestId == requestId, cancellationToken);

    // ------------------------------------------------------------------ read

    public async Task<StoreResult<CaseView>> GetAsync(Guid id, Caller caller, CancellationToken cancellationToken)
    {
        var record = await LoadFor(id, caller, cancellationToken);
        if (record is null) return NotFound<CaseView>(id);
        Audit(record, Now(), "case-read", caller.Actor, "The case was read.");
        await db.SaveChangesAsync(cancellationToken);
        return StoreResult<CaseView>.Ok(View(record));
    }

    /// <summary>
    /// The case of a request id for a member (PAS $inquire), within the caller's organisation and only when the
    /// submitter's own name of the request (<paramref name="externalKey"/>) is the same; a read, audited.
    /// </summary>
    public async Task<StoreResult<CaseView>> FindByRequestAsync(string? memberId, string requestId, string? externalKey, Caller caller, CancellationToken cancellationToken)
    {
        var record = await FindByRequestId(caller.Tenant, memberId ?? "", requestId, cancellationToken);
        if (record is null || record.ExternalKey != externalKey)
            return StoreResult<CaseView>.Fail(StoreErrorKind.NotFound, $"No case of yours holds request id '{InputEcho.Truncate(requestId)}' for this member and provider.");
        Audit(record, Now(), "case-read", caller.Actor, "The case was read by an inquiry on its request id.");
        await db.SaveChangesAsync(cancellationToken);
        return StoreResult<CaseView>.Ok(View(record));
    }

    /// <summary>
    /// Cases matching the query (any of the statuses, a modality, a policy), oldest first or soonest due
    /// first (the reviewers' queue); each case listed is a read and is audited.
    /// </summary>
    public async Task<StoreResult<CasePage>> ListAsync(CaseQuery query, Caller caller, CancellationToken cancellationToken)
    {
        var actor = caller.Actor;
        var errors = new List<InputError>();
        foreach (var status in query.Statuses)
            if (!CaseStatus.All.Contains(status))
                errors.Add(new InputError("status", $"'{status}' is not one of {string.Join(", ", CaseStatus.All)}"));
        if (query.Modality is { } m && !IsFilterWord(m)) errors.Add(new InputError("modality", $"'{m}' is not a modality id (letters, digits, '-', '.')"));
        if (query.Policy is { } p && !IsFilterWord(p)) errors.Add(new InputError("policy", $"'{p}' is not a policy id (letters, digits, '-', '.')"));
        if (query.Page is < 1 or > MaxPage) errors.Add(new InputError("page", $"must be from 1 to {MaxPage}"));
        if (query.PageSize is < 1 or > MaxPageSize) errors.Add(new InputError("pageSize", $"must be from 1 to {MaxPageSize}"));
        if (errors.Count > 0) return StoreResult<CasePage>.Fail(StoreErrorKind.Invalid, "Invalid query.", errors);

        var cases = db.Cases.AsQueryable();
        // A submitter lists only its own organisation's cases; payer staff list all.
        if (caller.Access != CallerAccess.PayerStaff) cases = cases.Where(c => c.Tenant == caller.Tenant);
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

    public async Task<StoreResult<IReadOnlyList<AuditEventView>>> GetAuditAsync(Guid id, Caller caller, CancellationToken cancellationToken)
    {
        var record = await LoadFor(id, caller, cancellationToken);
        if (record is null) return NotFound<IReadOnlyList<AuditEventView>>(id);
        Audit(record, Now(), "audit-read", caller.Actor, "The case's audit history was read.");
        await db.SaveChangesAsync(cancellationToken);
        var events = await db.AuditEvents.Where(a => a.CaseId == id).OrderBy(a => a.Id).ToListAsync(cancellationToken);
        return StoreResult<IReadOnlyList<AuditEventView>>.Ok(
            events.Select(AuditEventView.From).ToList());
    }

    // ------------------------------------------------------------------ decide

    /// <summary>Free text a reviewer writes: a rationale is quoted in the member's notice; at most this long.</summary>
    public const int MaxRationaleLength = 4000;

    /// <summary>
    /// Records a physician's decisions. The decider is the authenticated caller, never a name in a body: only a
    /// configured physician (a person, not a machine client) may uphold or overturn (spec section 6). Only lines
    /// that are adverse medical-necessity recommendations are decided, and lines a re-evaluation was held on for
    /// review (which a physician confirms); the case is final once every such line is.
    /// </summary>
    public async Task<StoreResult<CaseView>> DecideAsync(Guid id, DecisionSubmission submission, Caller caller, CancellationToken cancellationToken)
    {
        if (!caller.IsPhysician)
            return StoreResult<CaseView>.Fail(StoreErrorKind.Forbidden, caller.Person is null
                ? "Only a physician, signed in as themself, may decide a medical-necessity recommendation; a client's own token cannot decide."
                : $"Only a physician may decide a medical-necessity recommendation; {caller.Person.Id} is a {caller.Person.Role}.");
        var invalid = ValidateSubmission(submission);
        if (invalid.Count > 0) return StoreResult<CaseView>.Fail(StoreErrorKind.Invalid, "The decision is malformed.", invalid);

        var record = await LoadFor(id, caller, cancellationToken);
        if (record is null) return NotFound<CaseView>(id);
        if (record.Status == CaseStatus.Final)
            return StoreResult<CaseView>.Fail(StoreErrorKind.Conflict, $"Case {id} is final; its decisions cannot change.");
        if (record.Status == CaseStatus.PendingInformation)
            return StoreResult<CaseView>.Fail(StoreErrorKind.Conflict, $"Case {id} is waiting for information; it can be decided once the information is added.");

        var lines = ReadLines(record.DeterminationJson);
        var held = HeldLines(record);
        foreach (var decision in submission.Lines)
        {
            if (!lines.TryGetValue(decision.Sequence, out var line))
                return StoreResult<CaseView>.Fail(StoreErrorKind.Unprocessable, $"Case {id} has no line {decision.Sequence}.");
            if (!line.RequiresPhysicianReview && !held.Contains(decision.Sequence))
                return StoreResult<CaseView>.Fail(StoreErrorKind.Unprocessable,
                    $"Line {decision.Sequence} ({line.Outcome}) is not a medical-necessity recommendation; there is nothing for a reviewer to decide.");
            if (!line.RequiresPhysicianReview && decision.Action == DecisionActions.Overturn)
                return StoreResult<CaseView>.Fail(StoreErrorKind.Unprocessable,
                    $"Line {decision.Sequence} ({line.Outcome}) was held for review after information was added: uphold confirms its re-evaluation; to question it, ask for information.");
            if (record.Decisions.Any(d => d.Sequence == decision.Sequence))
                return StoreResult<CaseView>.Fail(StoreErrorKind.Conflict, $"Line {decision.Sequence} of case {id} is already decided.");
        }

        var now = Now();
        var reviewer = caller.Person!;
        foreach (var decision in submission.Lines)
        {
            record.Decisions.Add(new LineDecisionRecord
            {
                CaseId = record.Id,
                Sequence = decision.Sequence,
                Action = decision.Action,
                Rationale = decision.Rationale,
                ReviewerId = reviewer.Id,
                ReviewerName = reviewer.Name,
                ReviewerRole = reviewer.Role,
                DecidedAt = now,
            });
            Audit(record, now, "line-decided", caller.Actor,
                $"Line {decision.Sequence}: {decision.Action} by {reviewer.Role} {reviewer.Name}. Rationale: {decision.Rationale}");
        }

        var undecided = lines.Values.Where(l => (l.RequiresPhysicianReview || held.Contains(l.Sequence)) && record.Decisions.All(d => d.Sequence != l.Sequence)).ToList();
        if (undecided.Count == 0)
        {
            record.Status = CaseStatus.Final;
            record.FinalizedAt = now;
            record.FinalOutcome = FinalOutcome(lines.Values, record.Decisions);
            Audit(record, now, "case-finalized", caller.Actor, $"Every line is decided; final outcome {record.FinalOutcome}.");
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
        if (submission.Lines.Count == 0) errors.Add(new("lines", "required: at least one line decision"));
        for (var i = 0; i < submission.Lines.Count; i++)
        {
            var line = submission.Lines[i];
            if (submission.Lines.Take(i).Any(l => l.Sequence == line.Sequence)) errors.Add(new($"lines[{i}].sequence", $"line {line.Sequence} is decided twice"));
            if (line.Action is not (DecisionActions.Uphold or DecisionActions.Overturn))
                errors.Add(new($"lines[{i}].action", $"'{InputEcho.Truncate(line.Action)}' is not uphold or overturn"));
            if (string.IsNullOrWhiteSpace(line.Rationale)) errors.Add(new($"lines[{i}].rationale", "required: the reviewer's rationale"));
            else if (line.Rationale.Length > MaxRationaleLength) errors.Add(new($"lines[{i}].rationale", $"at most {MaxRationaleLength} characters ({line.Rationale.Length} given)"));
        }
        return errors;
    }

    private static string FinalOutcome(IEnumerable<LineSummary> lines, IReadOnlyList<LineDecisionRecord> decisions)
    {
        var outcomes = lines.Select(line =>
        {
            var decision = decisions.FirstOrDefault(d => d.Sequence == line.Sequence);
            // An overturned medical-necessity denial is approved; an upheld one (or a confirmed held line) stands.
            return decision?.Action == DecisionActions.Overturn ? LineOutcome.Covered : line.LineOutcome;
        }).ToList();
        return Evaluator.Aggregate(outcomes).ToWire();
    }

    // ------------------------------------------------------------------ information

    /// <summary>
    /// Completes a case waiting for information. Information is appended, never overwrites what the case
    /// holds (a fact, description or birth date already given is refused); only the submitting organisation
    /// or payer staff may add it; each addition is kept with its values and sender for reviewers
    /// (<see cref="GetInformationAsync"/>). The case is re-evaluated; when descriptions were added to a case
    /// that was headed to physician review and the re-evaluation would make those lines final without one,
    /// the case goes to a reviewer instead (the lines are held).
    /// </summary>
    public async Task<StoreResult<CaseView>> AddInformationAsync(Guid id, JsonObject information, Caller caller, CancellationToken cancellationToken)
    {
        var record = await LoadFor(id, caller, cancellationToken);
        if (record is null) return NotFound<CaseView>(id);
        if (record.Status != CaseStatus.PendingInformation)
            return StoreResult<CaseView>.Fail(StoreErrorKind.Conflict, $"Case {id} is {record.Status}, not waiting for information.");

        var errors = new List<InputError>();
        var merged = InformationMerge.Merge(JsonNode.Parse(record.RequestJson)!.AsObject(), information, errors, out var describedLines);
        if (errors.Count > 0) return StoreResult<CaseView>.Fail(StoreErrorKind.Invalid, "The information is malformed.", errors);
        var read = RequestReader.Read(merged.ToJsonString(), evaluator.Catalogue);
        if (!read.IsValid) return StoreResult<CaseView>.Fail(StoreErrorKind.Invalid, "The information makes the request invalid.", read.Errors);

        var now = Now();
        var before = record.Outcome;
        var previousLines = ReadLines(record.DeterminationJson);
        var headedToReview = record.InformationRequest is not null || previousLines.Values.Any(l => l.RequiresPhysicianReview);
        record.RequestJson = RequestWriter.ToJson(read.Request!);
        record.InformationRequest = null; // answered: the re-evaluation decides where the case goes next
        var determination = evaluator.Evaluate(read.Request!);
        Apply(record, determination, now);
        record.Revision++;
        db.CaseInformation.Add(new CaseInformationRecord
        {
            CaseId = record.Id, At = now, Actor = caller.Actor.Id, ActorRole = caller.Actor.Role, ActorClient = caller.Actor.ClientId,
            Tenant = caller.Tenant, InformationJson = information.ToJsonString(),
        });
        Audit(record, now, "information-added", caller.Actor, $"Information added: {string.Join(", ", information.Select(p => p.Key))} (the values are in the case's information history).");

        // Descriptions decide what an unlisted code is: added to a case headed to review, they must not send it
        // past the physician. Lines that are now final without review are held for a physician to confirm.
        var held = headedToReview && record.Status != CaseStatus.PendingInformation
            ? determination.Lines.Where(l => describedLines.Contains(l.Sequence) && !l.RequiresPhysicianReview).Select(l => l.Sequence).ToList()
            : [];
        if (held.Count > 0)
        {
            record.HeldLines = string.Join(' ', held);
            record.Status = CaseStatus.PendingPhysicianReview;
            record.FinalizedAt = null;
            record.FinalOutcome = null;
            Audit(record, now, "case-held-for-review", caller.Actor,
                $"Descriptions were added to a case headed to physician review; line(s) {string.Join(", ", held)} would have become final without one, so a physician confirms them.");
        }
        Audit(record, now, "case-reevaluated", caller.Actor, $"Re-evaluated: {before} → {record.Outcome}; status {record.Status}.");
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

    /// <summary>Every addition of information to a case, oldest first, with its values and sender; a read, audited.</summary>
    public async Task<StoreResult<IReadOnlyList<InformationView>>> GetInformationAsync(Guid id, Caller caller, CancellationToken cancellationToken)
    {
        var record = await LoadFor(id, caller, cancellationToken);
        if (record is null) return NotFound<IReadOnlyList<InformationView>>(id);
        var additions = await db.CaseInformation.Where(i => i.CaseId == id).OrderBy(i => i.Id).ToListAsync(cancellationToken);
        Audit(record, Now(), "information-read", caller.Actor, "The case's information history was read.");
        await db.SaveChangesAsync(cancellationToken);
        return StoreResult<IReadOnlyList<InformationView>>.Ok(additions
            .Select(i => new InformationView(Utc(i.At), i.Actor, i.ActorRole, i.ActorClient, i.InformationJson)).ToList());
    }

    /// <summary>
    /// A reviewer (nurse or physician, a configured person) sets a case waiting for a physician aside until the
    /// provider sends what is needed: pending-physician-review → pending-information, with the request kept on
    /// the case and in its audit. The information, once added, re-evaluates the case (AddInformationAsync).
    /// </summary>
    public async Task<StoreResult<CaseView>> RequestInformationAsync(Guid id, InformationRequestSubmission submission, Caller caller, CancellationToken cancellationToken)
    {
        if (!caller.IsReviewer)
            return StoreResult<CaseView>.Fail(StoreErrorKind.Forbidden,
                "Only a reviewer (a nurse or physician, signed in as themself) may set a case to wait for information; a client's own token cannot.");
        var errors = new List<InputError>();
        if (string.IsNullOrWhiteSpace(submission.Needed)) errors.Add(new("needed", "required: what information is needed, and from whom"));
        else if (submission.Needed.Length > MaxInformationRequestLength) errors.Add(new("needed", $"at most {MaxInformationRequestLength} characters ({submission.Needed.Length} given)"));
        if (errors.Count > 0) return StoreResult<CaseView>.Fail(StoreErrorKind.Invalid, "The information request is malformed.", errors);

        var record = await LoadFor(id, caller, cancellationToken);
        if (record is null) return NotFound<CaseView>(id);
        if (record.Status != CaseStatus.PendingPhysicianReview)
            return StoreResult<CaseView>.Fail(StoreErrorKind.Conflict,
                $"Case {id} is {record.Status}; only a case waiting for physician review can be set to wait for information.");

        var now = Now();
        var needed = submission.Needed.Trim();
        var reviewer = caller.Person!;
        record.Status = CaseStatus.PendingInformation;
        record.InformationRequest = needed;
        record.HeldLines = null;
        record.UpdatedAt = now;
        record.Revision++;
        Audit(record, now, "information-requested", caller.Actor, $"Set to wait for information by {reviewer.Role} {reviewer.Name}. Needed: {needed}");
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
    public async Task<StoreResult<CaseView>> RecordNoticeAsync(Guid id, int sequence, string format, Caller caller, CancellationToken cancellationToken)
    {
        var record = await LoadFor(id, caller, cancellationToken);
        if (record is null) return NotFound<CaseView>(id);
        var decision = record.Decisions.FirstOrDefault(d => d.Sequence == sequence);
        if (decision is not { Action: DecisionActions.Uphold } || !ReadLines(record.DeterminationJson).TryGetValue(sequence, out var line) || !line.RequiresPhysicianReview)
            return StoreResult<CaseView>.Fail(StoreErrorKind.Unprocessable, $"Line {sequence} of case {id} is not a denial a physician upheld; it has no notice.");
        Audit(record, Now(), "notice-produced", caller.Actor, $"The adverse determination notice for line {sequence} was produced ({format}).");
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
        record.HeldLines = null;
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

    /// <summary>
    /// The case, when the caller may see it. Another organisation's case is answered exactly like a missing one
    /// (nothing tells a caller that it exists), and the refused attempt is audited on that case.
    /// </summary>
    private async Task<CaseRecord?> LoadFor(Guid id, Caller caller, CancellationToken cancellationToken)
    {
        var record = await db.Cases.Include(c => c.Decisions).FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (record is null || caller.MaySee(record.Tenant)) return record;
        Audit(record, Now(), "access-refused", caller.Actor, "The case was asked for by a caller of another organisation; it was answered as not found.");
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    private static HashSet<int> HeldLines(CaseRecord record) =>
        (record.HeldLines ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToHashSet();

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
        HeldLines = HeldLines(record).Order().ToList(),
        Tenant = record.Tenant,
        SubmittedBy = record.SubmittedBy,
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
