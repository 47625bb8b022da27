using Coverage.Claims.Csv;
using Coverage.Claims.Ndjson;
using Coverage.Claims.X12;

namespace Coverage.Claims.Batch;

/// <summary>
/// The records of a claim file in input order, read once with the batch's own readers (837P, CSV, NDJSON), for a
/// caller other than the batch that decides each record itself (`coverage impact`). Bad records come as rejected
/// records, in their place; an unreadable file throws <see cref="ClaimFileException"/>.
/// </summary>
public static class ClaimFileRecords
{
    /// <param name="progress">Counts the bytes read (<see cref="BatchProgress.BytesRead"/>), for a progress bar.</param>
    public static IEnumerable<ClaimRecord> Read(string path, ClaimFileFormat format, PlanMap plans, BatchProgress progress)
    {
        var file = new FileInfo(path);
        if (!file.Exists) throw new ClaimFileException($"the input {path} does not exist");
        progress.InputBytes = file.Length;
        using var stream = new CountingStream(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), progress);
        var records = format switch
        {
            ClaimFileFormat.X12 => new Claim837Reader(ClaimFileText.Reader(stream), plans).Read(),
            ClaimFileFormat.Csv => new ClaimCsvReader(ClaimFileText.Reader(stream)).Read(),
            ClaimFileFormat.Ndjson => new RequestNdjsonReader(stream).Read(),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
        foreach (var record in records) yield return record;
    }
}
