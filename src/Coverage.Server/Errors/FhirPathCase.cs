using Microsoft.AspNetCore.Routing.Patterns;

namespace Coverage.Server.Errors;

/// <summary>
/// FHIR's names are case-sensitive (a resource type, an operation, <c>metadata</c>: FHIR R4 http.html), but ASP.NET
/// Core's routing ignores case, so <c>/fhir/claim/$submit</c> or <c>/fhir/Claim/$SUBMIT</c> reached <c>Claim/$submit</c>.
/// Under <c>/fhir</c> a route's fixed segments must match the path exactly; a request whose path matches one only when
/// case is ignored is answered as no route at all (404, an OperationOutcome), before authentication, as any unknown
/// path is. Segments the route takes as values (an id) are not compared.
/// </summary>
public sealed class FhirPathCase(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint() is RouteEndpoint endpoint && context.Request.Path.StartsWithSegments("/fhir", StringComparison.OrdinalIgnoreCase)
            && !FixedSegmentsMatch(endpoint.RoutePattern, context.Request.Path))
            context.SetEndpoint(null);
        return next(context);
    }

    /// <summary>Whether every segment the route fixes (one literal, no value) is the path's segment, case included.</summary>
    internal static bool FixedSegmentsMatch(RoutePattern pattern, PathString path)
    {
        var segments = (path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < pattern.PathSegments.Count && i < segments.Length; i++)
        {
            var parts = pattern.PathSegments[i].Parts;
            if (parts is [RoutePatternLiteralPart literal] && !string.Equals(literal.Content, segments[i], StringComparison.Ordinal)) return false;
        }
        return true;
    }
}
