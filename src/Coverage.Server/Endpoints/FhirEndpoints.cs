using System.Text.Json;
using Coverage.Engine.Catalogue;
using Coverage.Engine.Evaluation;
using Coverage.Engine.Json;
using Coverage.Engine.Model;
using Coverage.Fhir;
using Coverage.Fhir.Pas;
using Coverage.Server.CdsHooks;
using Coverage.Store;
using Hl7.Fhir.Model;

namespace Coverage.Server.Endpoints;

/// <summary>Da Vinci PAS: POST /fhir/Claim/$submit and $inquire, and the CapabilityStatement.</summary>
internal static class FhirEndpoints
{
    public static IEndpointRouteBuilder MapFhirEndpoints(this IEndpointRouteBuilder app)
    {
        var fhir = app.MapGroup("/fhir").WithTags("FHIR (Da Vinci PAS)");
        fhir.MapGet("/metadata", Metadata).WithName("FhirCapabilityStatement").WithSummary("The CapabilityStatement");
        // No Accepts(...) content-type constraint: a wrong content type must be answered with an OperationOutcome, not ProblemDetails.
        fhir.MapPost("/Claim/$submit", Submit).WithName("PasSubmit").WithSummary("Submit a PAS prior authorization request Bundle (application/fhir+json)");
        fhir.MapPost("/Claim/$inquire", Inquire).WithName("PasInquire").WithSummary("Inquire about a prior authorization request (application/fhir+json)");
        return app;
    }

    private static IResult Metadata(HttpRequest request, CrdSettings settings, TimeProvider time) =>
        FhirResults.Resource(FhirCapabilities.Build($"{settings.BaseUrl(request)}/fhir", Evaluator.EngineVersion, time.GetUtcNow()));

    private static async Task<IResult> Submit(
        HttpRequest request, PolicyCatalogue catalogue, CaseService cases, CrdSettings settings, TimeProvider time, CancellationToken cancellationToken)
    {
        var (pas, failure) = await ReadPasRequest(request, cancellationToken);
        if (pas is null) return failure!;

        var read = RequestReader.Read(pas.RequestJson, catalogue);
        if (!read.IsValid)
            return FhirResults.Outcome(Outcomes.Invalid(read.Errors.Select(e => $"{PasRequest.ElementOf(e.Field)}: {e.Message}")), 400);

        var result = await cases.SubmitAsync(read.Request!, Callers.Actor(request.HttpContext), cancellationToken);
        if (result.Error is not null) return Problem(result.Error);
        return FhirResults.Resource(PasResponse.Build(pas, PasCases.From(result.Value!), CaseSystem(request, settings), time.GetUtcNow()));
    }

    private static async Task<IResult> Inquire(
        HttpRequest request, CaseService cases, CrdSettings settings, TimeProvider time, CancellationToken cancellationToken)
    {
        var (pas, failure) = await ReadPasRequest(request, cancellationToken);
        if (pas is null) return failure!;
        var result = await cases.FindByRequestAsync(pas.MemberId, pas.RequestId, Callers.Actor(request.HttpContext), cancellationToken);
        if (result.Error is not null) return Problem(result.Error);
        return FhirResults.Resource(PasResponse.Build(pas, PasCases.From(result.Value!), CaseSystem(request, settings), time.GetUtcNow()));
    }

    private static async Task<(PasRequest? Request, IResult? Failure)> ReadPasRequest(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType() && request.ContentType?.StartsWith(FhirResults.ContentType, StringComparison.OrdinalIgnoreCase) != true)
            return (null, FhirResults.Outcome(Outcomes.Invalid("Send the Bundle as application/fhir+json."), 415));
        var bytes = await RequestBody.ReadAsync(request, cancellationToken);
        if (bytes.Length == 0) return (null, FhirResults.Outcome(Outcomes.Invalid("The body is empty; send a PAS request Bundle."), 400));
        if (RequestBody.CheckText(bytes, 128) is { } invalid) return (null, FhirResults.Outcome(Outcomes.Invalid($"The Bundle is invalid: {invalid.Message}."), 400));
        var body = System.Text.Encoding.UTF8.GetString(bytes);
        var bundle = FhirJson.Parse<Bundle>(body, out var problems);
        if (bundle is null) return (null, FhirResults.Outcome(problems!, 400));
        var pas = PasRequest.Read(bundle, out var error);
        return pas is null ? (null, FhirResults.Outcome(error!, 400)) : (pas, null);
    }

    private static IResult Problem(StoreError error) => error.Kind switch
    {
        StoreErrorKind.NotFound => FhirResults.Outcome(Outcomes.Of(OperationOutcome.IssueType.NotFound, error.Message), 404),
        StoreErrorKind.Conflict => FhirResults.Outcome(Outcomes.Of(OperationOutcome.IssueType.Conflict, error.Message), 409),
        _ => FhirResults.Outcome(Outcomes.Invalid(error.Message), 400),
    };

    private static string CaseSystem(HttpRequest request, CrdSettings settings) => $"{settings.BaseUrl(request)}/api/v1/cases";
}

/// <summary>A stored case as PAS answers for it: each line's outcome with the reviewer's decision, if any.</summary>
internal static class PasCases
{
    public static PriorAuthorizationCase From(CaseView view)
    {
        using var document = JsonDocument.Parse(view.DeterminationJson);
        var lines = new List<PriorAuthorizationLine>();
        foreach (var line in document.RootElement.GetProperty("lines").EnumerateArray())
        {
            var sequence = line.GetProperty("sequence").GetInt32();
            var decision = view.Decisions.FirstOrDefault(d => d.Sequence == sequence);
            PolicyReference? policy = line.GetProperty("policy") is { ValueKind: JsonValueKind.Object } p
                ? new PolicyReference(p.GetProperty("id").GetString()!, p.GetProperty("version").GetString()!, p.GetProperty("title").GetString()!)
                : null;
            var statement = line.GetProperty("citations").EnumerateArray()
                .FirstOrDefault(c => c.TryGetProperty("section", out var s) && s.GetString() == "Coverage Policy");
            lines.Add(new PriorAuthorizationLine(
                sequence,
                line.GetProperty("code").GetString()!,
                WireNames.ParseLineOutcome(line.GetProperty("outcome").GetString()!),
                line.GetProperty("rationale").GetString()!,
                policy,
                statement.ValueKind == JsonValueKind.Object ? statement.GetProperty("text").GetString() : null,
                line.GetProperty("informationNeeded").EnumerateArray().Select(i => i.GetString()!).ToList(),
                decision?.Action,
                decision?.Rationale,
                decision is null ? null : new DateTimeOffset(decision.DecidedAt, TimeSpan.Zero)));
        }
        return new PriorAuthorizationCase(view.Id, view.Status, new DateTimeOffset(view.UpdatedAt, TimeSpan.Zero), lines);
    }
}
