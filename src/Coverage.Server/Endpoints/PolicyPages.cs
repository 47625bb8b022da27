using System.Globalization;
using System.Net;
using System.Text;
using Coverage.Engine.Catalogue;
using Coverage.Fhir;

namespace Coverage.Server.Endpoints;

/// <summary>
/// GET /policies/{id}[?version=]: the policy as people read it, the page CRD cards and policy-link
/// details point at: the version's coverage statement, codes, modalities and revision history.
/// </summary>
internal static class PolicyPages
{
    public static IEndpointRouteBuilder MapPolicyPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/policies/{id}", Page).WithName("PolicyPage").WithTags("Policies").WithSummary("A coverage policy version as a readable page");
        return app;
    }

    private static IResult Page(string id, string? version, HttpContext context, PolicyCatalogue catalogue)
    {
        // A version given twice was read as the two joined by a comma ("no version 2026-03-15,2026-03-15"). Other
        // parameters are left alone: this is a page people open from a link, which may carry a tracking parameter.
        if (context.Request.Query["version"].Count > 1)
            return TypedResults.Problem($"version: is given {context.Request.Query["version"].Count} times; give it once.", statusCode: 400);
        var policy = catalogue.FindPolicy(id);
        if (policy is null) return TypedResults.Problem($"No policy {id}.", statusCode: 404);
        var shown = version is null ? policy.CurrentVersion : policy.Versions.FirstOrDefault(v => v.Version == version);
        if (shown is null) return TypedResults.Problem($"Policy {id} has no version {version}.", statusCode: 404);

        static string H(string text) => WebUtility.HtmlEncode(text);
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append(CultureInfo.InvariantCulture, $"<title>Policy {H(policy.Id)}: {H(policy.Title)}</title>")
            .Append("<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;line-height:1.5;padding:0 1rem}")
            .Append("table{border-collapse:collapse}td,th{border:1px solid #999;padding:.3rem .6rem;text-align:left}</style></head><body><main>")
            .Append(CultureInfo.InvariantCulture, $"<h1>Policy {H(policy.Id)}: {H(policy.Title)}</h1>")
            .Append(CultureInfo.InvariantCulture, $"<p>{H(policy.Publisher)}. Version <strong>{H(shown.Version)}</strong> ({H(shown.ReviewType)}: {H(shown.Changes)})")
            .Append(shown == policy.CurrentVersion ? $"; next review {policy.NextReviewDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}" : "")
            .Append(".</p>")
            .Append(shown.Statement is { } statement
                ? $"<h2>{H(statement.Section)}</h2><blockquote>{H(statement.Text)}</blockquote>"
                : $"<h2>Coverage statements</h2><pre>{H(Coverage.Engine.Catalogue.RuleText.Render(policy, shown))}</pre>")
            .Append("<h2>Codes</h2><table><tr><th>Code</th><th>Description</th><th>Valid</th></tr>");
        foreach (var code in shown.Codes.Select(c => policy.Codes[c]))
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{H(code.System)} {H(code.Code)}</td><td>{H(code.Description)}</td><td>{H(code.Validity.From is { } f ? "from " + f.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "long-standing")}</td></tr>");
        html.Append("</table><h2>Revision history</h2><ul>");
        foreach (var v in policy.Versions.Reverse())
            html.Append(CultureInfo.InvariantCulture, $"<li><a href=\"{H(PolicyPageLink.For("/policies", policy.Id, v.Version))}\">{H(v.Version)}</a>: {H(v.ReviewType)}: {H(v.Changes)}</li>");
        html.Append("</ul></main></body></html>");
        return TypedResults.Content(html.ToString(), "text/html; charset=utf-8");
    }
}
