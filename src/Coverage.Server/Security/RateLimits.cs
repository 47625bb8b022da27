using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Coverage.Server.Workbench;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.RateLimiting;

namespace Coverage.Server.Security;

/// <summary>RateLimits:* — requests per minute (fixed one-minute windows); generous, so that only abuse meets them.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    public bool Enabled { get; set; } = true;
    /// <summary>Per authenticated API/FHIR client (token issuer + client_id) and per signed-in reviewer.</summary>
    public int PerClientPerMinute { get; set; } = 6000;
    /// <summary>Per source address, for every request that is not authenticated (including refused tokens).</summary>
    public int AnonymousPerSourcePerMinute { get; set; } = 600;
    /// <summary>Per source address on /cds-services: EHRs authenticate inside the hook (their per-client limit is there), so this only bounds a source.</summary>
    public int CdsHooksPerSourcePerMinute { get; set; } = 6000;
    /// <summary>Per source address, workbench sign-in attempts (POST /workbench/sign-in), on top of the anonymous limit.</summary>
    public int SignInPerSourcePerMinute { get; set; } = 10;
}

/// <summary>
/// Rate limits with ASP.NET Core's rate limiter: per authenticated client on /api/v1 and /fhir, per signed-in
/// reviewer on the workbench, per source address for everything unauthenticated, and tighter per source
/// on the workbench sign-in. A refusal is 429 with Retry-After and a problem (an OperationOutcome under
/// /fhir and /cds-services). The caller is identified before the limiter runs (<see cref="InvokeIdentifyAsync"/>):
/// the API's bearer scheme is not the default, so the request is authenticated here with it — the handler
/// caches the result, so the endpoint's authorization does not validate the token twice — and a request
/// whose token fails counts against its source address, so that a flood of bad tokens is limited too.
/// </summary>
public static class RateLimits
{
    private const string PartitionItem = "coverage.rate-limit-partition";

    public static IServiceCollection AddRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddSingleton(settings);
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = Rejected;
            if (!settings.Enabled) return;
            options.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                {
                    var (key, limit) = Partition(context, settings);
                    return RateLimitPartition.GetFixedWindowLimiter(key, _ => Window(limit));
                }),
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    IsSignIn(context.Request)
                        ? RateLimitPartition.GetFixedWindowLimiter("sign-in " + Source(context), _ => Window(settings.SignInPerSourcePerMinute))
                        : RateLimitPartition.GetNoLimiter("")));
        });
        return services;
    }

    /// <summary>After UseAuthentication, before UseAuthorization: names the caller, then applies the limits.</summary>
    public static IApplicationBuilder UseRateLimits(this IApplicationBuilder app)
    {
        app.Use(InvokeIdentifyAsync);
        return app.UseRateLimiter();
    }

    private static async Task InvokeIdentifyAsync(HttpContext context, RequestDelegate next)
    {
        context.Items[PartitionItem] = await CallerAsync(context);
        await next(context);
    }

    /// <summary>"client {iss} {client_id}", "reviewer {id}", or null (anonymous).</summary>
    private static async Task<string?> CallerAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if ((path.StartsWithSegments("/api") || path.StartsWithSegments("/fhir")) && context.Request.Headers.Authorization.Count > 0)
        {
            var result = await context.AuthenticateAsync(ApiAuthentication.Scheme);
            if (result.Succeeded && AccessTokenClient.Of(result.Principal) is { } client)
                return $"client {result.Principal.FindFirstValue("iss")} {client}";
            return null;
        }
        if (path.StartsWithSegments("/workbench") && context.Request.Cookies.ContainsKey("coverage-workbench"))
        {
            var result = await context.AuthenticateAsync(WorkbenchSetup.Scheme);
            if (result.Succeeded && result.Principal.FindFirstValue(ClaimTypes.NameIdentifier) is { } reviewer)
                return $"reviewer {reviewer}";
        }
        return null;
    }

    private static (string Key, int Limit) Partition(HttpContext context, RateLimitOptions settings)
    {
        if (context.Items[PartitionItem] is string caller) return (caller, settings.PerClientPerMinute);
        var source = Source(context);
        return context.Request.Path.StartsWithSegments("/cds-services")
            ? ("cds " + source, settings.CdsHooksPerSourcePerMinute)
            : ("source " + source, settings.AnonymousPerSourcePerMinute);
    }

    /// <summary>The client's address (after trusted forwarded headers); the in-memory test server has none.</summary>
    private static string Source(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static bool IsSignIn(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && request.Path.Equals("/workbench/sign-in", StringComparison.OrdinalIgnoreCase);

    private static FixedWindowRateLimiterOptions Window(int perMinute) => new()
    {
        PermitLimit = Math.Max(1, perMinute),
        Window = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private static async ValueTask Rejected(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 60;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var detail = $"Too many requests; try again in {seconds} seconds.";
        // Under /fhir and /cds-services the problem is written as an OperationOutcome (Errors/FhirErrorWriter).
        await Results.Problem(detail, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests.").ExecuteAsync(context);
    }
}
