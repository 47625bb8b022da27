using System.Buffers;
using System.Text.Unicode;

namespace Coverage.Engine.Text;

/// <summary>
/// UTF-8 text read exactly, for every file and answer the programs read as UTF-8 (the CLI's inputs, the catalogue's
/// files, the PAS reason codes, an EHR's FHIR answers): its byte order mark set aside, and where it stops being UTF-8,
/// in the words every such refusal uses.
/// </summary>
public static class Utf8Text
{
    /// <summary>The bytes after a UTF-8 byte order mark, or all of them when there is none.</summary>
    public static ReadOnlySpan<byte> WithoutByteOrderMark(ReadOnlySpan<byte> bytes) => bytes.StartsWith("\uFEFF"u8) ? bytes[3..] : bytes;

    /// <summary>Why the bytes are not UTF-8 text, as a phrase to follow the input's name ("is not UTF-8 text (byte 21 …)"); null when they are.</summary>
    public static string? Problem(ReadOnlySpan<byte> bytes) =>
        FirstInvalidByte(bytes) is { } at ? $"is not UTF-8 text (byte {at:N0} is not part of a UTF-8 character)" : null;

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
