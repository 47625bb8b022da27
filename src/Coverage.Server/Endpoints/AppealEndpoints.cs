using System.Globalization;
using System.Text.Json.Nodes;
using Coverage.Engine.Model;
using Coverage.Engine.Validation;
using Coverage.Server.Errors;
using Coverage.Server.Security;
using Coverage.Server.Workbench.Notices;
using Coverage.Store;

namespace Coverage.Server.Endpoints;

/// <summary>
/// Issue 18 on a case: extend its clock, appeal it, record a peer-to-peer discussion, record an appeal's external
/// review, read an appeal's decision notice. Who acts is always the authenticated caller; the body says only what.
/// </summary>
internal static class AppealEndpoints
{
    public static RouteGroupBuilder MapAppealEndpoints(this RouteGroupBuilder api)
    {
        var cases = api.MapGroup("/cases").WithTags("Appeals and clocks");
        cases.MapPost("/{id:guid}/extensions", Extend).RequireAuthorization(ApiAuthentication.DecideCases).WithName("ExtendCase")
            .WithSummary("A reviewer extends an open case's decision clock, once, where its line of business allows: {\"days\", \"reason\"}")
            .Accepts<ExtensionDocument>("application/json").Produces<CaseResponse>().ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        cases.MapPost("/{id:guid}/appeals", Appeal).RequireAuthorization(ApiAuthentication.WriteCases).WithName("AppealCase")
            .WithSummary("File an appeal of a final adverse determination, by the member (recorded by payer staff) or the provider on the member's behalf: {\"filedBy\", \"reason\", \"priority\"?}; answers the appeal, a case of its own")
            .Accepts<AppealDocument>("application/json").Produces<CaseResponse>(StatusCodes.Status201Created).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        cases.MapPost("/{id:guid}/peer-to-peer", PeerToPeer).RequireAuthorization(ApiAuthentication.DecideCases).WithName("RecordPeerToPeer")
            .WithSummary("The authenticated physician records a peer-to-peer discussion with the requesting provider: {\"with\", \"heldAt\", \"summary\"}")
            .Accepts<PeerToPeerDocument>("application/json").Produces<CaseResponse>().ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        cases.MapPost("/{id:guid}/external-review", ExternalReview).RequireAuthorization(ApiAuthentication.DecideCases).WithName("RecordExternalReview")
            .WithSummary("Payer staff record that an appeal's external review was requested ({\"organisation\"}), then its result ({\"organisation\", \"result\", \"note\"?})")
            .Accepts<ExternalReviewDocument>("application/json").Produces<CaseResponse>().ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        cases.MapGet("/{id:guid}/appeal-notice", Notice).RequireAuthorization(ApiAuthentication.ReadCases).WithName("GetAppealNotice")
            .WithSummary("The decision notice of a decided appeal (JSON sections; ?format=pdf for the PDF)")
            .Produces<NoticeDocument>().ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<IResult> Extend(Guid id, HttpRequest request, CaseService cases, CancellationToken cancellationToken) =>
        await WithBody(request, "The extension is invalid.", ["days", "reason"], async (body, errors) =>
        {
            var days = body["days"] is JsonValue d && d.TryGetValue<int>(out var n) ? n : (int?)null;
            if (days is null) errors.Add(new InputError("days", "required: a whole number of days"));
            var reason = Text(body, "reason", errors, CaseWorkflow.MaxExtensionReasonLength, prose: true);
            if (errors.Count > 0) return ApiProblems.Invalid("The extension is invalid.", errors);
            return Answer(await cases.ExtendAsync(id, new ExtensionSubmission(days!.Value, reason!), request.HttpContext.Caller(), cancellationToken));
        });

    private static async Task<IResult> Appeal(Guid id, HttpRequest request, CaseService cases, CancellationToken cancellationToken) =>
        await WithBody(request, "The appeal is invalid.", ["filedBy", "reason", "priority"], async (body, errors) =>
        {
            var filedBy = Text(body, "filedBy", errors, 32);
            var reason = Text(body, "reason", errors, CaseWorkflow.MaxAppealTextLength, prose: true);
            var priority = RequestPriority.Standard;
            if (body.ContainsKey("priority"))
            {
                var text = Text(body, "priority", errors, 32);
                if (text == "expedited") priority = RequestPriority.Expedited;
                else if (text is not null and not "standard") errors.Add(new InputError("priority", $"'{InputEcho.Truncate(text)}' is not standard or expedited"));
            }
            if (errors.Count > 0) return ApiProblems.Invalid("The appeal is invalid.", errors);
            var result = await cases.FileAppealAsync(id, new AppealSubmission(filedBy!, reason!, priority), request.HttpContext.Caller(), cancellationToken);
            return result.Error is not null ? ApiProblems.From(result.Error)
                : TypedResults.Created($"/api/v1/cases/{result.Value!.Id}", CaseResponse.From(result.Value));
        });

    private static async Task<IResult> PeerToPeer(Guid id, HttpRequest request, CaseService cases, CancellationToken cancellationToken) =>
        await WithBody(request, "The peer-to-peer record is invalid.", ["with", "heldAt", "summary"], async (body, errors) =>
        {
            var with = Text(body, "with", errors, 256);
            var summary = Text(body, "summary", errors, CaseWorkflow.MaxAppealTextLength, prose: true);
            var heldText = Text(body, "heldAt", errors, 64);
            var heldAt = DateTimeOffset.TryParse(heldText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var held) ? held.UtcDateTime : (DateTime?)null;
            if (heldText is not null && heldAt is null) errors.Add(new InputError("heldAt", "must be a date and time (ISO 8601)"));
            if (errors.Count > 0) return ApiProblems.Invalid("The peer-to-peer record is invalid.", errors);
            return Answer(await cases.RecordPeerToPeerAsync(id, new PeerToPeerSubmission(with!, heldAt!.Value, summary!), request.HttpContext.Caller(), cancellationToken));
        });

    private static async Task<IResult> ExternalReview(Guid id, HttpRequest request, CaseService cases, CancellationToken cancellationToken) =>
        await WithBody(request, "The external review is invalid.", ["organisation", "result", "note", "lines"], async (body, errors) =>
        {
            var organisation = Text(body, "organisation", errors, 256);
            var result = body.ContainsKey("result") ? Text(body, "result", errors, 32) : null;
            var note = body.ContainsKey("note") ? Text(body, "note", errors, CaseWorkflow.MaxAppealTextLength, prose: true) : null;
            var lines = body.ContainsKey("lines") ? Sequences(body, "lines", errors) : null;
            if (errors.Count > 0) return ApiProblems.Invalid("The external review is invalid.", errors);
            return Answer(await cases.RecordExternalReviewAsync(id, new ExternalReviewSubmission(organisation!, result, note, lines), request.HttpContext.Caller(), cancellationToken));
        });

    private static async Task<IResult> Notice(Guid id, string? format, HttpContext context, CaseService cases, AppealNoticeBuilder notices, CancellationToken cancellationToken)
    {
        var result = await cases.GetAsync(id, context.Caller(), cancellationToken);
        if (result.Error is not null) return ApiProblems.From(result.Error);
        var notice = notices.Build(result.Value!);
        if (notice is null)
            return TypedResults.Problem($"Case {id} is not a decided appeal; it has no appeal decision notice.", statusCode: StatusCodes.Status404NotFound, title: "No appeal notice.");
        return format == "pdf" ? TypedResults.File(NoticePdf.Render(notice, cancellationToken), "application/pdf", notice.FileName) : TypedResults.Ok(NoticeDocument.Of(notice));
    }

    private static IResult Answer(StoreResult<CaseView> result) =>
        result.Error is not null ? ApiProblems.From(result.Error) : TypedResults.Ok(CaseResponse.From(result.Value!));

    /// <summary>Reads a JSON object body whose fields are among <paramref name="fields"/>, then hands it on.</summary>
    private static async Task<IResult> WithBody(HttpRequest request, string invalid, string[] fields, Func<JsonObject, List<InputError>, Task<IResult>> then)
    {
        if (!request.HasJsonContentType()) return ApiProblems.UnsupportedMediaType();
        var (body, error) = RequestBody.ParseObject(await RequestBody.ReadAsync(request, request.HttpContext.RequestAborted));
        if (body is null) return ApiProblems.Invalid(invalid, [error!]);
        var errors = new List<InputError>();
        foreach (var (name, _) in body)
            if (!fields.Contains(name)) errors.Add(new InputError(InputEcho.Truncate(name), $"not a field here ({string.Join(", ", fields)})"));
        return await then(body, errors);
    }

    /// <summary>A field holding line sequences: a JSON array of positive integers, at most one per line a request may hold.</summary>
    private static List<int>? Sequences(JsonObject body, string field, List<InputError> errors)
    {
        if (body[field] is not JsonArray array || array.Count > RequestLimits.MaxServiceLines)
        {
            errors.Add(new InputError(field, $"must be an array of at most {RequestLimits.MaxServiceLines} line sequences"));
            return null;
        }
        var sequences = new List<int>();
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is JsonValue value && value.TryGetValue<int>(out var sequence) && sequence > 0) sequences.Add(sequence);
            else errors.Add(new InputError($"{field}[{i}]", "must be a line sequence (a positive integer)"));
        }
        return sequences;
    }

    /// <summary>
    /// A required string of at most <paramref name="maxLength"/> characters without control characters; <paramref name="prose"/>
    /// (a reason, a summary, a note) keeps tab and line breaks (<see cref="ControlCharacters"/>).
    /// </summary>
    private static string? Text(JsonObject body, string field, List<InputError> errors, int maxLength, bool prose = false)
    {
        var node = body[field];
        if (node is JsonValue value && value.TryGetValue<string>(out var text))
        {
            if (text.Length > maxLength) errors.Add(new InputError(field, $"at most {maxLength} characters ({text.Length} given)"));
            else if (ControlCharacters.In(text, prose)) errors.Add(new InputError(field, ControlCharacters.Message));
            else return text;
            return null;
        }
        errors.Add(new InputError(field, node is null ? "required" : "must be a string"));
        return null;
    }
}

