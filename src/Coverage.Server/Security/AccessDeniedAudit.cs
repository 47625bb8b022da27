using Coverage.Engine.Text;

namespace Coverage.Server.Security;

/// <summary>
/// Records every 401 and 403 answer of the REST API and the FHIR endpoints, and every 404 of one of their
/// endpoints (a case id or request that is not there, or not the caller's: probing looks like this), as a
/// security event (bounded and
/// aggregated per source by <see cref="SecurityEvents"/>): who was refused where, without a row per attempt. It
/// looks at the answer after the rest of the pipeline has run, so that it sees every refusal whichever part made
/// it (the bearer handler's challenge, an authorization policy, an endpoint). CDS Hooks refusals are recorded by
/// the CDS Hooks endpoint itself, with their reason.
/// </summary>
public sealed class AccessDeniedAudit(RequestDelegate next, SecurityEvents events)
{
    public async Task InvokeAsync(HttpContext context)
    {
        // Taken before the pipeline runs: a HEAD is routed as the GET it stands for (HeadRequests), and the trail says HEAD.
        var requestMethod = context.Request.Method;
        await next(context);
        var status = context.Response.StatusCode;
        if (status is not (StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden or StatusCodes.Status404NotFound)) return;
        var path = context.Request.Path;
        if (!path.StartsWithSegments("/api/v1") && !path.StartsWithSegments("/fhir")) return;
        // A 404 counts when an endpoint answered it (an unknown case or request), not for a path nothing serves.
        if (status == StatusCodes.Status404NotFound && context.GetEndpoint() is not RouteEndpoint) return;

        // The route pattern, not the path: a fixed set of subjects, whatever ids the caller put in the URL.
        var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText?.Trim('/') ?? "(no endpoint)";
        var method = Bounded.Text(requestMethod, 16);
        var (action, kind, why) = status switch
        {
            StatusCodes.Status401Unauthorized when context.Request.Headers.Authorization.Count == 0 => ("authentication-failed", "no-token", "no bearer token"),
            StatusCodes.Status401Unauthorized => ("authentication-failed", "token-refused", "the bearer token was refused"),
            StatusCodes.Status403Forbidden => ("access-denied", "forbidden", "the caller may not do this"),
            _ => ("not-found", "not-found", "nothing of the caller's is there"),
        };
        events.Record(Bounded.Column(route, 128)!, action, kind, AuditActor.Of(context), $"{status} on {method} /{route}: {why}.");
    }

    /// <summary>Puts the middleware first in the pipeline, without touching Program.cs.</summary>
    public sealed class StartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseMiddleware<AccessDeniedAudit>();
            next(app);
        };
    }
}
