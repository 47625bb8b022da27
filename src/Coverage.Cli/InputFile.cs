using System.Buffers;
using Coverage.Engine.Text;

namespace Coverage.Cli;

/// <summary>
/// The files a command reads besides claim files (a request, a plan map, a charges file): why a path cannot be opened
/// as a file, in the words the command prints, and the file's text read exactly — UTF-8 (a byte order mark allowed),
/// bounded — or refused saying why. File.Exists is false for a directory too, and "does not exist" for a folder the
/// operator can see sends them looking for a typo instead of at the argument; and text decoded leniently turns a stray
/// byte into U+FFFD, so that a member id or a description no longer reads as written and is matched or decided on a guess.
/// </summary>
internal static class InputFile
{
    /// <param name="what">What the file is to the command: "the input", "the plan map".</param>
    public static string? Problem(string path, string what) =>
        Directory.Exists(path) ? $"{what} '{path}' is a directory, not a file"
        : !File.Exists(path) ? $"{what} '{path}' does not exist"
        : null;

    /// <summary>The file's UTF-8 bytes without a byte order mark, or why they cannot be read exactly.</summary>
    /// <param name="what">What the file is to the command: "the request", "the plan map".</param>
    public static (byte[]? Utf8, string? Problem) ReadUtf8(string path, string what, int maxBytes)
    {
        if (Problem(path, what) is { } problem) return (null, problem);
        try
        {
            using var stream = File.OpenRead(path);
            return ReadUtf8(stream, $"{what} '{path}'", maxBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"cannot read {what} '{path}': {e.Message}");
        }
    }

    /// <summary>The stream's UTF-8 bytes without a byte order mark, or why they cannot be read exactly.</summary>
    /// <param name="named">The input as the message names it: "the request on standard input".</param>
    public static (byte[]? Utf8, string? Problem) ReadUtf8(Stream stream, string named, int maxBytes)
    {
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(81_920);
        try
        {
            int read;
            while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (buffer.Length + read > maxBytes) return (null, $"{named} is larger than {maxBytes:N0} bytes");
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        var bytes = buffer.ToArray();
        if (WideEncodings.Of(bytes) is { } encoding) return (null, $"{named} is {encoding} text; convert it to UTF-8");
        var text = Utf8Text.WithoutByteOrderMark(bytes);
        if (Utf8Text.Problem(text) is { } problem) return (null, $"{named} {problem}");
        return (text.Length == bytes.Length ? bytes : text.ToArray(), null);
    }
}
