using System.Buffers;
using System.Text.Unicode;

namespace Coverage.Engine.Text;

/// <summary>Where UTF-8 text stops being UTF-8, for messages that say where a file's stray byte is.</summary>
public static class Utf8Text
{
    /// <summary>The position (1-based) of the first byte that is not part of a valid UTF-8 character; null when every byte is.</summary>
    public static long? FirstInvalidByte(ReadOnlySpan<byte> bytes)
    {
        if (Utf8.IsValid(bytes)) return null;
        Span<char> scratch = stackalloc char[1024];
        long offset = 0;
        while (true)
        {
            // Converts as much as fits; stops at the first invalid (or cut-off) sequence, after the bytes before it.
            var status = Utf8.ToUtf16(bytes, scratch, out var read, out _, replaceInvalidSequences: false);
            if (status is OperationStatus.InvalidData or OperationStatus.NeedMoreData) return offset + read + 1;
            bytes = bytes[read..];
            offset += read;
        }
    }
}
