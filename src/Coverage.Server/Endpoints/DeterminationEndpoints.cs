using Coverage.Engine.Catalogue;
using Coverage.Engine.Json;
using Coverage.Server.Errors;
using Coverage.Server.Security;
using Coverage.Store;

namespace Coverage.Server.Endpoints;

/// <summary>POST /api/v1/determinations: evaluate a coverage request and keep it as a case.</summary>
internal static class DeterminationEndpoints
{
    public static RouteGroupBuilder MapDeterminationEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/determinations", Submit)
            .WithName("SubmitDetermination")
            .RequireAuthorization(Security.ApiAuthentication.WriteCases)
            .WithTags("Determinations")
            .WithSummary("Evaluate a coverage request and store it as a case")
            .WithDescription("Takes the coverage request JSON of request-and-determination.md. Answers 201 with the new case, " +
                "or 200 with the existing case when the same request id was already submitted for the same member.")
            .Accepts<CoverageRequestDocument>("application/json")
            .Produces<CaseResponse>(StatusCodes.Status201Created)
            .Produces<CaseResponse>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return api;
    }

    private static async Task<IResult> Submit(HttpRequest request, PolicyCatalogue catalogue, CaseService cases, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType()) return ApiProblems.UnsupportedMediaType();
        var body = await RequestBody.ReadAsync(request, cancellationToken);
        if (JsonText.Check(body) is { } invalid) return ApiProblems.Invalid("The coverage request is invalid.", [invalid]);
        var read = RequestReader.Read(body, catalogue);
        if (!read.IsValid) return ApiProblems.Invalid("The coverage request is invalid.", read.Errors);

        var result = await cases.SubmitAsync(read.Request!, request.HttpContext.Caller(), cancellationToken);
        if (result.Error is not null) return ApiProblems.From(result.Error);
        var response = CaseResponse.From(result.Value!);
        return result.Created
            ? TypedResults.Created($"/api/v1/cases/{response.CaseId}", response)
            : TypedResults.Ok(response);
    }
}

/// <summary>For the OpenAPI document only: the body is read by RequestReader, which names each invalid field.</summary>
public sealed record CoverageRequestDocument(
    string? RequestId, string? Kind, string? Priority, CoverageRequestMember? Member, string DateOfService,
    IReadOnlyList<string>? Diagnoses, IReadOnlyList<CoverageRequestLine> ServiceLines, IDictionary<string, object?>? Clinical);

public sealed record CoverageRequestMember(string? Id, string? BirthDate, string? PlanId);

public sealed record CoverageRequestLine(int? Sequence, string Code, string? Description, int? Units, string? DateOfService, IReadOnlyList<string>? Modifiers);
