using Coverage.Engine.Catalogue;
using Coverage.Engine.Model;
using Coverage.Server.Errors;
using Coverage.Server.Security;
using Coverage.Server.Workbench;
using Coverage.Store;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Coverage.Server.Pages.Workbench;

/// <summary>
/// One case: the request, each line with its policy text, FDA checklist, evidence and trace, the audit
/// history; a physician decides lines here and any reviewer can set the case to wait for information.
/// Both actions go through CaseService, under the same rules as the REST API.
/// </summary>
public sealed partial class CaseModel(
    CaseService cases, CatalogueVersions catalogues, InformationRequestQuestionnaires requested, TimeProvider time, IAuthorizationService authorization) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    public CaseDetails? Details { get; private set; }
    public IReadOnlyList<AuditEventView> Audit { get; private set; } = [];
    /// <summary>Every addition of information, with its sender and values (the reviewer's view of what changed the case).</summary>
    public IReadOnlyList<InformationView> Information { get; private set; } = [];
    /// <summary>Each value the case holds, with the question it answered, its origin, sender and time (from <see cref="Information"/>).</summary>
    public IReadOnlyList<FactProvenance> Provenance { get; private set; } = [];
    /// <summary>The questionnaires a request for information would name now (the lines' missing facts), and those the open request names.</summary>
    public IReadOnlyList<Coverage.Fhir.Dtr.RequestedQuestionnaire> QuestionnairesToComplete { get; private set; } = [];
    public IReadOnlyList<Coverage.Fhir.Dtr.RequestedQuestionnaire> QuestionnairesRequested { get; private set; } = [];
    public DateTime Now { get; private set; }
    public string? Error { get; private set; }
    /// <summary>Why an appeal of this final, adverse case would be refused (one open, one decided, the window closed); null when it would be taken.</summary>
    public StoreError? AppealRefusal { get; private set; }

    [TempData]
    public string? Done { get; set; }

    /// <summary>What the reviewer typed, kept when the action fails so that nothing is lost.</summary>
    public int? FailedSequence { get; private set; }
    public string? FailedAction { get; private set; }
    public string? FailedText { get; private set; }

    public bool IsPhysician => User.IsInRole(ReviewerRoles.Physician);

    public BenefitPlan? Plan => Details?.Catalogue.FindPlan(Details.Request.Member.PlanId);

    /// <summary>The facts of the catalogue the case was decided with.</summary>
    public FactDefinitions Facts => (Details?.Catalogue ?? catalogues.Current).Facts;

    /// <summary>The longest rationale a physician may write (the API's limit); the page's maxlength is only a courtesy.</summary>
    public const int MaxRationaleLength = CaseService.MaxRationaleLength;

    /// <summary>The longest note of what information is needed (the API's limit).</summary>
    public const int MaxNeededLength = CaseService.MaxInformationRequestLength;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await Load(cancellationToken) ? Page() : NotFound();

    /// <summary>A POST naming no known action (no or an unknown handler): nothing to do, and the page must not render half-loaded.</summary>
    public IActionResult OnPost() => BadRequest();

    public async Task<IActionResult> OnPostDecideAsync(int sequence, string? action, string? rationale, CancellationToken cancellationToken)
    {
        // The workbench lets only physicians decide at all; CaseService then applies the API's rules.
        if (!(await authorization.AuthorizeAsync(User, WorkbenchSetup.PhysicianPolicy)).Succeeded) return Forbid(WorkbenchSetup.Scheme);
        string? problem;
        if (action is not (DecisionActions.Uphold or DecisionActions.Overturn)) problem = "Choose whether to uphold or overturn the recommendation.";
        else if (string.IsNullOrWhiteSpace(rationale)) problem = "Write the rationale for the decision: it is required, and an upheld denial quotes it in the member's notice.";
        else if (rationale.Length > MaxRationaleLength) problem = $"The rationale is {rationale.Length:N0} characters long; write at most {MaxRationaleLength:N0}.";
        else
        {
            var result = await cases.DecideAsync(Id, new DecisionSubmission([new LineDecisionInput(sequence, action, rationale.Trim())]), HttpContext.Caller(), cancellationToken);
            if (result.Error is null)
            {
                Done = result.Value!.Status == CaseStatus.Final
                    ? $"Line {sequence}: {Past(action)}. Every line is decided: the case is final."
                    : $"Line {sequence}: {Past(action)}.";
                return RedirectToPage(new { id = Id });
            }
            if (result.Error.Kind == StoreErrorKind.NotFound) return NotFound();
            problem = result.Error.Message;
            Response.StatusCode = StoreErrorStatus.Of(result.Error.Kind);
        }
        (FailedSequence, FailedAction, FailedText) = (sequence, action, rationale);
        return await Failed(problem, cancellationToken);
    }

    public async Task<IActionResult> OnPostRequestInformationAsync(string? needed, CancellationToken cancellationToken)
    {
        string problem;
        if (string.IsNullOrWhiteSpace(needed)) problem = "Say what information is needed: the provider is asked for exactly that.";
        else if (needed.Length > MaxNeededLength) problem = $"What is needed is {needed.Length:N0} characters long; write at most {MaxNeededLength:N0}.";
        else
        {
            var result = await Endpoints.CaseEndpoints.RequestWithQuestionnairesAsync(Id, needed, cases, requested, HttpContext.Caller(), cancellationToken);
            if (result.Error is null)
            {
                Done = "The case is now waiting for information; the provider is asked for it through PAS and the API.";
                return RedirectToPage(new { id = Id });
            }
            if (result.Error.Kind == StoreErrorKind.NotFound) return NotFound();
            problem = result.Error.Message;
            Response.StatusCode = StoreErrorStatus.Of(result.Error.Kind);
        }
        FailedText = needed;
        return await Failed(problem, cancellationToken);
    }

    /// <summary>A reviewer records an appeal the member or the provider sent: a case of its own, opened at once.</summary>
    public async Task<IActionResult> OnPostAppealAsync(string? filedBy, string? priority, string? reason, CancellationToken cancellationToken)
    {
        string problem;
        if (string.IsNullOrWhiteSpace(reason)) problem = "Write why the determination is contested: the appeal's physician reads it.";
        else
        {
            var submission = new AppealSubmission(filedBy ?? "", reason.Trim(), priority == "expedited" ? RequestPriority.Expedited : RequestPriority.Standard);
            var result = await cases.FileAppealAsync(Id, submission, HttpContext.Caller(), cancellationToken);
            if (result.Error is null)
            {
                Done = $"Appeal filed by the {submission.FiledBy}; it is due {Words.Utc(result.Value!.DueAt)}.";
                return RedirectToPage(new { id = result.Value.Id });
            }
            if (result.Error.Kind == StoreErrorKind.NotFound) return NotFound();
            problem = result.Error.Fields is { Count: > 0 } fields ? string.Join("; ", fields.Select(f => $"{f.Field}: {f.Message}")) : result.Error.Message;
            Response.StatusCode = StoreErrorStatus.Of(result.Error.Kind);
        }
        FailedText = reason;
        return await Failed(problem, cancellationToken);
    }

    private async Task<IActionResult> Failed(string problem, CancellationToken cancellationToken)
    {
        if (Response.StatusCode == StatusCodes.Status200OK) Response.StatusCode = StatusCodes.Status400BadRequest;
        Error = problem;
        return await Load(cancellationToken) ? Page() : NotFound();
    }

    private async Task<bool> Load(CancellationToken cancellationToken)
    {
        Now = time.GetUtcNow().UtcDateTime;
        var caller = HttpContext.Caller();
        var result = await cases.GetAsync(Id, caller, cancellationToken);
        if (result.Error is not null) return false;
        Details = await CaseDetails.ReadAsync(result.Value!, catalogues, cancellationToken);
        Information = (await cases.GetInformationAsync(Id, caller, cancellationToken)).Value ?? [];
        Provenance = FactProvenance.Of(Details, Information);
        QuestionnairesToComplete = await requested.ToCompleteAsync(result.Value!, cancellationToken);
        QuestionnairesRequested = await requested.OfOpenRequestAsync(result.Value!, cancellationToken);
        Audit = (await cases.GetAuditAsync(Id, caller, cancellationToken)).Value ?? [];
        // The appeal form is offered only when the server would take the appeal (the same rules as filing it).
        AppealRefusal = result.Value!.Status == CaseStatus.Final && result.Value.Appeal is null && Details.Lines.Any(l => l.IsAdverse)
            ? await cases.AppealRefusalAsync(Id, caller, cancellationToken)
            : null;
        return true;
    }

    private static string Past(string action) => action == DecisionActions.Uphold ? "the denial is upheld" : "the recommendation is overturned; the service is approved";

    public string FactLabel(string name) => Facts.Find(name)?.Description.TrimEnd('.') ?? name;

    /// <summary>
    /// A fact a criterion read, with this member's value: "Age on the date of service: 67 years", "Pain score: not stated".
    /// Derived facts are shown as the engine derived them for the line (the age, a time since a date, a count).
    /// </summary>
    public string StatedFact(string name, ServiceLine? line)
    {
        if (Details is null) return name;
        if (name == DiagnosisIn.FactName)
            return "Diagnoses: " + (Details.Request.Diagnoses.Count == 0 ? "not stated" : string.Join(", ", Details.Request.Diagnoses.Select(CodeFormats.DisplayIcd10)));
        var definition = Facts.Find(name);
        if (definition?.DerivedFrom is { } derived)
        {
            var source = derived switch
            {
                FactDefinitions.AgeOnDateOfService => Details.AgeOnDateOfService is { } age ? $"{age} years" : null,
                FactDefinitions.MemberSex => Details.Request.Member.Sex,
                FactDefinitions.PlaceOfService => line is null ? Details.Request.PlaceOfService : Details.Request.PlaceOfServiceOf(line),
                _ => Details.Request.Clinical.TryGet(definition.Of!, out var of) ? CaseDetails.FactText(Facts.Find(definition.Of!), definition.Of!, of) : null,
            };
            return $"{definition.Description.TrimEnd('.')}: {source ?? "not stated"}";
        }
        return Details.Request.Clinical.TryGet(name, out var value) ? CaseDetails.FactText(definition, name, value) : $"{FactLabel(name)}: not stated";
    }

    public static string ResultClass(CriterionResult result) => result switch
    {
        CriterionResult.Met => "ok",
        CriterionResult.Unmet => "bad",
        _ => "warn",
    };

    public static string ResultMark(CriterionResult result) => result switch
    {
        CriterionResult.Met => "✓",
        CriterionResult.Unmet => "✗",
        _ => "?",
    };
}
