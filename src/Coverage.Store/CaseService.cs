using System.Text.Json.Nodes;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;
using Coverage.Engine.Model;
using Coverage.Store.Commands;
using Coverage.Store.Queries;

namespace Coverage.Store;

/// <summary>
/// The cases, as the server's endpoints and pages use them: one entry for each command (Commands/) and query
/// (Queries/), so that callers need one service. The rules are the workflow's (Coverage.Cases.CaseWorkflow); the
/// handlers apply them to the stored cases and audit every change and read in the same transaction.
/// </summary>
public sealed class CaseService(CoverageDbContext db, Evaluator evaluator, TimeProvider time, NewCaseWriter newCases)
{
    public const int MaxPageSize = CaseQueryRules.MaxPageSize;
    public const int MaxPage = CaseQueryRules.MaxPage;
    public const int MaxRationaleLength = CaseWorkflow.MaxRationaleLength;
    public const int MaxInformationRequestLength = CaseWorkflow.MaxInformationRequestLength;

    private readonly CaseRecords _records = new(db, time, newCases);

    /// <summary>
    /// Evaluates and stores a new case of the caller's organisation, or returns the case of that organisation
    /// already holding this request under its request id for this member. <paramref name="externalKey"/> is how the
    /// submitter's system names the request beyond its id (PAS: Claim.identifier system and value, provider); an
    /// inquiry must name it again. <paramref name="usedIds"/> says what a different request under a used id is.
    /// </summary>
    /// <param name="pasRequestBundle">A PAS submission's request Bundle as sent: kept with the case, in its transaction, when the case is not final.</param>
    /// <param name="answers">Questionnaire answers that came with the request (PAS: QuestionnaireResponses in supportingInfo), each an information document kept in the case's information history.</param>
    public Task<StoreResult<CaseView>> SubmitAsync(
        CoverageRequest request, Caller caller, CancellationToken cancellationToken, string? externalKey = null, Utf8Json? pasRequestBundle = null,
        IReadOnlyList<JsonObject>? answers = null, UsedRequestIds usedIds = UsedRequestIds.Conflict) =>
        new SubmitCase(_records, evaluator).HandleAsync(request, caller, externalKey, pasRequestBundle, answers ?? [], usedIds, cancellationToken);

    public Task<StoreResult<CaseView>> GetAsync(Guid id, Caller caller, CancellationToken cancellationToken) =>
        new ReadCase(_records).ByIdAsync(id, caller, cancellationToken);

    /// <summary>
    /// The cases of the caller's organisation a PAS inquiry names (request ids or case numbers, for the member) that
    /// pass its own test <paramref name="answers"/> (provider, items); each returned is a read, audited.
    /// </summary>
    public Task<StoreResult<IReadOnlyList<CaseView>>> FindForInquiryAsync(
        string memberKey, IReadOnlyList<string> requestIds, IReadOnlyList<Guid> caseNumbers, Func<CaseView, bool> answers, Caller caller,
        CancellationToken cancellationToken) =>
        new FindForInquiry(_records).HandleAsync(memberKey, requestIds, caseNumbers, answers, caller, cancellationToken);

    /// <summary>
    /// A provider's update or cancellation of a request it submitted (PAS Claim update), on the existing case with its
    /// history (see <see cref="UpdateCase"/>). <paramref name="updatesCase"/> says whether a case's external key names
    /// the request the update updates (its provider, its identifier).
    /// </summary>
    public Task<StoreResult<CaseView>> UpdateAsync(
        CaseUpdate update, string memberKey, Func<string?, bool> updatesCase, Caller caller, CancellationToken cancellationToken,
        IReadOnlyList<JsonObject>? answers = null) =>
        new UpdateCase(_records, evaluator).HandleAsync(update, memberKey, updatesCase, caller, answers ?? [], cancellationToken);

    /// <summary>Cases matching the query, a page at a time; each case listed is a read and is audited.</summary>
    public Task<StoreResult<CasePage>> ListAsync(CaseQuery query, Caller caller, CancellationToken cancellationToken) =>
        new ListCases(_records).HandleAsync(query, caller, cancellationToken);

    public Task<StoreResult<IReadOnlyList<AuditEventView>>> GetAuditAsync(Guid id, Caller caller, CancellationToken cancellationToken) =>
        new ReadAudit(_records).HandleAsync(id, caller, cancellationToken);

    /// <summary>Records a physician's decisions (the physician is the authenticated caller, never a name in a body).</summary>
    public Task<StoreResult<CaseView>> DecideAsync(Guid id, DecisionSubmission submission, Caller caller, CancellationToken cancellationToken) =>
        new DecideLines(_records).HandleAsync(id, submission, caller, cancellationToken);

