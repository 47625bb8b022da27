using System.Buffers;
using System.Text.Json;

namespace Coverage.Engine.Json;

/// <summary>
/// A buffer per thread to write a JSON document into before it is copied out as the string or bytes the caller keeps.
/// Writing into a fresh stream let the writer's buffer and the stream each grow by doubling to the document's size and
/// be thrown away: a determination of a few kilobytes allocated 85 KB to become one string, and a PAS answer's bytes
/// about three times their size (docs/benchmarks.md, session 12). Allocation is most of what the garbage collector
/// and the zeroing of new memory cost a request, so the hot paths write here and allocate only what they return.
/// </summary>
/// <remarks>
/// The buffer is taken from the thread while in use, so a document written while another is being written (a callback
/// that writes JSON itself) gets a buffer of its own, never the same one. A buffer that grew past
/// <see cref="MaxKeptBytes"/> is not kept: a rare large document does not hold its memory on the thread for ever.
/// </remarks>
public static class JsonScratch
{
    /// <summary>The largest buffer a thread keeps for the next document.</summary>
    public const int MaxKeptBytes = 256 * 1024;

    [ThreadStatic] private static ArrayBufferWriter<byte>? _buffer;

    /// <summary>The document <paramref name="write"/> writes, as UTF-16 text.</summary>
    public static string ToString(JsonWriterOptions options, Action<Utf8JsonWriter> write) =>
        Write(options, write, static bytes => System.Text.Encoding.UTF8.GetString(bytes));

    /// <summary>The document <paramref name="write"/> writes, as UTF-8 bytes.</summary>
    public static byte[] ToBytes(JsonWriterOptions options, Action<Utf8JsonWriter> write) =>
        Write(options, write, static bytes => bytes.ToArray());

    /// <summary>
    /// Hands the document <paramref name="write"/> writes to <paramref name="use"/> while it is still in the buffer (e.g.
    /// to copy it into a response's pipe), so that no array of it is made. <paramref name="use"/> must not keep the span.
    /// </summary>
    public static void Use<TState>(JsonWriterOptions options, Action<Utf8JsonWriter> write, TState state, Utf8Use<TState> use) =>
        Write(options, write, bytes => { use(bytes, state); return true; });

    /// <summary>What <see cref="Use{TState}"/> does with a written document.</summary>
    public delegate void Utf8Use<in TState>(ReadOnlySpan<byte> document, TState state);

    private static T Write<T>(JsonWriterOptions options, Action<Utf8JsonWriter> write, Func<ReadOnlySpan<byte>, T> copy)
    {
        var buffer = _buffer ?? new ArrayBufferWriter<byte>(4096);
        _buffer = null;
        try
        {
            using (var writer = new Utf8JsonWriter(buffer, options)) write(writer);
            return copy(buffer.WrittenSpan);
        }
        finally
        {
            if (buffer.Capacity <= MaxKeptBytes)
            {
                buffer.ResetWrittenCount();
                _buffer = buffer;
            }
        }
    }
}
