namespace Coverage.Server.Security;

/// <summary>
/// Cross-origin resource sharing for the interoperability surfaces only — CDS Hooks (<c>/cds-services</c>) and FHIR
/// (<c>/fhir</c>: PAS, DTR, subscriptions) — for browser-based clients: a CDS client running in the browser, a DTR
/// SMART app (CDS Hooks 2.0 "Cross-Origin Resource Sharing": CDS services require CORS support). Off unless
/// <c>Cors:AllowedOrigins</c> lists origins (<c>https://ehr.example.org</c>) or <c>*</c> for any; every call still
/// needs its bearer token. Never with credentials: no cookie rides along, so the workbench's session (a cookie, on
/// other paths, which get no CORS headers at all) cannot be used from another origin. A preflight is answered before
/// authentication, as browsers send it without the Authorization header.
/// </summary>
internal static class CrossOrigin
{
    public const string Policy = "interoperability";

    /// <summary>The paths whose answers may be read from another origin.</summary>
    public static readonly string[] Paths = ["/cds-services", "/fhir"];

    /// <summary>The configured origins, checked: each an absolute http(s) origin (no path, query or fragment), or <c>*</c> alone.</summary>
    public static IReadOnlyList<string> Origins(IConfiguration configuration)
    {
        var origins = configuration.GetSection("Cors:AllowedOrigins").Get<string[]>() ?? [];
        foreach (var origin in origins)
        {
            if (origin == "*")
            {
                if (origins.Length > 1) throw new InvalidOperationException("Cors:AllowedOrigins: '*' (any origin) must stand alone.");
                continue;
            }
            // An origin is its URL's scheme and authority and nothing more (a trailing slash is already a path).
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
                || !string.Equals(uri.GetLeftPart(UriPartial.Authority), origin, StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException(
                    $"Cors:AllowedOrigins: '{origin}' is not an origin: scheme, host and optional port only (e.g. https://ehr.example.org), or '*'.");
        }
        return origins;
    }

    public static IServiceCollection AddCrossOrigin(this IServiceCollection services, IConfiguration configuration)
    {
        var origins = Origins(configuration);
        if (origins.Count == 0) return services;
        return services.AddCors(options => options.AddPolicy(Policy, policy =>
        {
            if (origins is ["*"]) policy.AllowAnyOrigin();
            else policy.WithOrigins([.. origins]);
            policy.WithMethods(HttpMethods.Get, HttpMethods.Post, HttpMethods.Put, HttpMethods.Delete)
                .WithHeaders("Authorization", "Content-Type", "Accept", "Prefer")
                .WithExposedHeaders("Location", "Content-Location", "ETag", "Retry-After")
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10));
        }));
    }

    /// <summary>Before authentication and the rate limits, on <see cref="Paths"/> only; nothing when no origin is configured.</summary>
    public static IApplicationBuilder UseCrossOrigin(this IApplicationBuilder app, IConfiguration configuration)
    {
        if (Origins(configuration).Count == 0) return app;
        return app.UseWhen(
            context => Paths.Any(path => context.Request.Path.StartsWithSegments(path, StringComparison.OrdinalIgnoreCase)),
            branch => branch.UseCors(Policy));
    }
}
