using Coverage.Engine.Validation;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Coverage.Server.Errors;

/// <summary>
/// A request body encoded in a way the server does not read is refused with 415 before anything reads it (RFC 9110
/// §15.5.16): a content coding other than <c>identity</c> (<c>Content-Encoding: gzip</c>, <c>br</c>, …; answered with
/// <c>Accept-Encoding: identity</c>, RFC 7694 §3) or a charset other than UTF-8 (<c>Content-Type: …; charset=utf-16</c>).
/// The server does not decompress or transcode request bodies, and reading such bytes as plain UTF-8 would either fail
/// with a misleading error ("not valid UTF-8") or, for a body mislabelled, act on something other than what the client
/// says it sent. A request without a body is not concerned (there is nothing to decode).
/// A transfer coding other than <c>chunked</c> (<c>Transfer-Encoding: gzip, chunked</c>) is refused with 501 (RFC 9112
/// §6.1: "A server that receives a request message with a transfer coding it does not understand SHOULD respond with
/// 501"): Kestrel undoes the chunking only and passed the rest through. Kestrel itself refuses a request whose final
/// coding is not chunked (400, RFC 9112 §6.3), before the application sees it.
/// </summary>
public sealed class UnsupportedBodyEncoding(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.Headers.TransferEncoding.Count > 0
            && Codings(request.Headers.TransferEncoding).Where(c => !c.Equals("chunked", StringComparison.OrdinalIgnoreCase)).ToList() is { Count: > 0 } transfer)
        {
            context.Response.Headers.Connection = "close";
            await Results.Problem(
                detail: $"Transfer-Encoding: the transfer coding '{InputEcho.Truncate(string.Join(", ", transfer))}' is not implemented; send the body with Content-Length or chunked only.",
                statusCode: StatusCodes.Status501NotImplemented).ExecuteAsync(context);
            return;
        }
        // Nearly every request names no coding and no charset: it passes without a parse.
        if ((request.Headers.ContentEncoding.Count == 0 && request.ContentType?.Contains("charset", StringComparison.OrdinalIgnoreCase) != true)
            || context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
        {
            await next(context);
            return;
        }
        var codings = Codings(request.Headers.ContentEncoding).Where(c => !c.Equals("identity", StringComparison.OrdinalIgnoreCase)).ToList();
        var charset = Charset(request.ContentType);
        string? refusal = null;
        if (codings.Count > 0)
        {
            context.Response.Headers.AcceptEncoding = "identity";
            refusal = $"Content-Encoding: the content coding '{InputEcho.Truncate(string.Join(", ", codings))}' is not supported; send the body uncompressed (identity).";
        }
        else if (charset is not null && !IsUtf8(charset))
        {
            refusal = $"Content-Type: the charset '{InputEcho.Truncate(charset)}' is not supported; send the body as UTF-8.";
        }
        if (refusal is null)
        {
            await next(context);
            return;
        }
        // The body is not read: the connection closes rather than drain it.
        context.Response.Headers.Connection = "close";
        await Results.Problem(detail: refusal, statusCode: StatusCodes.Status415UnsupportedMediaType).ExecuteAsync(context);
    }

    /// <summary>The codings the header lists, in order (comma-separated, in one header or several); empty entries ignored.</summary>
    private static IEnumerable<string> Codings(Microsoft.Extensions.Primitives.StringValues header) =>
        header.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The charset parameter of the media type, unquoted; null when it names none (or is not a media type: the endpoint says so).</summary>
    private static string? Charset(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed) && parsed.Charset.HasValue
            ? HeaderUtilities.RemoveQuotes(parsed.Charset).Value
            : null;

    private static bool IsUtf8(string charset) =>
        charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase);
}
