namespace Coverage.Server.Security;

/// <summary>
/// Headers on every response — API, FHIR, workbench, errors and 404s alike, because they are set when the
/// response starts, after whatever wrote it: no MIME sniffing, no framing (clickjacking of the decision
/// forms), no Referer leaking case URLs to other sites, and a Content-Security-Policy. The workbench's
/// policy is strict (its own style sheet and script only: no inline script or style, no plugins, forms post
/// only to itself); JSON and FHIR answers allow nothing at all; the public policy pages and the API
/// reference, which carry no member data, keep the inline styles and scripts they are built with.
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next)
{
    public const string WorkbenchPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    public const string NothingPolicy = "default-src 'none'; frame-ancestors 'none'";
    private const string PolicyPagesPolicy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";
    private const string ApiReferencePolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var http = (HttpContext)state;
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy = PolicyFor(http.Request.Path);
            return Task.CompletedTask;
        }, context);
        return next(context);
    }

    private static string PolicyFor(PathString path) =>
        path.StartsWithSegments("/workbench") ? WorkbenchPolicy
        : path.StartsWithSegments("/policies") ? PolicyPagesPolicy
        : path.StartsWithSegments("/api-reference") ? ApiReferencePolicy
        : NothingPolicy;
}