    /// <summary>Completes a case waiting for information and re-evaluates it (see <see cref="AddInformation"/>).</summary>
    public Task<StoreResult<CaseView>> AddInformationAsync(Guid id, JsonObject information, Caller caller, CancellationToken cancellationToken) =>
        new AddInformation(_records, evaluator).HandleAsync(id, information, caller, cancellationToken);

    /// <summary>Every addition of information to a case, oldest first, with its values and sender; a read, audited.</summary>
    public Task<StoreResult<IReadOnlyList<InformationView>>> GetInformationAsync(Guid id, Caller caller, CancellationToken cancellationToken) =>
        new ReadInformation(_records).HandleAsync(id, caller, cancellationToken);

    /// <summary>A reviewer sets a case waiting for a physician to wait for information instead.</summary>
    public Task<StoreResult<CaseView>> RequestInformationAsync(Guid id, InformationRequestSubmission submission, Caller caller, CancellationToken cancellationToken) =>
        new RequestInformation(_records).HandleAsync(id, submission, caller, cancellationToken);

    /// <summary>A reviewer extends an open case's decision clock, where its rules allow (see <see cref="ExtendClock"/>).</summary>
    public Task<StoreResult<CaseView>> ExtendAsync(Guid id, ExtensionSubmission submission, Caller caller, CancellationToken cancellationToken) =>
        new ExtendClock(_records).HandleAsync(id, submission, caller, cancellationToken);

    /// <summary>Files an appeal of a case's adverse determination, as a case of its own linked to it (see <see cref="FileAppeal"/>).</summary>
    public Task<StoreResult<CaseView>> FileAppealAsync(Guid id, AppealSubmission submission, Caller caller, CancellationToken cancellationToken) =>
        new FileAppeal(_records, evaluator).HandleAsync(id, submission, caller, cancellationToken);

    /// <summary>
    /// Why the case cannot be appealed now (the rules <see cref="FileAppealAsync"/> applies: final, adverse, no appeal
    /// open or decided, within the window), or null when it can; not found when the caller may not see it. Nothing is written.
    /// </summary>
    public async Task<StoreError?> AppealRefusalAsync(Guid id, Caller caller, CancellationToken cancellationToken) =>
        await _records.LoadForAsync(id, caller, cancellationToken) is { } original
            ? await FileAppeal.CheckAsync(_records, evaluator, original, _records.Now(), cancellationToken)
            : new StoreError(StoreErrorKind.NotFound, $"No case {id}.");

    /// <summary>A physician records a peer-to-peer discussion with the requesting provider on a case.</summary>
    public Task<StoreResult<CaseView>> RecordPeerToPeerAsync(Guid id, PeerToPeerSubmission submission, Caller caller, CancellationToken cancellationToken) =>
        new RecordPeerToPeer(_records).HandleAsync(id, submission, caller, cancellationToken);

    /// <summary>Payer staff record that an appeal's external review was requested, or its result.</summary>
    public Task<StoreResult<CaseView>> RecordExternalReviewAsync(Guid id, ExternalReviewSubmission submission, Caller caller, CancellationToken cancellationToken) =>
        new RecordExternalReview(_records).HandleAsync(id, submission, caller, cancellationToken);

    /// <summary>The CMS-0057-F prior-authorization metrics of the period [from, to), stratified (see <see cref="ReportPriorAuthorization"/>); payer staff only.</summary>
    public Task<StoreResult<PriorAuthorizationReport>> ReportAsync(DateTime from, DateTime to, Caller caller, CancellationToken cancellationToken) =>
        ReportAsync(from, to, ReportScope.Everything, caller, cancellationToken);

    /// <summary>The same, of the requests of one line of business and/or plan (a reporting unit).</summary>
    public Task<StoreResult<PriorAuthorizationReport>> ReportAsync(DateTime from, DateTime to, ReportScope scope, Caller caller, CancellationToken cancellationToken) =>
        new ReportPriorAuthorization(_records, evaluator.Catalogue).HandleAsync(from, to, scope, caller, cancellationToken);

    /// <summary>
    /// Re-decides every initial case's stored request under the runner's two catalogues into <paramref name="report"/>
    /// (docs/impact-and-import.md); payer staff only, audited once with both catalogues and the number of requests read.
    /// </summary>
    public Task<StoreResult<long>> ImpactAsync(
        Cases.Impact.ImpactRunner runner, Cases.Impact.ImpactReport report, Caller caller, Action<Cases.Impact.ImpactLine>? changed, CancellationToken cancellationToken) =>
        new RunImpact(_records).HandleAsync(runner, report, caller, changed, cancellationToken);

    /// <summary>Reads a case to produce the adverse determination notice of one line, and audits it.</summary>
    public Task<StoreResult<CaseView>> RecordNoticeAsync(Guid id, int sequence, string format, Caller caller, CancellationToken cancellationToken) =>
        new ProduceNotice(_records).HandleAsync(id, sequence, format, caller, cancellationToken);
}
