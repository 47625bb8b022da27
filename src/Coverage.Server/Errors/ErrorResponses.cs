namespace Coverage.Server.Errors;

/// <summary>
/// How the server answers errors, one mapping per surface: RFC 9457 problem details for /api (and everything
/// that is not FHIR), OperationOutcomes for /fhir and /cds-services (<see cref="FhirErrors"/>). Every part of the
/// pipeline that answers an error writes it through ASP.NET Core's problem details service, so the surface's
/// writer decides its form in one place.
/// </summary>
internal static class ErrorResponses
{
    public static IServiceCollection AddErrorResponses(this IServiceCollection services)
    {
        // The problem details service asks its writers in the order they were registered: the FHIR writer must
        // come before the default one (and MVC's), which would otherwise answer /fhir with problem details.
        services.Insert(0, ServiceDescriptor.Singleton<IProblemDetailsWriter, FhirErrorWriter>());
        services.AddProblemDetails();
        return services;
    }

    /// <summary>The error handling part of the pipeline, outermost first.</summary>
    public static IApplicationBuilder UseErrorResponses(this IApplicationBuilder app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // A malformed HTTP request (bad body, too large) is the caller's error, not the server's.
            StatusCodeSelector = exception => exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.UseMiddleware<ClientErrors>();
        // A status without a body (an authentication challenge, a refused authorization, no route, a wrong method) gets one.
        var problemDetails = new StatusCodePagesOptions(); // its handler writes through the problem details service
        app.UseStatusCodePages(new StatusCodePagesOptions
        {
            HandleAsync = context =>
            {
                HeadRequests.NameHeadInAllow(context.HttpContext.Response);
                return problemDetails.HandleAsync(context);
            },
        });
        app.UseMiddleware<DatabaseOutageResponder>();
        return app;
    }
}
