namespace Coverage.Server.Errors;

/// <summary>
/// HEAD answered as GET without the content (RFC 9110 §9.3.2: "identical to GET except that the server MUST NOT send
/// content in the response"; §9.1: every general-purpose server supports GET and HEAD). Minimal API routes name GET
/// only, so a HEAD was a 405 on every resource. The method the application sees becomes GET before routing, so a HEAD
/// is routed, authenticated, authorised, rate-limited and audited exactly as the GET it stands for; Kestrel still
/// knows the request line said HEAD and sends the headers only (the same Content-Length, no content). An endpoint
/// that takes no GET answers a HEAD with 405 and its Allow header, as before. Since every resource that takes GET takes
/// HEAD too, a 405's Allow header (written by routing from the endpoints' methods) names HEAD after GET (RFC 9110 §10.2.1:
/// the methods the resource supports).
/// </summary>
public sealed class HeadRequests(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (HttpMethods.IsHead(context.Request.Method)) context.Request.Method = HttpMethods.Get;
        return next(context);
    }

    /// <summary>
    /// Adds HEAD after GET in a 405's Allow header. Called by the error responses as they write the body of a 405 (every
    /// 405 leaves routing or <see cref="OperationMethods"/> without one), so no other request pays for it.
    /// </summary>
    public static void NameHeadInAllow(HttpResponse response)
    {
        if (response.StatusCode != StatusCodes.Status405MethodNotAllowed || response.Headers.Allow.ToString() is not { Length: > 0 } allow) return;
        var methods = allow.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (methods.Contains(HttpMethods.Get, StringComparer.OrdinalIgnoreCase) && !methods.Contains(HttpMethods.Head, StringComparer.OrdinalIgnoreCase))
            response.Headers.Allow = string.Join(", ", methods.SelectMany(m => HttpMethods.IsGet(m) ? [m, HttpMethods.Head] : new[] { m }));
    }
}
