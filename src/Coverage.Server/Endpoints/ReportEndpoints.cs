using System.Globalization;
using Coverage.Engine.Validation;
using Coverage.Server.Errors;
using Coverage.Server.Security;
using Coverage.Store;

namespace Coverage.Server.Endpoints;

/// <summary>
/// GET /api/v1/reports/prior-authorization?from=&amp;to=[&amp;lineOfBusiness=][&amp;plan=]: the CMS-0057-F
/// prior-authorization metrics of the period [from, to) as JSON, or CSV (?format=csv, or Accept: text/csv), of every
/// request or of one reporting unit's (<see cref="ReportScope"/>). Dates are yyyy-MM-dd (midnight UTC) or ISO 8601 instants.
/// </summary>
internal static class ReportEndpoints
{
    public static RouteGroupBuilder MapReportEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/reports/prior-authorization", PriorAuthorization).RequireAuthorization(ApiAuthentication.ReadAudit).WithTags("Reports")
            .WithName("PriorAuthorizationReport")
            .WithSummary("The prior-authorization metrics of the period [from, to), stratified by social risk factor (JSON, or CSV with ?format=csv)")
            .Produces<PriorAuthorizationReport>().Produces<string>(StatusCodes.Status200OK, "text/csv").ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return api;
    }

    private static readonly string[] ReportParameters = ["from", "to", "format", "lineOfBusiness", "plan"];

    private static async Task<IResult> PriorAuthorization(
        string? from, string? to, string? format, string? lineOfBusiness, string? plan, HttpContext context, CaseService cases, CancellationToken cancellationToken)
    {
        // ?x=1 or a plan given twice was passed over: a report of every plan read as the report of one.
        if (QueryParameters.Problem(context.Request.Query, ReportParameters) is { } wrong)
            return ApiProblems.Invalid("The report's query is invalid.", [new InputError(wrong.Name, wrong.Message)]);
        var errors = new List<InputError>();
        var start = Instant(from, "from", errors);
        var end = Instant(to, "to", errors);
        if (format is not (null or "json" or "csv")) errors.Add(new InputError("format", $"'{InputEcho.Truncate(format)}' is not json or csv"));
        if (errors.Count > 0) return ApiProblems.Invalid("The report's period is invalid.", errors);
        var result = await cases.ReportAsync(start, end, Scope(lineOfBusiness, plan), context.Caller(), cancellationToken);
        if (result.Error is not null) return ApiProblems.From(result.Error);
        var csv = format == "csv" || (format is null && context.Request.Headers.Accept.ToString().Contains("text/csv", StringComparison.OrdinalIgnoreCase));
        return csv
            ? TypedResults.Text(PriorAuthorizationCsv.Write(result.Value!), "text/csv; charset=utf-8")
            : TypedResults.Ok(result.Value);
    }

    /// <summary>The reporting unit a query names: empty parameters name none.</summary>
    public static ReportScope Scope(string? lineOfBusiness, string? plan) =>
        new(string.IsNullOrWhiteSpace(lineOfBusiness) ? null : lineOfBusiness.Trim(), string.IsNullOrWhiteSpace(plan) ? null : plan.Trim());

    /// <summary>A yyyy-MM-dd date (midnight UTC) or an ISO 8601 instant, required.</summary>
    public static DateTime Instant(string? text, string field, List<InputError> errors)
    {
        if (text is null)
        {
            errors.Add(new InputError(field, "required: a date (yyyy-MM-dd) or an instant (ISO 8601)"));
            return default;
        }
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            return date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant)) return instant.UtcDateTime;
        errors.Add(new InputError(field, $"'{InputEcho.Truncate(text)}' is not a date (yyyy-MM-dd) or an instant (ISO 8601)"));
        return default;
    }
}
