using System.Text.Json;
using System.Text.Json.Serialization;

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
    public IReadOnlyDictionary<string, long>? LineOutcomes { get; init; }
    public IReadOnlyDictionary<string, long>? ClaimOutcomes { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    internal BatchTotals Totals() => BatchTotals.From(Records, Claims, Lines, Rejected, LineOutcomes, ClaimOutcomes, Voided, Encounters);

    public static Checkpoint? Load(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<Checkpoint>(File.ReadAllBytes(path), Json)
                ?? throw new ClaimFileException($"the checkpoint {path} is empty");
        }
        catch (JsonException e)
        {
            throw new ClaimFileException($"the checkpoint {path} cannot be read ({e.Message}); remove it to start over", e);
        }
    }

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
