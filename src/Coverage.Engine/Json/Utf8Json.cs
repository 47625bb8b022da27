using System.Text;

namespace Coverage.Engine.Json;

/// <summary>
/// A JSON document held as the UTF-8 bytes it is written and stored in, made into text only when something reads it
/// as text. A case keeps its determination this way: the writer's bytes go to the store as they are (SQLite binds them
/// as the column's text, <c>ModelInserts</c>) and the reader reads bytes. Kept as a string, a determination of 10–20 kB
/// was a UTF-16 copy twice its size and a second UTF-8 copy on the way to the store — a quarter of what a PAS
/// <c>$submit</c> allocated (docs/benchmarks.md, session 27).
/// </summary>
/// <remarks>
/// Always valid UTF-8: bytes that are not are refused when the document is made, so its text is exactly its bytes and
/// the store never keeps a replacement character in place of what was written. Immutable; equal when the bytes are.
/// </remarks>
public sealed class Utf8Json : IEquatable<Utf8Json>
{
    // Text made into bytes strictly: a string that is not valid UTF-16 (a lone surrogate) is refused, not replaced.
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private byte[]? _utf8;
    private string? _text;

    private Utf8Json(byte[]? utf8, string? text) => (_utf8, _text) = (utf8, text);

    /// <summary>The empty text (a record not yet given a document).</summary>
    public static Utf8Json Empty { get; } = new([], "");

    /// <summary>
    /// The document of <paramref name="utf8"/>, which it holds from now on (the caller does not change the array);
    /// throws when the bytes are not valid UTF-8.
    /// </summary>
    public static Utf8Json FromUtf8(byte[] utf8) =>
        System.Text.Unicode.Utf8.IsValid(utf8) ? new Utf8Json(utf8, null) : throw new ArgumentException("The document is not valid UTF-8.", nameof(utf8));

    /// <summary>The document of <paramref name="text"/> (a document read back from the store as text).</summary>
    public static Utf8Json FromText(string text) => new(null, text);

    /// <summary>The document's UTF-8 bytes (encoded once, on first use, when it was made from text).</summary>
    public ReadOnlyMemory<byte> Utf8 => _utf8 ??= Strict.GetBytes(_text!);

    /// <summary>The document as text (decoded once, on first use, when it was made from bytes).</summary>
    public override string ToString() => _text ??= Strict.GetString(_utf8!);

    public bool Equals(Utf8Json? other) =>
        other is not null && (ReferenceEquals(this, other) || (_text is not null && other._text is not null
            ? string.Equals(_text, other._text, StringComparison.Ordinal)
            : Utf8.Span.SequenceEqual(other.Utf8.Span)));

    public override bool Equals(object? obj) => Equals(obj as Utf8Json);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Utf8.Span);
        return hash.ToHashCode();
    }
}
