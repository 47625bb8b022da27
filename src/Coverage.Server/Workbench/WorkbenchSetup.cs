using System.Security.Claims;
using Coverage.Server.Workbench.Notices;
using Microsoft.Extensions.Options;

namespace Coverage.Server.Workbench;

/// <summary>
/// The reviewer workbench: Razor Pages under /workbench behind a cookie sign-in of its own. The REST
/// API is untouched: the cookie scheme is not the default, so /api/v1 neither reads nor needs it.
/// </summary>
public static class WorkbenchSetup
{
    public const string Scheme = "Workbench";
    /// <summary>Any signed-in reviewer: nurse or physician.</summary>
    public const string ReviewerPolicy = "WorkbenchReviewer";
    /// <summary>Only a physician decides (the workbench is stricter than the API, where a nurse may overturn).</summary>
    public const string PhysicianPolicy = "WorkbenchPhysician";
    /// <summary>Any signed-in account: a reviewer or an analyst (signing out, being told what you may not do).</summary>
    public const string AccountPolicy = "WorkbenchAccount";
    /// <summary>Impact reports of candidate catalogues: analysts only.</summary>
    public const string AnalystPolicy = "WorkbenchAnalyst";

    public static IServiceCollection AddWorkbench(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var development = environment.IsDevelopment();
        var section = configuration.GetSection(WorkbenchOptions.Section);
        services.Configure<WorkbenchOptions>(section);
        var sessionMinutes = section.GetValue(nameof(WorkbenchOptions.SessionMinutes), 30);
        services.AddSingleton(sp => new WorkbenchAccounts(sp.GetRequiredService<IOptions<WorkbenchOptions>>().Value.Accounts));
        services.AddSingleton<NoticeBuilder>();
        services.AddSingleton<AppealNoticeBuilder>();
        services.AddScoped<WorkbenchSessions>();
        services.AddScoped<SignInThrottle>();
        services.AddSingleton<PasswordVerificationGate>();
        services.Configure<ImpactOptions>(configuration.GetSection(ImpactOptions.Section));
        services.AddSingleton<ImpactRuns>();

        services.AddAuthentication()
            .AddCookie(Scheme, options =>
            {
                options.LoginPath = "/workbench/sign-in";
                options.LogoutPath = "/workbench/sign-out";
                options.AccessDeniedPath = "/workbench/denied";
                options.ReturnUrlParameter = "returnUrl";
                options.ExpireTimeSpan = TimeSpan.FromMinutes(sessionMinutes);
                options.SlidingExpiration = true;
                options.Cookie.Name = "coverage-workbench";
                options.Cookie.Path = "/workbench";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                // Outside Development the cookie is only ever sent over HTTPS (TLS may end at a proxy: see ForwardedHeaders).
                options.Cookie.SecurePolicy = development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
                // Each request checks the server-side session: sign-out, a removed or changed account, the absolute lifetime.
                options.Events.OnValidatePrincipal = context => context.HttpContext.RequestServices.GetRequiredService<WorkbenchSessions>().ValidateAsync(context);
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(ReviewerPolicy, p => p.AddAuthenticationSchemes(Scheme).RequireRole(ReviewerRoles.Nurse, ReviewerRoles.Physician))
            .AddPolicy(PhysicianPolicy, p => p.AddAuthenticationSchemes(Scheme).RequireRole(ReviewerRoles.Physician))
            .AddPolicy(AccountPolicy, p => p.AddAuthenticationSchemes(Scheme).RequireRole(WorkbenchRoles.All))
            .AddPolicy(AnalystPolicy, p => p.AddAuthenticationSchemes(Scheme).RequireRole(WorkbenchRoles.Analyst));

        services.AddRazorPages(options =>
        {
            // Every page and action requires sign-in, except signing in and being told you may not; the case pages and the
            // report are the reviewers', the impact page the analysts'.
            options.Conventions.AuthorizeFolder("/Workbench", AccountPolicy);
            foreach (var page in ReviewerPages) options.Conventions.AuthorizePage(page, ReviewerPolicy);
            options.Conventions.AuthorizePage("/Workbench/Impact", AnalystPolicy);
            options.Conventions.AllowAnonymousToPage("/Workbench/SignIn");
            options.Conventions.AllowAnonymousToPage("/Workbench/Denied");
        });
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "coverage-workbench-antiforgery";
            options.Cookie.Path = "/workbench";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        });
        return services;
    }

