namespace Coverage.Server.Errors;

/// <summary>
/// A FHIR operation asked for with a method it does not take (<c>GET /fhir/Questionnaire/$questionnaire-package</c>,
/// <c>PUT /fhir/Subscription/$status</c>) is 405 with its Allow header, as routing answers any other path a method does
/// not take. Routing cannot say so itself here: the resource routes (<c>/fhir/Questionnaire/{id}</c>) take that method
/// at that path, so it picks one of them, whose id constraint (<see cref="Endpoints.FhirResourceId"/>: an id is never
/// an operation's name) then refuses it, leaving no endpoint (a 404). Such a request gets an endpoint that answers 405
/// with the methods of the operation's own routes; the body is written by the error responses (an OperationOutcome
/// under /fhir). Runs right after routing, with <see cref="FhirPathCase"/>.
/// </summary>
public sealed class OperationMethods(RequestDelegate next, EndpointDataSource endpoints)
{
    private readonly Lazy<IReadOnlyDictionary<string, Endpoint>> _operations = new(() => Operations(endpoints));

    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint() is null && context.Request.Path.Value is { } path && path.Contains("/$", StringComparison.Ordinal)
            && _operations.Value.TryGetValue(path.TrimEnd('/'), out var methodNotAllowed))
            context.SetEndpoint(methodNotAllowed);
        return next(context);
    }

    /// <summary>Each operation route without a value in its path, with the 405 endpoint naming its methods.</summary>
    private static Dictionary<string, Endpoint> Operations(EndpointDataSource source) =>
        source.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.Parameters.Count == 0 && e.RoutePattern.RawText is { } raw && raw.Contains('$', StringComparison.Ordinal))
            .GroupBy(e => "/" + e.RoutePattern.RawText!.Trim('/'), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => MethodNotAllowed(g.SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Distinct().ToList()), StringComparer.Ordinal);

    private static Endpoint MethodNotAllowed(IReadOnlyList<string> methods) => new(context =>
    {
        context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
        context.Response.Headers.Allow = string.Join(", ", methods);
        return Task.CompletedTask;
    }, EndpointMetadataCollection.Empty, "405 Method Not Allowed (operation)");
}
