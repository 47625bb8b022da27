using System.Text;

/// <summary>
/// Where one HTTP/1.1 response ends in the bytes received so far (status line, headers, then a body framed by
/// Content-Length or chunked transfer coding, RFC 9112 §6), for <see cref="LeanSender"/>, which reads responses off
/// its sockets without an HTTP client. Only what a fixed-rate sender needs: the status code, where the next response
/// would begin, and whether the server closes the connection after it. A response it cannot frame is an error, never a
/// guess.
/// </summary>
internal static class HttpResponseFraming
{
    /// <summary>One response whose last byte has been received.</summary>
    public readonly record struct Frame(int Status, int Length, bool Close);

    private static ReadOnlySpan<byte> HeaderEnd => "\r\n\r\n"u8;
    private static ReadOnlySpan<byte> LineEnd => "\r\n"u8;

    /// <summary>
    /// The first response of <paramref name="received"/> when all of it has arrived; false while bytes are missing.
    /// Throws <see cref="FormatException"/> on bytes that are not an HTTP/1.1 response this can frame.
    /// </summary>
    public static bool TryFrame(ReadOnlySpan<byte> received, out Frame frame)
    {
        frame = default;
        var headerLength = received.IndexOf(HeaderEnd);
        if (headerLength < 0) return false;
        var head = Encoding.ASCII.GetString(received[..headerLength]);
        var lines = head.Split("\r\n");
        var status = Status(lines[0]);
        long? contentLength = null;
        var chunked = false;
        var close = false;
        foreach (var line in lines.AsSpan(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) throw new FormatException($"A response header line without a name: '{line}'.");
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                if (!long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length)
                    || (contentLength is { } earlier && earlier != length))
                    throw new FormatException($"An unusable Content-Length: '{value}'.");
                contentLength = length;
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                // Chunked must be the last coding (RFC 9112 §6.3); any other coding this sender does not undo.
                if (!value.Equals("chunked", StringComparison.OrdinalIgnoreCase)) throw new FormatException($"A transfer coding this sender cannot frame: '{value}'.");
                chunked = true;
            }
            else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase) && value.Contains("close", StringComparison.OrdinalIgnoreCase))
            {
                close = true;
            }
        }

        var bodyStart = headerLength + HeaderEnd.Length;
        int end;
        if (chunked)
        {
            // Transfer-Encoding overrides Content-Length (RFC 9112 §6.3).
            if (!TryChunkedEnd(received, bodyStart, out end)) return false;
        }
        else if (status is (>= 100 and < 200) or 204 or 304)
        {
            end = bodyStart; // no body, whatever the headers say
        }
        else if (contentLength is { } length)
        {
            if (received.Length - bodyStart < length) return false;
            end = bodyStart + (int)length;
        }
        else
        {
            // A body delimited by the connection's close cannot be told from a cut-off one.
            throw new FormatException("A response with neither Content-Length nor chunked coding.");
        }
        frame = new Frame(status, end, close);
        return true;
    }

    private static int Status(string statusLine)
    {
        // "HTTP/1.1 200 OK": the version, a space, three digits, a space (the reason may be empty).
        if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1.", StringComparison.Ordinal) || statusLine[8] != ' '
            || !int.TryParse(statusLine.AsSpan(9, 3), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var status)
            || (statusLine.Length > 12 && statusLine[12] != ' '))
            throw new FormatException($"Not an HTTP/1.x status line: '{statusLine}'.");
        return status;
    }

    /// <summary>Where a chunked body that begins at <paramref name="start"/> ends (after its last chunk and trailers), once all of it has arrived.</summary>
    private static bool TryChunkedEnd(ReadOnlySpan<byte> received, int start, out int end)
    {
        end = 0;
        var at = start;
        while (true)
        {
            var lineLength = received[at..].IndexOf(LineEnd);
            if (lineLength < 0) return false;
            var sizeText = received.Slice(at, lineLength);
            var extension = sizeText.IndexOf((byte)';');
            if (extension >= 0) sizeText = sizeText[..extension];
            if (!int.TryParse(Encoding.ASCII.GetString(sizeText).Trim(), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var size) || size < 0)
                throw new FormatException($"An unusable chunk size: '{Encoding.ASCII.GetString(received.Slice(at, lineLength))}'.");
            at += lineLength + LineEnd.Length;
            if (size == 0)
            {
                // The trailer section: header lines, then an empty line.
                while (true)
                {
                    var trailer = received[at..].IndexOf(LineEnd);
                    if (trailer < 0) return false;
                    at += trailer + LineEnd.Length;
                    if (trailer == 0)
                    {
                        end = at;
                        return true;
                    }
                }
            }
            if (received.Length - at < size + LineEnd.Length) return false;
            if (!received.Slice(at + size, LineEnd.Length).SequenceEqual(LineEnd)) throw new FormatException("A chunk not followed by CRLF.");
            at += size + LineEnd.Length;
        }
    }
}