/// <summary>For the OpenAPI document: a clock extension.</summary>
public sealed record ExtensionDocument(int Days, string Reason);

/// <summary>For the OpenAPI document: an appeal (filedBy: member or provider; priority: standard or expedited).</summary>
public sealed record AppealDocument(string FiledBy, string Reason, string? Priority);

/// <summary>For the OpenAPI document: a peer-to-peer discussion.</summary>
public sealed record PeerToPeerDocument(string With, DateTime HeldAt, string Summary);

/// <summary>For the OpenAPI document: an external review requested, or its result (upheld, overturned, partially-overturned, with the lines it overturned).</summary>
public sealed record ExternalReviewDocument(string Organisation, string? Result, string? Note, IReadOnlyList<int>? Lines);

/// <summary>A notice as JSON: its facts, and each section's blocks as plain text (a quote followed by its source).</summary>
public sealed record NoticeDocument(string Title, string PlanName, DateTime IssuedAt, IReadOnlyList<NoticeFact> Summary, IReadOnlyList<NoticeSectionText> Sections)
{
    public static NoticeDocument Of(AdverseNotice notice) => new(notice.Title, notice.PlanName, notice.IssuedAt, notice.Summary,
        [.. notice.Sections.Select(s => new NoticeSectionText(s.Heading, [.. s.Blocks.SelectMany(Text)]))]);

    private static IEnumerable<string> Text(NoticeBlock block) => block switch
    {
        NoticeParagraph p => [p.Text],
        NoticeQuote q => [$"\u201c{q.Text}\u201d ({q.Source})"],
        NoticeBullets b => b.Items,
        NoticeDefinitions d => d.Items.Select(i => $"{i.Label}: {i.Value}"),
        _ => [],
    };
}

public sealed record NoticeSectionText(string Heading, IReadOnlyList<string> Text);
