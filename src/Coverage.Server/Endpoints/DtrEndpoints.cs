using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;
using Coverage.Engine.Validation;
using Coverage.Fhir;
using Coverage.Fhir.Dtr;
using Coverage.Server.CdsHooks;
using Coverage.Server.Security;
using Hl7.Fhir.Model;

namespace Coverage.Server.Endpoints;

/// <summary>
/// Da Vinci DTR 2.0.1, the payer's side: POST /fhir/Questionnaire/$questionnaire-package and $next-question, and the read
/// and search (by url and version) of the Questionnaires, Libraries and ValueSets they hand out.
/// </summary>
internal static class DtrEndpoints
{
    public static IEndpointRouteBuilder MapDtrEndpoints(this IEndpointRouteBuilder app)
    {
        var fhir = app.MapGroup("/fhir").WithTags("FHIR (Da Vinci DTR)");
        fhir.AddEndpointFilter(FhirResults.JsonOnly);
        fhir.MapPost("/Questionnaire/$questionnaire-package", Package).RequireAuthorization(Security.ApiAuthentication.ReadQuestionnaires)
            .WithMetadata(DescribedBody.Fhir("The operation's input Parameters (coverage, order or questionnaire, context, changedsince)", "Parameters"))
            .WithName("DtrQuestionnairePackage").WithSummary("DTR: the questionnaire package(s) for a Coverage and orders or questionnaire canonicals (Parameters, application/fhir+json)");
        fhir.MapPost("/Questionnaire/$next-question", Next).RequireAuthorization(Security.ApiAuthentication.ReadQuestionnaires)
            .WithMetadata(DescribedBody.Fhir("The QuestionnaireResponse so far, bare or as the Parameters' 'in'", "QuestionnaireResponse", "Parameters"))
            .WithName("DtrNextQuestion").WithSummary("DTR adaptive form: the QuestionnaireResponse so far (bare or as Parameters 'in') gets the next question, or comes back completed");
        foreach (var type in DtrResources.Types)
        {
            fhir.MapGet($"/{type}/{{id:{FhirResourceId.Name}}}", (string id, Evaluator evaluator, CrdSettings settings, TimeProvider time) => Read(type, id, evaluator, settings, time))
                .RequireAuthorization(Security.ApiAuthentication.ReadQuestionnaires)
                .WithName($"Dtr{type}Read").WithSummary($"DTR: read a {type} this payer generates (the current catalogue's)");
            fhir.MapGet($"/{type}", (HttpRequest request, Evaluator evaluator, CatalogueVersions versions, CrdSettings settings, TimeProvider time, CancellationToken cancellationToken) =>
                    Search(type, request, evaluator, versions, settings, time, cancellationToken))
                .RequireAuthorization(Security.ApiAuthentication.ReadQuestionnaires)
                .WithName($"Dtr{type}Search").WithSummary($"DTR: search the {type} resources this payer generates by url and version (a searchset Bundle)");
        }
        return app;
    }

    /// <summary>The search parameters a DTR resource search takes; <c>_format</c> is the content negotiation's.</summary>
    private static readonly string[] SearchParameters = ["url", "version", "_format"];

    private static IResult Read(string type, string id, Evaluator evaluator, CrdSettings settings, TimeProvider time) =>
        DtrResources.Find(type, id, evaluator.Catalogue, Canonicals(settings), time.GetUtcNow()) is { } resource
            ? FhirResults.Resource(resource)
            : FhirResults.Outcome(Outcomes.Of(OperationOutcome.IssueType.NotFound,
                $"{type}/{id}: this payer has no {type} '{id}' (its {type} resources are generated from the current catalogue; search by url and version for an earlier one)", "id"), 404);

