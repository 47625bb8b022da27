namespace Coverage.Claims.Batch;

/// <summary>What a batch run reads and writes (docs/batch.md).</summary>
public sealed record BatchOptions
{
    public required string InputPath { get; init; }
    public required ClaimFileFormat Format { get; init; }

    /// <summary>One determination JSON per decided claim, in input order (NDJSON).</summary>
    public required string ResultsPath { get; init; }

    /// <summary>Full determinations (the default) or compact ones: outcomes and codes without the texts.</summary>
    public ResultsMode Results { get; init; } = ResultsMode.Full;

    /// <summary>Decide encounters (837P BHT06 RP) as claims; by default they are reported as received, not decided for payment.</summary>
    public bool AdjudicateEncounters { get; init; }

    /// <summary>One CSV row per decided line: group code, CARC, RARC and the policy, as an 835 would carry them.</summary>
    public required string AdjustmentsPath { get; init; }

    /// <summary>One JSON line per rejected record, with its position and reasons.</summary>
    public required string ErrorsPath { get; init; }

    /// <summary>Where the run records how far its outputs are complete; beside the results by default.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Finish an interrupted run from its checkpoint instead of starting over.</summary>
    public bool Resume { get; init; }

    /// <summary>837P group numbers (SBR03) to plan ids; unlisted groups get the default plan.</summary>
    public PlanMap PlanMap { get; init; } = PlanMap.Empty;

    /// <summary>Evaluating workers; by default one per core.</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Rejected records the errors file holds in full (every problem, field and reason); after them, or once the file
    /// reaches <see cref="MaxErrorBytesInFull"/>, each is written by its record number, claim id and position only
    /// (<see cref="ErrorsOutput"/>).
    /// </summary>
    public long MaxErrorsInFull { get; init; } = 10_000;

    /// <summary>The errors file's length up to which rejected records are written in full.</summary>
    public long MaxErrorBytesInFull { get; init; } = 16 * 1024 * 1024;

    /// <summary>Claims handed to a worker at a time, and written (and flushed) together.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>
    /// The service lines a batch may reach before it is handed on with fewer than <see cref="BatchSize"/> claims (an
    /// NDJSON request counts one per 128 bytes). A batch's determinations are held until written, several batches at
    /// a time, and a full one is some kilobytes a line: 256 claims of 50 denied lines each made 130 MB batches and a
    /// run of a gigabyte. Claims of two or three lines, the usual, never reach it.
    /// </summary>
    public int MaxBatchLines { get; init; } = 2_048;

    /// <summary>
    /// How often the outputs are synced to disk and the checkpoint renewed. A run killed in between loses at
    /// most this much work: --resume cuts the outputs back to the checkpoint and decides those claims again.
    /// </summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    public string EffectiveCheckpointPath => CheckpointPath ?? ResultsPath + ".checkpoint";

    /// <summary>
    /// Every file a run writes or replaces, named as the command line names them: none may be the input, and no two
    /// may be the same file (the checkpoint is renamed over from a temporary file beside it).
    /// </summary>
    public IReadOnlyList<(string Name, string Path)> Writes =>
    [
        ("--out", ResultsPath), ("--adjustments", AdjustmentsPath), ("--errors", ErrorsPath),
        ("the checkpoint", EffectiveCheckpointPath), ("the checkpoint's temporary file", Checkpoint.TemporaryPath(EffectiveCheckpointPath)),
    ];

    /// <summary>The default companion files of a results file: results.ndjson → results.adjustments.csv, results.errors.ndjson.</summary>
    public static (string Adjustments, string Errors) CompanionPaths(string resultsPath)
    {
        var directory = Path.GetDirectoryName(resultsPath) ?? "";
        var stem = Path.GetFileNameWithoutExtension(resultsPath);
        return (Path.Combine(directory, stem + ".adjustments.csv"), Path.Combine(directory, stem + ".errors.ndjson"));
    }
}
