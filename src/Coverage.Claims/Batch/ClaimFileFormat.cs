using System.Text;
using Coverage.Engine.Text;

namespace Coverage.Claims.Batch;

/// <summary>The claim file formats a batch reads.</summary>
public enum ClaimFileFormat
{
    /// <summary>X12 837 professional claims, 005010X222A1.</summary>
    X12,
    /// <summary>CSV, one row per service line (docs/batch.md).</summary>
    Csv,
    /// <summary>NDJSON, one coverage request per line.</summary>
    Ndjson,
}

public static class ClaimFileFormats
{
    /// <summary>The names used on the command line and in checkpoints.</summary>
    public static string ToWire(this ClaimFileFormat format) => format switch
    {
        ClaimFileFormat.X12 => "837",
        ClaimFileFormat.Csv => "csv",
        ClaimFileFormat.Ndjson => "ndjson",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    public static ClaimFileFormat? Parse(string? wire) => wire?.ToLowerInvariant() switch
    {
        "837" or "837p" or "x12" => ClaimFileFormat.X12,
        "csv" => ClaimFileFormat.Csv,
        "ndjson" or "jsonl" => ClaimFileFormat.Ndjson,
        _ => null,
    };

    /// <summary>
    /// The format of a file, or why it cannot be read as a claim file: empty (no claims), UTF-16 or UTF-32 text (the readers
    /// take UTF-8), content of no known format, or content that is not what its name or <paramref name="stated"/>
    /// format says (an .837 that does not start with an ISA header). One rule for every input, so that an empty or
    /// unrecognisable file is always a usage error, whatever it is called.
    /// </summary>
    public static (ClaimFileFormat? Format, string? Problem) Inspect(string path, ClaimFileFormat? stated = null)
    {
        var head = new byte[4096];
        int read;
        using (var stream = File.OpenRead(path)) read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        var bytes = head.AsSpan(0, read);
        if (WideEncodings.Of(bytes) is { } encoding)
            return (null, $"it is {encoding} text, which is not read: convert it to UTF-8 (claim files are UTF-8 or ASCII)");
        var text = Encoding.UTF8.GetString(Utf8Text.WithoutByteOrderMark(bytes)).TrimStart(' ', '\t', '\r', '\n', '\0', '\u001a');
        if (text.Length == 0) return (null, "it is empty: there are no claims to decide");
        var content = text.StartsWith("ISA", StringComparison.Ordinal) ? ClaimFileFormat.X12
            : text.StartsWith('{') ? ClaimFileFormat.Ndjson
            : text.Split('\n')[0].Contains("claim_id", StringComparison.OrdinalIgnoreCase) ? ClaimFileFormat.Csv
            : (ClaimFileFormat?)null;
        var named = stated ?? Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".837" or ".x12" or ".edi" => ClaimFileFormat.X12,
            ".csv" => ClaimFileFormat.Csv,
            ".ndjson" or ".jsonl" => ClaimFileFormat.Ndjson,
            _ => (ClaimFileFormat?)null,
        };
        var begins = text.Length <= 20 ? text : text[..20] + "…";
        if (named is { } expected && content != expected)
            return (null, $"it should be {Describe(expected)} ({(stated is null ? "by its name" : "as --input-format says")}) but " +
                (content is { } other ? $"its content is {Describe(other)}" : $"it begins '{Printable(begins)}'"));
        return content is null
            ? (null, $"its content is none of the claim formats (837P starting with ISA, CSV with a claim_id header, NDJSON): it begins '{Printable(begins)}'")
            : (content, null);
    }

    private static string Describe(ClaimFileFormat format) => format switch
    {
        ClaimFileFormat.X12 => "an X12 837 file (starting with an ISA header)",
        ClaimFileFormat.Csv => "CSV with a claim_id header",
        _ => "NDJSON (one JSON request per line)",
    };

    private static string Printable(string text) => new(text.Select(c => char.IsControl(c) ? '·' : c).ToArray());
}