    /// <summary>
    /// <c>GET /fhir/{type}?url=…&amp;version=…</c>: the resources of that type whose canonical is <c>url</c> (a
    /// <c>url|version</c> value is read as both), generated from the catalogue whose digest is <c>version</c> (the current
    /// one without it). A version whose catalogue the server no longer holds, or a url that is not this payer's, matches
    /// nothing (an empty searchset); any other parameter is 400 naming it.
    /// </summary>
    private static async Task<IResult> Search(
        string type, HttpRequest request, Evaluator evaluator, CatalogueVersions versions, CrdSettings settings, TimeProvider time, CancellationToken cancellationToken)
    {
        foreach (var (name, _) in request.Query)
            if (!SearchParameters.Contains(name, StringComparer.Ordinal))
                return FhirResults.Outcome(Outcomes.Invalid($"{name}: {type} is searched by url and version only", name), 400);
        if (request.Query["url"].Count > 1 || request.Query["version"].Count > 1)
            return FhirResults.Outcome(Outcomes.Invalid("url and version: give each at most once", request.Query["url"].Count > 1 ? "url" : "version"), 400);
        foreach (var name in (ReadOnlySpan<string>)["url", "version"])
            if (ControlCharacters.In(request.Query[name].ToString()))
                return FhirResults.Outcome(Outcomes.Invalid($"{name}: holds a control character; a canonical and a version are printable text", name), 400);
        var canonicals = Canonicals(settings);
        var url = request.Query["url"].ToString();
        var version = request.Query["version"].ToString();
        string? id = null;
        if (url.Length > 0)
        {
            if (canonicals.ResourceOf(type, url) is not { } named) return FhirResults.Resource(SearchSet(type, request, settings, []));
            if (named.Version is not null && version.Length > 0 && named.Version != version) return FhirResults.Resource(SearchSet(type, request, settings, []));
            (id, version) = (named.Id, named.Version ?? version);
        }
        var catalogue = version.Length == 0 ? evaluator.Catalogue : await versions.FindAsync(version, cancellationToken);
        if (catalogue is null) return FhirResults.Resource(SearchSet(type, request, settings, []));
        var now = time.GetUtcNow();
        IReadOnlyList<Resource> found = id is null
            ? DtrResources.All(type, catalogue, canonicals, now)
            : DtrResources.Find(type, id, catalogue, canonicals, now) is { } resource ? [resource] : [];
        return FhirResults.Resource(SearchSet(type, request, settings, found));
    }

