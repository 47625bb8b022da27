using System.Globalization;
using System.Text.Json.Nodes;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Validation;
using Coverage.Fhir;
using Coverage.Fhir.Dtr;
using Coverage.Server.Errors;
using Coverage.Server.Security;
using Coverage.Store;

namespace Coverage.Server.Endpoints;

/// <summary>Cases: read, list, decide, complete with information, and their audit history.</summary>
internal static class CaseEndpoints
{
    public static RouteGroupBuilder MapCaseEndpoints(this RouteGroupBuilder api)
    {
        var cases = api.MapGroup("/cases").WithTags("Cases");
        cases.MapGet("/{id:guid}", Get).RequireAuthorization(ApiAuthentication.ReadCases).WithName("GetCase").WithSummary("A case with its determination and decisions")
            .Produces<CaseResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        cases.MapGet("/", List).RequireAuthorization(ApiAuthentication.ReadCases).WithName("ListCases")
            .WithSummary("Cases, oldest first, optionally of one status (final, pending-physician-review, pending-information), one modality and one policy")
            .Produces<CasePageResponse>().ProducesValidationProblem();
        cases.MapPost("/{id:guid}/decisions", Decide).RequireAuthorization(ApiAuthentication.DecideCases).WithName("DecideCase")
            .WithSummary("The authenticated physician (a user-context token of a configured physician) upholds or overturns adverse medical-necessity recommendations")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .Accepts<DecisionDocument>("application/json")
            .Produces<CaseResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        cases.MapPost("/{id:guid}/information", AddInformation).RequireAuthorization(ApiAuthentication.WriteCases).WithName("AddCaseInformation")
            .WithSummary("Send the information a pended case needs (clinical facts, diagnoses, line descriptions, birth date); the case is re-evaluated")
            .Accepts<InformationDocument>("application/json")
            .Produces<CaseResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        cases.MapPost("/{id:guid}/information-requests", RequestInformation).RequireAuthorization(ApiAuthentication.DecideCases).WithName("RequestCaseInformation")
            .WithSummary("The authenticated reviewer (nurse or physician) sets a case waiting for physician review to wait for information, saying what is needed")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .Accepts<InformationRequestDocument>("application/json")
            .Produces<CaseResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        cases.MapGet("/{id:guid}/information", Information).RequireAuthorization(ApiAuthentication.ReadCases).WithName("GetCaseInformation")
            .WithSummary("Every addition of information to the case, with who sent it and the values sent")
            .Produces<InformationHistoryResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        cases.MapGet("/{id:guid}/audit", Audit).RequireAuthorization(ApiAuthentication.ReadAudit).WithName("GetCaseAudit").WithSummary("The case's append-only history")
            .Produces<AuditResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<IResult> Get(Guid id, HttpContext context, CaseService cases, InformationRequestQuestionnaires requested, CancellationToken cancellationToken)
    {
        var result = await cases.GetAsync(id, context.Caller(), cancellationToken);
        if (result.Error is not null) return ApiProblems.From(result.Error);
        return TypedResults.Ok(CaseResponse.From(result.Value!, await requested.OfOpenRequestAsync(result.Value!, cancellationToken)));
    }

    private static readonly string[] ListParameters = ["status", "modality", "policy", "page", "pageSize"];

    private static async Task<IResult> List(
        string? status, string? modality, string? policy, string? page, string? pageSize, HttpContext context, CaseService cases, CancellationToken cancellationToken)
    {
        if (QueryParameters.Problem(context.Request.Query, ListParameters) is { } wrong)
            return ApiProblems.Invalid("Invalid query.", [new InputError(wrong.Name, wrong.Message)]);
        var errors = new List<InputError>();
        var pageNumber = Number(page, "page", 1, errors);
        var size = Number(pageSize, "pageSize", 20, errors);
        if (errors.Count > 0) return ApiProblems.Invalid("Invalid query.", errors);
        var query = new CaseQuery { Statuses = status is null ? [] : [status], Modality = modality, Policy = policy, Page = pageNumber, PageSize = size };
        var result = await cases.ListAsync(query, context.Caller(), cancellationToken);
        if (result.Error is not null) return ApiProblems.From(result.Error);
        var value = result.Value!;
        return TypedResults.Ok(new CasePageResponse(value.Items, value.Page, value.PageSize, value.Total));
    }

    private static async Task<IResult> Decide(Guid id, HttpRequest request, CaseService cases, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType()) return ApiProblems.UnsupportedMediaType();
        var (body, error) = RequestBody.ParseObject(await RequestBody.ReadAsync(request, cancellationToken));
        if (body is null) return ApiProblems.Invalid("The decision is invalid.", [error!]);
        var errors = new List<InputError>();
        var (submission, named) = ReadDecision(body, errors);
        if (submission is null) return ApiProblems.Invalid("The decision is invalid.", errors);
        var caller = request.HttpContext.Caller();
        if (NotTheCaller(named, caller) is { } refused) return refused;
        var result = await cases.DecideAsync(id, submission, caller, cancellationToken);
        return result.Error is not null ? ApiProblems.From(result.Error) : TypedResults.Ok(CaseResponse.From(result.Value!));
    }

