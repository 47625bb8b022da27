namespace Coverage.Engine.Text;

/// <summary>The wide Unicode encodings a file meant to be UTF-8 may come in (the claim files, the CLI's request), named.</summary>
public static class WideEncodings
{
    /// <summary>
    /// UTF-32 or UTF-16 text, named with its byte order, by its byte order mark or, without one, by where its NUL bytes
    /// are: the text read here (claims, requests) is ASCII almost throughout, which UTF-32 writes with three NULs in
    /// every four bytes and UTF-16 with one in every two. Null for anything else. Read as UTF-8, such a file is NULs
    /// between letters; a reader that names the encoding can say what to do (convert it) instead.
    /// </summary>
    public static string? Of(ReadOnlySpan<byte> bytes)
    {
        // UTF-32's little-endian mark begins with UTF-16's: it is looked for first.
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0x00, 0x00])) return "UTF-32 (little-endian)";
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF])) return "UTF-32 (big-endian)";
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE])) return "UTF-16 (little-endian)";
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])) return "UTF-16 (big-endian)";
        var sample = bytes[..(Math.Min(bytes.Length, 400) / 4 * 4)];
        if (sample.Length < 8) return null;
        // NULs at each position of a four-byte group; a position is "NUL" when most of its bytes are.
        var nuls = new int[4];
        for (var i = 0; i < sample.Length; i++)
            if (sample[i] == 0) nuls[i % 4]++;
        var groups = sample.Length / 4;
        var nul = nuls.Select(count => count > groups * 3 / 4).ToArray();
        if (nul is [false, true, true, true]) return "UTF-32 (little-endian)";
        if (nul is [true, true, true, false]) return "UTF-32 (big-endian)";
        if (nul is [false, true, false, true]) return "UTF-16 (little-endian)";
        if (nul is [true, false, true, false]) return "UTF-16 (big-endian)";
        return null;
    }
}
