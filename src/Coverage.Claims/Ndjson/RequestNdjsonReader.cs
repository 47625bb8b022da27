using System.Text.Json;

namespace Coverage.Claims.Ndjson;

/// <summary>
/// Reads NDJSON: one coverage request (request-and-determination.md) per line, blank lines skipped. Each line is
/// a record positioned at its line number; its JSON is validated later by the engine's own request reader. In a
/// batch the requestId is the claim id, so it is required.
/// </summary>
public sealed class RequestNdjsonReader(Stream input, int maxLineBytes = RequestNdjsonReader.DefaultMaxLineBytes)
{
    public const int DefaultMaxLineBytes = 1024 * 1024;

    public IEnumerable<ClaimRecord> Read()
    {
        var buffer = new byte[64 * 1024];
        var line = new MemoryStream();
        long number = 1;
        var tooLong = false;
        var first = true;
        int read;
        while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
        {
            var offset = 0;
            // A UTF-8 byte order mark is not part of the first request.
            if (first && buffer.AsSpan(0, read).StartsWith("\uFEFF"u8)) offset = 3;
            first = false;
            while (true)
            {
                var newline = Array.IndexOf(buffer, (byte)'\n', offset, read - offset);
                var length = (newline < 0 ? read : newline) - offset;
                if (line.Length + length > maxLineBytes) tooLong = true;
                else line.Write(buffer, offset, length);
                if (newline < 0) break;
                if (Record(line, number, tooLong) is { } record) yield return record;
                line.SetLength(0);
                tooLong = false;
                number++;
                offset = newline + 1;
            }
        }
        if (Record(line, number, tooLong) is { } last) yield return last;
    }

    private ClaimRecord? Record(MemoryStream line, long number, bool tooLong)
    {
        var at = RecordPosition.Line(number);
        if (tooLong) return ClaimRecord.Rejected(at, $"the line is longer than {maxLineBytes} bytes");
        var bytes = line.GetBuffer().AsSpan(0, (int)line.Length);
        if (bytes.EndsWith("\r"u8)) bytes = bytes[..^1];
        if (bytes.Trim(" \t"u8).IsEmpty) return null;
        var json = bytes.ToArray();
        return new ClaimRecord { Position = at, ClaimId = RequestIdOf(json), RequestJson = json };
    }

    /// <summary>The top-level requestId, found without reading the whole request (which the engine validates later).</summary>
    internal static string? RequestIdOf(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isId = reader.ValueTextEquals("requestId"u8);
                if (!reader.Read()) return null;
                if (isId) return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Malformed JSON: the engine's reader says what is wrong with it.
        }
        catch (InvalidOperationException)
        {
            // An id that is not valid UTF-8 cannot be read as text (GetString throws): the record has no id, and the
            // engine's reader rejects its JSON; one bad line must not stop the batch.
        }
        return null;
    }
}