    private static Bundle SearchSet(string type, HttpRequest request, CrdSettings settings, IReadOnlyList<Resource> found)
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset, Total = found.Count };
        bundle.Link.Add(new Bundle.LinkComponent { Relation = "self", Url = $"{settings.BaseUrl}/fhir/{type}{request.QueryString}" });
        foreach (var resource in found)
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"{settings.BaseUrl}/fhir/{type}/{resource.Id}",
                Resource = resource,
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            });
        return bundle;
    }

    private static async Task<IResult> Next(
        HttpRequest request, Evaluator evaluator, CatalogueVersions versions, CrdSettings settings, TimeProvider time, CancellationToken cancellationToken)
    {
        var (resource, failure) = await ReadResource(request, "a QuestionnaireResponse (or Parameters with 'in')", cancellationToken);
        if (resource is null) return failure!;
        var (response, error, status) = await NextQuestion.RunAsync(resource, evaluator, digest => versions.FindAsync(digest, cancellationToken), time, Canonicals(settings));
        return response is not null ? FhirResults.Resource(response) : FhirResults.Outcome(error!, status);
    }

    private static async Task<IResult> Package(
        HttpRequest request, Evaluator evaluator, CatalogueVersions versions, CrdSettings settings, TimeProvider time,
        Store.CaseService cases, InformationRequestQuestionnaires requested, CancellationToken cancellationToken)
    {
        var (resource, failure) = await ReadResource(request, "a Parameters resource", cancellationToken);
        if (resource is null) return failure!;
        if (resource is not Parameters parameters)
            return FhirResults.Outcome(Outcomes.Invalid($"Expected a Parameters, got a {resource.TypeName}.", "Parameters"), 400);
        if (await ResolveContextsAsync(parameters, cases, requested, request.HttpContext.Caller(), cancellationToken) is { } unresolved) return unresolved;
        var (output, error, status) = await QuestionnairePackage.RunAsync(parameters, evaluator,
            digest => versions.FindAsync(digest, cancellationToken), Canonicals(settings), time.GetUtcNow(), settings.PayerIdentity);
        return output is not null ? FhirResults.Resource(output) : FhirResults.Outcome(error!, status);
    }

    public static DtrCanonicals Canonicals(CrdSettings settings) => settings.Dtr();

    /// <summary>
    /// Context ids one call may name. A DTR client names the one context of the order it fills a form for; each id is a
    /// case read (audited, a transaction of its own), so the count is bounded before any is read: 13,500 copies of one
    /// case number in a 1 MB body held the server for six minutes and wrote as many audit rows.
    /// </summary>
    public const int MaxContexts = 10;

    /// <summary>
    /// DTR's <c>context</c> parameter ("Context ID from CRD or CDex"): this payer's context id is the case number a PAS
    /// CommunicationRequest carries as its tracking number when a reviewer asks for a questionnaire (docs/dtr.md). Each
    /// becomes the <c>questionnaire</c> canonicals the case's open request names — a case the caller may read (the read
    /// is audited, once however often the call names it), else 404 naming the parameter, as for any case of another
    /// organisation. More than <see cref="MaxContexts"/> is 400.
    /// </summary>
    private static async Task<IResult?> ResolveContextsAsync(
        Parameters parameters, Store.CaseService cases, InformationRequestQuestionnaires requested, Caller caller, CancellationToken cancellationToken)
    {
        var contexts = parameters.Parameter.Where(p => p.Name == "context").ToList();
        if (contexts.Count > MaxContexts)
            return FhirResults.Outcome(Outcomes.Invalid(
                $"Parameters.parameter[context]: {contexts.Count} context ids; at most {MaxContexts} are taken in one call.", "Parameters.parameter"), 400);
        var resolved = new Dictionary<Guid, IReadOnlyList<RequestedQuestionnaire>>();
        foreach (var context in contexts)
        {
            var text = (context.Value as FhirString)?.Value;
            if (!Guid.TryParse(text, out var caseId))
                return FhirResults.Outcome(Outcomes.Invalid("Parameters.parameter[context]: a context id of this payer is a case number (from a PAS CommunicationRequest's identifier).", "Parameters.parameter"), 400);
            if (!resolved.TryGetValue(caseId, out var named))
            {
                var found = await cases.GetAsync(caseId, caller, cancellationToken);
                named = found.Value is { } view ? await requested.OfOpenRequestAsync(view, cancellationToken) : [];
                resolved[caseId] = named;
            }
            if (named.Count == 0)
                return FhirResults.Outcome(Outcomes.Of(OperationOutcome.IssueType.NotFound,
                    $"Parameters.parameter[context]: no open request for information of yours names a questionnaire under context '{caseId}'.", "Parameters.parameter"), 404);
            parameters.Parameter.Remove(context);
            foreach (var questionnaire in named)
                parameters.Parameter.Add(new Parameters.ParameterComponent { Name = "questionnaire", Value = new Canonical(questionnaire.Canonical) });
        }
        return null;
    }

    /// <summary>The operation's input: a FHIR resource in application/fhir+json; anything else is a 4xx OperationOutcome.</summary>
    private static async Task<(Resource? Resource, IResult? Failure)> ReadResource(HttpRequest request, string expected, CancellationToken cancellationToken)
    {
        if (!FhirResults.SendsJson(request)) return (null, FhirResults.NotJson(expected));
        var bytes = await RequestBody.ReadAsync(request, cancellationToken);
        if (bytes.Length == 0) return (null, FhirResults.Outcome(Outcomes.Invalid($"The body is empty; send {expected}."), 400));
        if (JsonText.Check(bytes, 128) is { } invalid) return (null, FhirResults.Outcome(Outcomes.Invalid($"The body is invalid: {invalid.Message}."), 400));
        var resource = FhirJson.Parse<Resource>(bytes, out var problems);
        return resource is null ? (null, FhirResults.Outcome(problems!, 400)) : (resource, null);
    }
}
