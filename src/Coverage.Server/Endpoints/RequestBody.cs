using System.Text.Json;
using System.Text.Json.Nodes;
using Coverage.Engine.Json;
using Coverage.Engine.Text;
using Coverage.Engine.Validation;

namespace Coverage.Server.Endpoints;

/// <summary>
/// Reads request bodies ourselves, bounded in size; each endpoint then checks the text (<see cref="JsonText.Check"/>, as
/// the CLI checks a request file), so that no odd byte reaches a parser as a crash. A UTF-8 byte order mark at the start
/// is dropped, as the CLI and the catalogue drop one from a file (RFC 8259 §8.1: a parser may ignore it); the text after
/// it is read exactly.
/// </summary>
internal static class RequestBody
{
    /// <summary>The most a request body may hold (Limits:MaxRequestBodyBytes); a coverage request is a few kilobytes.</summary>
    public static long MaxBytes { get; set; } = 1_000_000;

    public static async Task<byte[]> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBytes) throw TooLarge();
        if (request.ContentLength is { } declared)
        {
            // The length is known (the web server holds the body to it): one array of that size, no buffer to grow and copy.
            var body = new byte[declared];
            var filled = 0;
            int got;
            while (filled < body.Length && (got = await request.Body.ReadAsync(body.AsMemory(filled), cancellationToken)) > 0) filled += got;
            return WithoutByteOrderMark(filled == body.Length ? body : body[..filled]);
        }
        using var buffer = new MemoryStream();
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > MaxBytes) throw TooLarge();
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }
        return WithoutByteOrderMark(buffer.ToArray());
    }

    /// <summary>The body without a leading UTF-8 byte order mark (a copy only when it has one).</summary>
    private static byte[] WithoutByteOrderMark(byte[] body) =>
        Utf8Text.WithoutByteOrderMark(body) is var text && text.Length == body.Length ? body : text.ToArray();

    private static BadHttpRequestException TooLarge() =>
        new($"The request body is larger than {MaxBytes:N0} bytes.", StatusCodes.Status413PayloadTooLarge);

    /// <summary>A JSON object, or the input error saying why the body is not one.</summary>
    public static (JsonObject? Body, InputError? Error) ParseObject(byte[] body)
    {
        if (JsonText.Check(body, 32) is { } invalid) return (null, invalid);
        var node = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 32 });
        return node is JsonObject obj ? (obj, null) : (null, new InputError("$", "the body must be a JSON object"));
    }
}