    /// <summary>The pages of the reviewers' work: the queue, a case, a notice, the prior-authorization report.</summary>
    private static readonly string[] ReviewerPages = ["/Workbench/Index", "/Workbench/Case", "/Workbench/Notice", "/Workbench/Report"];

    private static readonly Action<ILogger, Exception?> NoAccounts = LoggerMessage.Define(LogLevel.Warning, new EventId(5001, "WorkbenchNoAccounts"),
        "Workbench: no accounts are configured (Workbench:Accounts); nobody can sign in to /workbench.");

    public static WebApplication MapWorkbench(this WebApplication app)
    {
        var accounts = app.Services.GetRequiredService<WorkbenchAccounts>(); // invalid accounts stop the server at start
        if (accounts.Count == 0)
            NoAccounts(app.Logger, null);
        if (!app.Environment.IsDevelopment())
        {
            // Outside Development the workbench's cookies are Secure: over plain HTTP it could not keep a session
            // (and antiforgery would fail with a 500), so it says why instead. HTTPS may end at a listed proxy.
            app.UseWhen(context => context.Request.Path.StartsWithSegments("/workbench") && !context.Request.IsHttps, plain => plain.Run(async context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await context.Response.WriteAsync(
                    "The workbench is served over HTTPS only (directly, or through a proxy listed in Security:KnownProxies or Security:KnownNetworks).",
                    context.RequestAborted);
            }));
        }
        // A page runs one handler: "?handler=Decide&handler=Appeal" ran the first and passed the second over. Refused, naming it.
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/workbench") && context.Request.Query["handler"].Count > 1, twice => twice.Run(context =>
            Results.Problem($"handler: is given {context.Request.Query["handler"].Count} times; give it once (a page runs one action).",
                statusCode: StatusCodes.Status400BadRequest, title: "Invalid query.").ExecuteAsync(context)));
        // The pages take GET (and HEAD, answered as GET) and POST: any other method is 405 with Allow, as on every other
        // route (a page endpoint otherwise takes every method: TRACE and OPTIONS rendered the sign-in page).
        app.MapRazorPages().Add(endpoint => endpoint.Metadata.Add(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Post])));
        app.MapGet("/workbench/assets/{name}", WorkbenchAssets.Get).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/workbench/cases/{id:guid}/notices/{sequence:int}.pdf", NoticeEndpoints.Pdf)
            .RequireAuthorization(ReviewerPolicy)
            .ExcludeFromDescription();
        app.MapGet("/workbench/reports/prior-authorization.csv", Pages.Workbench.ReportModel.Csv)
            .RequireAuthorization(ReviewerPolicy)
            .ExcludeFromDescription();
        app.MapGet("/workbench/impact/{id:guid}.json", Pages.Workbench.ImpactModel.Json)
            .RequireAuthorization(AnalystPolicy)
            .ExcludeFromDescription();
        app.MapGet("/workbench/impact/{id:guid}.csv", Pages.Workbench.ImpactModel.Csv)
            .RequireAuthorization(AnalystPolicy)
            .ExcludeFromDescription();
        app.MapGet("/workbench/cases/{id:guid}/appeal-notice.pdf", NoticeEndpoints.AppealPdf)
            .RequireAuthorization(ReviewerPolicy)
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>The signed-in reviewer, as the workflow and the audit trail know them.</summary>
    public static Reviewer Reviewer(this ClaimsPrincipal user) => new(
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("Not signed in."),
        user.FindFirstValue(ClaimTypes.Name) ?? "",
        user.FindFirstValue(ClaimTypes.Role) ?? "");

    public static ClaimsPrincipal Principal(WorkbenchAccount account) => new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, account.Id),
            new Claim(ClaimTypes.Name, account.Name),
            new Claim(ClaimTypes.Role, account.Role),
        ],
        Scheme, ClaimTypes.Name, ClaimTypes.Role));
}
