using Coverage.Engine.Json;

namespace Coverage.Cli;

/// <summary>
/// The coverage request `coverage evaluate` reads, from a file or standard input, as the server reads a request body:
/// bounded, UTF-8 (<see cref="InputFile.ReadUtf8(string, string, int)"/>) and well-formed JSON (<see cref="JsonText.Check"/>).
/// It was read as text: a stray byte became U+FFFD inside a description and changed what the service was read as, and a
/// field given twice let its last value win unseen; such a request is refused, saying why.
/// </summary>
internal static class RequestFile
{
    /// <summary>The most a request may hold: a coverage request is a few kilobytes (the server's default limit is 1 MB).</summary>
    public const int MaxBytes = 16 * 1024 * 1024;

    /// <summary>The request's UTF-8 JSON, or why it cannot be read exactly (the sentence the CLI prints).</summary>
    public static (byte[]? Json, string? Problem) Read(string path, Stream stdin)
    {
        var (json, problem) = path == "-"
            ? InputFile.ReadUtf8(stdin, "the request on standard input", MaxBytes)
            : InputFile.ReadUtf8(path, "the request", MaxBytes);
        if (json is null) return (null, problem);
        if (JsonText.Check(json, what: "the request") is { } invalid) return (null, $"invalid request: {invalid.Message}");
        return (json, null);
    }
}
