using System.Text;

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
    /// The format of a file: from its extension (.837, .x12, .edi; .csv; .ndjson, .jsonl), else from its first
    /// characters ("ISA" is X12, "{" is NDJSON, a header naming claim_id is CSV); null when it cannot be told.
    /// </summary>
    public static ClaimFileFormat? Detect(string path)
    {
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".837" or ".x12" or ".edi": return ClaimFileFormat.X12;
            case ".csv": return ClaimFileFormat.Csv;
            case ".ndjson" or ".jsonl": return ClaimFileFormat.Ndjson;
        }
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var buffer = new char[4096];
        var text = new string(buffer, 0, reader.ReadBlock(buffer, 0, buffer.Length)).TrimStart();
        if (text.StartsWith("ISA", StringComparison.Ordinal)) return ClaimFileFormat.X12;
        if (text.StartsWith('{')) return ClaimFileFormat.Ndjson;
        var header = text.Split('\n')[0];
        if (header.Contains("claim_id", StringComparison.OrdinalIgnoreCase)) return ClaimFileFormat.Csv;
        return null;
    }
}
