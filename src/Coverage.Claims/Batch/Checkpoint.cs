using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Coverage.Engine.Model;

namespace Coverage.Claims.Batch;

/// <summary>
/// How far a run's outputs are complete: the number of input records they hold, the last one's position and
/// claim id, and the length of each output at that point. Written atomically (a temporary file renamed over the
/// old one) only after the outputs are synced, so it never claims more than the files hold; --resume cuts the
/// files back to these lengths and skips this many records of the input.
/// </summary>
internal sealed record Checkpoint
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public int Version { get; init; } = 1;
    public required string Input { get; init; }
    public required long InputLength { get; init; }
    public required string Format { get; init; }

    /// <summary>What the results file holds (<see cref="Coverage.Claims.Batch.ResultsMode"/>); absent in checkpoints from before compact results, which were full.</summary>
    public string? ResultsMode { get; init; }
    public required OutputState Results { get; init; }
    public required OutputState Adjustments { get; init; }
    public required OutputState Errors { get; init; }

    /// <summary>Input records (claims decided and records rejected) the outputs hold.</summary>
    public long Records { get; init; }
    public string? LastPosition { get; init; }
    public string? LastClaimId { get; init; }
    public bool Complete { get; init; }

    public long Claims { get; init; }
    public long Lines { get; init; }
    public long Rejected { get; init; }
    public long Voided { get; init; }
    public long Encounters { get; init; }

    /// <summary>Rejected records the errors file holds in full (<see cref="ErrorsOutput"/>); absent in checkpoints from before the bound, which held every one in full.</summary>
    public long? ErrorsInFull { get; init; }
    public IReadOnlyDictionary<string, long>? LineOutcomes { get; init; }
    public IReadOnlyDictionary<string, long>? ClaimOutcomes { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    internal BatchTotals Totals() => BatchTotals.From(Records, Claims, Lines, Rejected, LineOutcomes, ClaimOutcomes, Voided, Encounters);

    /// <summary>The most a checkpoint file may be: one this program wrote is under a kilobyte.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>
    /// The checkpoint of an interrupted run, or null when there is none. One that cannot be read, or whose values
    /// cannot be what a run wrote (a field missing, a negative length or count, totals that do not add up), is
    /// refused naming the field: a tampered or damaged checkpoint must never let a run resume at a wrong place.
    /// </summary>
    public static Checkpoint? Load(string path)
    {
        if (!File.Exists(path)) return null;
        Checkpoint checkpoint;
        try
        {
            var length = new FileInfo(path).Length;
            if (length > MaxBytes)
                throw new ClaimFileException($"the checkpoint {path} is {length:N0} bytes, not a checkpoint this program wrote (under {MaxBytes:N0}); remove it to start over");
            checkpoint = JsonSerializer.Deserialize<Checkpoint>(File.ReadAllBytes(path), Json)
                ?? throw new ClaimFileException($"the checkpoint {path} is empty");
        }
        catch (JsonException e)
        {
            throw new ClaimFileException($"the checkpoint {path} cannot be read ({e.Message}); remove it to start over", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ClaimFileException($"the checkpoint {path} cannot be read: {e.Message}", e);
        }
        if (checkpoint.Problem() is { } problem)
            throw new ClaimFileException($"the checkpoint {path} is not one this program wrote: {problem}; run without --resume to start over");
        return checkpoint;
    }

    /// <summary>What makes the checkpoint impossible for a run to have written, or null.</summary>
    internal string? Problem()
    {
        if (Version != 1) return $"version {Version} (this program writes 1)";
        // Required members may still be given as null in the JSON.
        if (Input is null) return "it names no input";
        if (Format is null || ClaimFileFormats.Parse(Format) is null) return $"format '{Format}' is not 837, csv or ndjson";
        if (ResultsMode is not null && ResultsModes.Parse(ResultsMode) is null) return $"resultsMode '{ResultsMode}' is not full or compact";
        if (InputLength < 0) return $"inputLength {InputLength} is negative";
        foreach (var (name, output) in new[] { ("results", Results), ("adjustments", Adjustments), ("errors", Errors) })
        {
            if (output?.Path is null) return $"it names no {name} file";
            if (output.Length < 0) return $"{name}.length {output.Length} is negative";
        }
        foreach (var (name, count) in new[] { ("records", Records), ("claims", Claims), ("lines", Lines), ("rejected", Rejected), ("voided", Voided), ("encounters", Encounters) })
            if (count < 0) return $"{name} {count} is negative";
        // Every record is a decided claim, a rejected record, a void or an encounter.
        if (Claims + Rejected + Voided + Encounters != Records)
            return $"records {Records} is not claims {Claims} + rejected {Rejected} + voided {Voided} + encounters {Encounters}";
        if (ErrorsInFull is < 0 || ErrorsInFull > Rejected) return $"errorsInFull {ErrorsInFull} is not from 0 to rejected {Rejected}";
        if (Outcomes("lineOutcomes", LineOutcomes, Enum.GetValues<LineOutcome>().Select(o => o.ToWire()), Lines, "lines") is { } lines) return lines;
        if (Outcomes("claimOutcomes", ClaimOutcomes, Enum.GetValues<RequestOutcome>().Select(o => o.ToWire()), Claims, "claims") is { } claims) return claims;
        if (Records > 0 && !IsPosition(LastPosition)) return $"lastPosition '{LastPosition}' is not the position of a record (segment N or line N)";
        if (Records == 0 && (LastPosition ?? LastClaimId) is not null) return "it names a last record but counts none";
        return null;
    }

    /// <summary>Outcome counts: known outcomes, none negative, adding up to the total they break down.</summary>
    private static string? Outcomes(string name, IReadOnlyDictionary<string, long>? counts, IEnumerable<string> known, long total, string totalName)
    {
        var sum = 0L;
        var names = known.ToHashSet(StringComparer.Ordinal);
        foreach (var (outcome, count) in counts ?? new Dictionary<string, long>())
        {
            if (!names.Contains(outcome)) return $"{name} names '{outcome}', not an outcome";
            if (count < 0) return $"{name}.{outcome} {count} is negative";
            sum += count;
        }
        return sum == total ? null : $"{name} add up to {sum}, not {totalName} {total}";
    }

    private static bool IsPosition(string? position) =>
        position is not null
        && (position.StartsWith("segment ", StringComparison.Ordinal) || position.StartsWith("line ", StringComparison.Ordinal))
        && long.TryParse(position.AsSpan(position.IndexOf(' ') + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
        && number > 0;

    /// <summary>The file a checkpoint is written to before it is renamed over <paramref name="path"/>.</summary>
    public static string TemporaryPath(string path) => path + ".tmp";

    public void Save(string path)
    {
        var temporary = TemporaryPath(path);
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, this, Json);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>An output file and how many of its bytes are complete.</summary>
internal sealed record OutputState(string Path, long Length);