    private static async Task<IResult> AddInformation(Guid id, HttpRequest request, CaseService cases, PolicyCatalogue catalogue, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType()) return ApiProblems.UnsupportedMediaType();
        var (body, error) = RequestBody.ParseObject(await RequestBody.ReadAsync(request, cancellationToken));
        if (body is null) return ApiProblems.Invalid("The information is invalid.", [error!]);
        if (body.ContainsKey("questionnaireResponse"))
        {
            // A DTR-completed questionnaire: its answers are the information, with where each came from.
            if (body.Count > 1) return ApiProblems.Invalid("The information is invalid.", [new InputError("questionnaireResponse", "send a questionnaire response alone, not beside other information")]);
            var response = body["questionnaireResponse"] is JsonObject json ? FhirJson.Parse<Hl7.Fhir.Model.QuestionnaireResponse>(System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()), out _) : null;
            if (response is null) return ApiProblems.Invalid("The information is invalid.", [new InputError("questionnaireResponse", "must be a FHIR R4 QuestionnaireResponse")]);
            body = QuestionnaireAnswers.ToInformation(response, catalogue.Facts, "questionnaireResponse", out var problems)!;
            if (problems.Count > 0) return ApiProblems.Invalid("The questionnaire response cannot be read.", [.. problems.Select(p => new InputError(p.Expression, p.Message))]);
        }
        var result = await cases.AddInformationAsync(id, body, request.HttpContext.Caller(), cancellationToken);
        return result.Error is not null ? ApiProblems.From(result.Error) : TypedResults.Ok(CaseResponse.From(result.Value!));
    }

    private static async Task<IResult> RequestInformation(
        Guid id, HttpRequest request, CaseService cases, InformationRequestQuestionnaires requested, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType()) return ApiProblems.UnsupportedMediaType();
        var (body, error) = RequestBody.ParseObject(await RequestBody.ReadAsync(request, cancellationToken));
        if (body is null) return ApiProblems.Invalid("The information request is invalid.", [error!]);
        var errors = new List<InputError>();
        foreach (var (name, _) in body)
            if (name is not ("reviewer" or "needed")) errors.Add(new InputError(InputEcho.Truncate(name), "not a field of an information request (reviewer, needed)"));
        var named = ReadReviewer(body, errors);
        var needed = Text(body["needed"], "needed", errors, CaseService.MaxInformationRequestLength, prose: true);
        if (errors.Count > 0) return ApiProblems.Invalid("The information request is invalid.", errors);
        var caller = request.HttpContext.Caller();
        if (NotTheCaller(named, caller) is { } refused) return refused;
        var result = await RequestWithQuestionnairesAsync(id, needed, cases, requested, caller, cancellationToken);
        if (result.Error is not null) return ApiProblems.From(result.Error);
        return TypedResults.Ok(CaseResponse.From(result.Value!, await requested.OfOpenRequestAsync(result.Value!, cancellationToken)));
    }

    /// <summary>
    /// A reviewer's request for information, naming the questionnaires the case's missing facts generate (the REST
    /// endpoint and the workbench ask the same way). Only a reviewer may ask: anyone else is refused before the case is read.
    /// </summary>
    public static async Task<StoreResult<CaseView>> RequestWithQuestionnairesAsync(
        Guid id, string needed, CaseService cases, InformationRequestQuestionnaires requested, Caller caller, CancellationToken cancellationToken)
    {
        if (CaseWorkflow.MayRequestInformation(caller) is { } forbidden) return StoreResult<CaseView>.Fail(forbidden);
        var current = await cases.GetAsync(id, caller, cancellationToken);
        if (current.Error is not null) return current;
        var questionnaires = await requested.ToCompleteAsync(current.Value!, cancellationToken);
        return await cases.RequestInformationAsync(id, new InformationRequestSubmission(needed, [.. questionnaires.Select(q => q.Canonical)]), caller, cancellationToken);
    }

    private static async Task<IResult> Audit(Guid id, HttpContext context, CaseService cases, CancellationToken cancellationToken)
    {
        var result = await cases.GetAuditAsync(id, context.Caller(), cancellationToken);
        return result.Error is not null ? ApiProblems.From(result.Error) : TypedResults.Ok(new AuditResponse(id, result.Value!));
    }

    private static async Task<IResult> Information(Guid id, HttpContext context, CaseService cases, CancellationToken cancellationToken)
    {
        var result = await cases.GetInformationAsync(id, context.Caller(), cancellationToken);
        return result.Error is not null ? ApiProblems.From(result.Error) : TypedResults.Ok(InformationHistoryResponse.From(id, result.Value!));
    }

    /// <summary>
    /// A body may still name its reviewer (older clients do), but only to say who the caller is: a reviewer
    /// that is not the authenticated person is refused with 403, never recorded.
    /// </summary>
    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult? NotTheCaller(Reviewer? named, Caller caller)
    {
        if (named is null) return null;
        var person = caller.Person;
        if (person is not null && named.Id == person.Id && (named.Role.Length == 0 || named.Role == person.Role) && (named.Name.Length == 0 || named.Name == person.Name))
            return null;
        var who = person is null ? $"client {caller.Actor.Id}, which is not a person" : $"{person.Id} ({person.Role})";
        return TypedResults.Problem(
            $"The reviewer named in the body ({InputEcho.Truncate(named.Id)}, {InputEcho.Truncate(named.Role)}) is not the authenticated caller ({who}); a decision is made only in the name of who is signed in.",
            statusCode: StatusCodes.Status403Forbidden, title: "The body names someone other than the caller.");
    }

    private static int Number(string? text, string field, int fallback, List<InputError> errors)
    {
        if (text is null) return fallback;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)) return value;
        errors.Add(new InputError(field, $"'{InputEcho.Truncate(text)}' is not a whole number"));
        return fallback;
    }

    /// <summary>{"reviewer"?: {"id", "name"?, "role"?}, "lines": [{"sequence", "action", "rationale"}]}: the lines, and the reviewer the body names, if any.</summary>
    private static (DecisionSubmission? Submission, Reviewer? Named) ReadDecision(JsonObject body, List<InputError> errors)
    {
        foreach (var (name, _) in body)
            if (name is not ("reviewer" or "lines")) errors.Add(new InputError(InputEcho.Truncate(name), "not a field of a decision (reviewer, lines)"));

        var reviewer = ReadReviewer(body, errors);

        var lines = new List<LineDecisionInput>();
        if (body["lines"] is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                if (array[i] is not JsonObject line)
                {
                    errors.Add(new InputError($"lines[{i}]", "must be an object"));
                    continue;
                }
                foreach (var (name, _) in line)
                    if (name is not ("sequence" or "action" or "rationale")) errors.Add(new InputError($"lines[{i}].{InputEcho.Truncate(name)}", "not a field of a line decision (sequence, action, rationale)"));
                var sequence = line["sequence"] is JsonValue s && s.TryGetValue<int>(out var n) ? n : (int?)null;
                if (sequence is null) errors.Add(new InputError($"lines[{i}].sequence", "required: the line's sequence number"));
                lines.Add(new LineDecisionInput(sequence ?? 0, Text(line["action"], $"lines[{i}].action", errors), Text(line["rationale"], $"lines[{i}].rationale", errors, prose: true)));
            }
        }
        else errors.Add(new InputError("lines", "required: the list of line decisions"));

        return (errors.Count > 0 ? null : new DecisionSubmission(lines), reviewer);
    }

    /// <summary>
    /// A required string of at most <paramref name="maxLength"/> characters (free text is bounded on the server, not only
    /// in a browser), without control characters; <paramref name="prose"/> (a rationale, what is needed) keeps tab and
    /// line breaks (<see cref="ControlCharacters"/>).
    /// </summary>
    private static string Text(JsonNode? node, string field, List<InputError> errors, int maxLength = CaseService.MaxRationaleLength, bool prose = false)
    {
        if (node is JsonValue value && value.TryGetValue<string>(out var text))
        {
            if (text.Length > maxLength) errors.Add(new InputError(field, $"at most {maxLength} characters ({text.Length} given)"));
            else if (ControlCharacters.In(text, prose)) errors.Add(new InputError(field, ControlCharacters.Message));
            else return text;
            return "";
        }
        errors.Add(new InputError(field, node is null ? "required" : "must be a string"));
        return "";
    }

    /// <summary>
    /// {"reviewer": {"id", "name"?, "role"?}}, optional: who the body says decides or asks. It is never taken as
    /// the reviewer; it is only compared with the authenticated caller (<see cref="NotTheCaller"/>).
    /// </summary>
    private static Reviewer? ReadReviewer(JsonObject body, List<InputError> errors)
    {
        if (!body.ContainsKey("reviewer")) return null;
        if (body["reviewer"] is not JsonObject r)
        {
            errors.Add(new InputError("reviewer", "must be an object {\"id\", \"name\", \"role\"}, or left out: the reviewer is whoever is authenticated"));
            return null;
        }
        foreach (var (field, _) in r)
            if (field is not ("id" or "name" or "role")) errors.Add(new InputError("reviewer." + InputEcho.Truncate(field), "not a field of the reviewer (id, name, role)"));
        var id = Text(r["id"], "reviewer.id", errors, MaxReviewerText);
        var name = r.ContainsKey("name") ? Text(r["name"], "reviewer.name", errors, MaxReviewerText) : "";
        var role = r.ContainsKey("role") ? Text(r["role"], "reviewer.role", errors, MaxReviewerText) : "";
        return new Reviewer(id, name, role);
    }

    private const int MaxReviewerText = 256;
}

/// <summary>For the OpenAPI document: a physician's decisions. The reviewer is optional and, when given, must be the authenticated caller.</summary>
public sealed record DecisionDocument(DecisionReviewer? Reviewer, IReadOnlyList<DecisionLine> Lines);

public sealed record DecisionReviewer(string Id, string Name, string Role);

public sealed record DecisionLine(int Sequence, string Action, string Rationale);

/// <summary>For the OpenAPI document: a reviewer sets a case to wait for information.</summary>
public sealed record InformationRequestDocument(DecisionReviewer? Reviewer, string Needed);

/// <summary>For the OpenAPI document: information for a pended case.</summary>
public sealed record InformationDocument(
    IDictionary<string, object?>? Clinical, IReadOnlyList<string>? Diagnoses, IReadOnlyList<InformationLine>? ServiceLines, InformationMember? Member,
    IDictionary<string, string>? InformationOrigin = null, object? QuestionnaireResponse = null);

public sealed record InformationLine(int Sequence, string Description);

public sealed record InformationMember(string BirthDate);
