using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Coverage.Engine.Validation;

namespace Coverage.Server.Endpoints;

/// <summary>
/// Reads request bodies ourselves: bounded in size, checked to be well-formed UTF-8 JSON text, so that
/// every error names its field the same way the CLI does and no odd byte reaches a parser as a crash.
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
            return filled == body.Length ? body : body[..filled];
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
        return buffer.ToArray();
    }

    private static BadHttpRequestException TooLarge() =>
        new($"The request body is larger than {MaxBytes:N0} bytes.", StatusCodes.Status413PayloadTooLarge);

    /// <summary>
    /// Null when the body is well-formed JSON whose every string and name is valid Unicode; else the error.
    /// (System.Text.Json checks strings only when they are read, so an invalid one would surface later as an exception.)
    /// </summary>
    public static InputError? CheckText(byte[] body, int maxDepth = 64)
    {
        if (!Utf8.IsValid(body)) return new InputError("$", "the body is not valid UTF-8 text");
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = maxDepth });
        // The names seen in each open object (a name given twice is ambiguous, so it is refused): one set per depth,
        // reused by the next object at that depth. A name is kept as its UTF-8 bytes, unescaped: a slice of the body
        // itself unless it was written with escapes (rare), so no string is made per name.
        var names = new List<HashSet<ReadOnlyMemory<byte>>>();
        var depth = 0;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        if (depth == names.Count) names.Add(new HashSet<ReadOnlyMemory<byte>>(Utf8Names.Comparer));
                        else names[depth].Clear();
                        depth++;
                        break;
                    case JsonTokenType.EndObject:
                        depth--;
                        break;
                    case JsonTokenType.PropertyName:
                        // Reading an escaped name checks it (a lone surrogate throws, as for any escaped string below).
                        var name = reader.ValueIsEscaped
                            ? Encoding.UTF8.GetBytes(reader.GetString()!)
                            : body.AsMemory((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);
                        if (!names[depth - 1].Add(name)) return new InputError("$", $"the property '{Encoding.UTF8.GetString(name.Span)}' is given twice in one object");
                        break;
                    case JsonTokenType.String when reader.ValueIsEscaped:
                        // An escape can spell an invalid code point (a lone surrogate); reading the string checks it. A
                        // string without escapes is its bytes, and the body's bytes are valid UTF-8 (checked above).
                        reader.GetString();
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            return new InputError("$", $"the body is not valid JSON ({e.Message.Split(" Path:")[0].Split(" LineNumber:")[0]})");
        }
        catch (InvalidOperationException)
        {
            return new InputError("$", $"the body holds a string that is not valid Unicode (near byte {reader.TokenStartIndex})");
        }
        return null;
    }

    /// <summary>A JSON object, or the input error saying why the body is not one.</summary>
    public static (JsonObject? Body, InputError? Error) ParseObject(byte[] body)
    {
        if (CheckText(body, 32) is { } invalid) return (null, invalid);
        var node = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 32 });
        return node is JsonObject obj ? (obj, null) : (null, new InputError("$", "the body must be a JSON object"));
    }

    /// <summary>JSON names compared as their UTF-8 bytes (hashed with the process's randomised seed, so a body cannot
    /// be built to make every name collide).</summary>
    private sealed class Utf8Names : IEqualityComparer<ReadOnlyMemory<byte>>
    {
        public static readonly Utf8Names Comparer = new();

        public bool Equals(ReadOnlyMemory<byte> x, ReadOnlyMemory<byte> y) => x.Span.SequenceEqual(y.Span);

        public int GetHashCode(ReadOnlyMemory<byte> name)
        {
            var hash = new HashCode();
            hash.AddBytes(name.Span);
            return hash.ToHashCode();
        }
    }
}
