using Coverage.Engine.Validation;
using Microsoft.AspNetCore.Http.Features;

namespace Coverage.Server.Errors;

/// <summary>
/// A request body sent with a content coding (<c>Content-Encoding: gzip</c>, <c>br</c>, …) is refused with 415 and
/// <c>Accept-Encoding: identity</c> (RFC 9110 §8.4.1 and §15.5.16, RFC 7694 §3), before anything reads it: the server
/// does not decompress request bodies, and reading coded bytes as if they were not would either fail with a misleading
/// error ("not valid UTF-8") or, for a body mislabelled as coded, act on something other than what the client says it
/// sent. Only <c>identity</c> is taken. A request without a body is not concerned (there is nothing to decode).
/// </summary>
public sealed class UnsupportedContentCoding(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var codings = Codings(context.Request.Headers.ContentEncoding);
        if (codings.Count == 0 || codings.All(c => c.Equals("identity", StringComparison.OrdinalIgnoreCase))
            || context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
        {
            await next(context);
            return;
        }
        var refused = InputEcho.Truncate(string.Join(", ", codings.Where(c => !c.Equals("identity", StringComparison.OrdinalIgnoreCase))));
        context.Response.Headers.AcceptEncoding = "identity";
        // The body is not read: the connection closes rather than drain it.
        context.Response.Headers.Connection = "close";
        await Results.Problem(
            detail: $"Content-Encoding: the content coding '{refused}' is not supported; send the body uncompressed (identity).",
            statusCode: StatusCodes.Status415UnsupportedMediaType).ExecuteAsync(context);
    }

    /// <summary>The codings the header lists, in order (comma-separated, in one header or several); empty entries ignored.</summary>
    private static List<string> Codings(Microsoft.Extensions.Primitives.StringValues header) =>
        [.. header.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))];
}
