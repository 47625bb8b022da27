using System.Text;

namespace Coverage.Claims;

/// <summary>
/// How the 837P and CSV readers decode a claim file: UTF-8, with every byte sequence that is not valid UTF-8 (a
/// Latin-1 byte, a truncated or overlong sequence) read as U+001A SUBSTITUTE, the control character meant for it. The
/// default decoder reads it as U+FFFD, a printable character, so a description "Micro\xFFwave" was decided as
/// "Micro\uFFFDwave", on a guess. A control character is rejected by the 837P reader and the request rules, naming
/// the element or field that holds it. (A NUL replacement is dropped by the decoder, losing the byte silently.)
/// (NDJSON is read as bytes and the request reader rejects invalid UTF-8 itself.)
/// </summary>
public static class ClaimFileText
{
    public static Encoding Encoding { get; } =
        Encoding.GetEncoding("utf-8", EncoderFallback.ReplacementFallback, new DecoderReplacementFallback("\u001A"));

    /// <summary>A reader of <paramref name="stream"/> as claim text (a UTF-8 byte order mark is skipped).</summary>
    public static StreamReader Reader(Stream stream) => new(stream, Encoding, detectEncodingFromByteOrderMarks: true, 1 << 16);
}
