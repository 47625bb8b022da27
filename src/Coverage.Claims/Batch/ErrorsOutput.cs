using System.Buffers;
using System.Text.Json;

namespace Coverage.Claims.Batch;

/// <summary>A rejected record of a batch: its number and identity, and where its full error line is in the batch's errors buffer.</summary>
internal readonly record struct Rejection(long Record, string? ClaimId, RecordPosition Position, int Start, int Length);

/// <summary>
/// What the errors file holds of each rejected record (docs/batch.md, "Errors"). The first
/// <see cref="BatchOptions.MaxErrorsInFull"/> rejected records, while the file is under
/// <see cref="BatchOptions.MaxErrorBytesInFull"/>, are written in full: every problem, its field and reason. After
/// them each rejected claim is one short line, its record number, claim id and position; and each run of consecutive
/// rejected records without a claim id (malformed segments, envelope errors: a few bytes of input each) is one line,
/// its first and last record and position. Every rejected record stays identifiable, and the file stays within a
/// small multiple of the input: 210 MB of malformed segments, a 300-byte line each, wrote a 21.6 GB errors file.
/// </summary>
/// <remarks>
/// Decided by the writer, in input order, so that the same input gives the same file: on --resume the count and the
/// length so far come from the checkpoint. A run of records without a claim id ends with the batch it is in.
/// </remarks>
internal sealed class ErrorsOutput(long inFull, long bytes, long maxInFull, long maxBytesInFull)
{
    /// <summary>Rejected records written in full so far, in the whole file.</summary>
    public long InFull { get; private set; } = inFull;

    /// <summary>The errors file's length so far.</summary>
    public long Bytes { get; private set; } = bytes;

    /// <summary>Appends what the file holds of a batch's rejected records to <paramref name="output"/>.</summary>
    /// <param name="full">The batch's full error lines, which <paramref name="rejections"/> point into.</param>
    public void Write(ArrayBufferWriter<byte> output, Utf8JsonWriter json, ReadOnlySpan<byte> full, IReadOnlyList<Rejection> rejections)
    {
        var start = output.WrittenCount;
        Rejection? first = null;
        Rejection last = default;
        foreach (var rejection in rejections)
        {
            if (InFull < maxInFull && Bytes + (output.WrittenCount - start) < maxBytesInFull)
            {
                output.Write(full.Slice(rejection.Start, rejection.Length));
                InFull++;
                continue;
            }
            // A run goes on while its records are consecutive and have no claim id.
            if (first is { } open && (rejection.ClaimId is not null || rejection.Record != last.Record + 1))
            {
                ResultFormats.WriteErrorRange(json, output, open.Record, open.Position, last.Record, last.Position);
                first = null;
            }
            if (rejection.ClaimId is null)
            {
                first ??= rejection;
                last = rejection;
            }
            else
            {
                ResultFormats.WriteBriefError(json, output, rejection.Record, rejection.ClaimId, rejection.Position);
            }
        }
        if (first is { } run) ResultFormats.WriteErrorRange(json, output, run.Record, run.Position, last.Record, last.Position);
        Bytes += output.WrittenCount - start;
    }
}
