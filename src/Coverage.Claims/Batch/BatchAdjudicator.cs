using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Coverage.Claims.Csv;
using Coverage.Claims.Ndjson;
using Coverage.Claims.X12;
using Coverage.Engine.Evaluation;

namespace Coverage.Claims.Batch;

/// <summary>
/// Decides every claim of a claim file with the engine's one evaluator and writes the results in input order.
/// A bounded pipeline keeps memory constant and every core busy: one reader maps the file to records, workers
/// validate (RequestReader) and evaluate batches of them in parallel, and one writer appends each batch's
/// determinations, adjustments and errors in input order, syncing the files and renewing the checkpoint every
/// <see cref="BatchOptions.CheckpointInterval"/> (docs/batch.md, "Crash safety").
/// </summary>
/// <remarks>An adjudicator makes one run; its <see cref="Progress"/> may be watched from another thread meanwhile.</remarks>
public sealed class BatchAdjudicator(Evaluator evaluator, BatchOptions options, TimeProvider? time = null)
{
    private Exception? _readError;

    // The output buffers of written batches, for the next ones: a batch's results grow to about a megabyte, and
    // fresh ones for every batch were gigabytes of large-object allocations (and full collections) a run.
    private readonly ConcurrentQueue<BatchBuffers> _buffers = new();

    public BatchProgress Progress { get; } = new();

    public async Task<BatchSummary> RunAsync(CancellationToken cancellationToken = default)
    {
        var stopwatch = Stopwatch.StartNew();
        var input = new FileInfo(options.InputPath);
        if (!input.Exists) throw new ClaimFileException($"the input {options.InputPath} does not exist");
        Progress.InputBytes = input.Length;

        var previous = options.Resume ? Checkpoint.Load(options.EffectiveCheckpointPath) : null;
        if (previous is not null) CheckSameRun(previous, input);
        if (previous is { Complete: true })
        {
            CheckComplete(previous);
            Progress.Read(input.Length);
            Progress.Written(previous.Totals());
            return Summary(previous.Totals(), stopwatch.Elapsed, previous.Records, linesThisRun: 0, alreadyComplete: true, previous.ErrorsInFull ?? previous.Rejected);
        }

        using var outputs = new Outputs(options, input, previous, time ?? TimeProvider.System);
        var totals = previous?.Totals() ?? new BatchTotals();
        var skip = previous?.Records ?? 0;
        var linesBefore = totals.Lines;
        Progress.Written(totals);

        using var stream = new CountingStream(new FileStream(options.InputPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), Progress);
        var records = Records(stream);

        var workers = Math.Max(1, options.Workers);
        var ordered = Channel.CreateBounded<Batch>(new BoundedChannelOptions(workers * 2) { SingleReader = true, SingleWriter = true });
        var work = Channel.CreateBounded<Batch>(new BoundedChannelOptions(workers * 2) { SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        var reader = Task.Run(() => ProduceAsync(records, skip, previous, ordered.Writer, work.Writer, stop.Token), CancellationToken.None);
        var evaluating = Enumerable.Range(0, workers)
            .Select(_ => Task.Run(() => EvaluateAsync(work.Reader, stop.Token), CancellationToken.None))
            .ToArray();
        try
        {
            var sinceCheckpoint = Stopwatch.StartNew();
            await foreach (var batch in ordered.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                // Cancellable: a stopped worker never completes the batch it did not take.
                await batch.Done.Task.WaitAsync(stop.Token).ConfigureAwait(false);
                outputs.Append(batch);
                batch.Buffers.Reset();
                _buffers.Enqueue(batch.Buffers);
                totals.Add(batch.Totals);
                Progress.Written(totals);
                if (sinceCheckpoint.Elapsed >= options.CheckpointInterval)
                {
                    outputs.Commit(totals, complete: false);
                    sinceCheckpoint.Restart();
                }
            }
        }
        catch
        {
            await stop.CancelAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            await Task.WhenAll([reader, .. evaluating]).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }

        // A read error keeps what was decided before it: the checkpoint lets a later --resume go on from there.
        outputs.Commit(totals, complete: _readError is null);
        if (_readError is not null)
            throw _readError as ClaimFileException ?? new ClaimFileException($"reading {options.InputPath} failed: {_readError.Message}", _readError);
        return Summary(totals, stopwatch.Elapsed, skip, totals.Lines - linesBefore, alreadyComplete: false, outputs.ErrorsInFull);
    }

    private void CheckSameRun(Checkpoint previous, FileInfo input)
    {
        if (previous.Input != input.FullName || previous.InputLength != input.Length || previous.Format != options.Format.ToWire())
            throw new ClaimFileException(
                $"the checkpoint {options.EffectiveCheckpointPath} is for {previous.Input} ({previous.InputLength} bytes, {previous.Format}), " +
                $"not {input.FullName} ({input.Length} bytes, {options.Format.ToWire()}); run without --resume to start over");
        var written = ResultsModes.Parse(previous.ResultsMode ?? "full");
        if (written != options.Results)
            throw new ClaimFileException(
                $"the interrupted run wrote {previous.ResultsMode ?? "full"} results to {previous.Results.Path}, not {options.Results.ToWire()}: " +
                $"resume it with --results {previous.ResultsMode ?? "full"}, or run without --resume to start over");
        if (previous.Results.Path != Path.GetFullPath(options.ResultsPath)
            || previous.Adjustments.Path != Path.GetFullPath(options.AdjustmentsPath)
            || previous.Errors.Path != Path.GetFullPath(options.ErrorsPath))
            throw new ClaimFileException(
                $"the interrupted run wrote {previous.Results.Path}, {previous.Adjustments.Path} and {previous.Errors.Path}; resume it with the same --out and --errors");
    }

    /// <summary>
    /// A complete run's outputs are exactly as long as its checkpoint says: nothing is appended after the end. Outputs
    /// removed, cut or grown since are said so, rather than a summary of files that are no longer there.
    /// </summary>
    private static void CheckComplete(Checkpoint previous)
    {
        foreach (var output in new[] { previous.Results, previous.Adjustments, previous.Errors })
        {
            var file = new FileInfo(output.Path);
            if (!file.Exists || file.Length != output.Length)
                throw new ClaimFileException(
                    $"the checkpoint says the run is complete with {output.Length} bytes in {output.Path}, but it {(file.Exists ? $"holds {file.Length}" : "does not exist")}: " +
                    "it was changed since; run without --resume to start over");
        }
    }

    private IEnumerable<ClaimRecord> Records(Stream stream) => options.Format switch
    {
        ClaimFileFormat.X12 => new Claim837Reader(ClaimFileText.Reader(stream), options.PlanMap).Read(),
        ClaimFileFormat.Csv => new ClaimCsvReader(ClaimFileText.Reader(stream)).Read(),
        ClaimFileFormat.Ndjson => new RequestNdjsonReader(stream).Read(),
        _ => throw new InvalidOperationException($"Unknown format {options.Format}."),
    };

    /// <summary>
    /// Reads records in input order into batches and hands each to the writer (in order) and to the workers.
    /// On --resume the records the outputs already hold are read but skipped, and the last of them must be the
    /// one the checkpoint names: claims are identified by their place in the input, checked by their id.
    /// </summary>
    private async Task ProduceAsync(IEnumerable<ClaimRecord> records, long skip, Checkpoint? previous,
        ChannelWriter<Batch> ordered, ChannelWriter<Batch> work, CancellationToken cancellationToken)
    {
        try
        {
            long ordinal = 0;
            var batch = new List<ClaimRecord>(options.BatchSize);
            var lines = 0L;
            var first = skip;
            foreach (var record in records)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (ordinal < skip)
                {
                    if (ordinal == skip - 1 && (record.Position.ToString() != previous!.LastPosition || record.ClaimId != previous.LastClaimId))
                        throw new ClaimFileException(
                            $"the input does not match the interrupted run: record {ordinal + 1} is at {record.Position} with claim id '{record.ClaimId}', " +
                            $"the checkpoint says {previous.LastPosition} with '{previous.LastClaimId}'; run without --resume to start over");
                    ordinal++;
                    continue;
                }
                batch.Add(record);
                ordinal++;
                lines += record.LinesToDecide;
                // Cut by lines too: what a batch holds until it is written grows with its lines, not its claims.
                if (batch.Count == options.BatchSize || lines >= options.MaxBatchLines)
                {
                    await Send(new Batch(first, batch, RentBuffers(), options.Results, options.AdjudicateEncounters)).ConfigureAwait(false);
                    first = ordinal;
                    batch = new List<ClaimRecord>(options.BatchSize);
                    lines = 0;
                }
            }
            if (ordinal < skip)
                throw new ClaimFileException($"the input has {ordinal} records but the interrupted run had written {skip}; run without --resume to start over");
            if (batch.Count > 0) await Send(new Batch(first, batch, RentBuffers(), options.Results, options.AdjudicateEncounters)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _readError = e;
        }
        finally
        {
            ordered.TryComplete();
            work.TryComplete();
        }

        async Task Send(Batch next)
        {
            await ordered.WriteAsync(next, cancellationToken).ConfigureAwait(false);
            await work.WriteAsync(next, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task EvaluateAsync(ChannelReader<Batch> work, CancellationToken cancellationToken)
    {
        using var json = new Utf8JsonWriter(new ArrayBufferWriter<byte>(1), ResultFormats.Compact);
        await foreach (var batch in work.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                batch.Evaluate(evaluator, json);
                batch.Done.SetResult();
            }
            catch (Exception e)
            {
                batch.Done.SetException(e);
            }
        }
    }

    private BatchSummary Summary(BatchTotals totals, TimeSpan elapsed, long resumedAfter, long linesThisRun, bool alreadyComplete, long errorsInFull) => new()
    {
        ErrorsInFull = errorsInFull,
        Input = options.InputPath,
        Format = options.Format,
        Totals = totals,
        Elapsed = elapsed,
        ResumedAfter = resumedAfter,
        LinesThisRun = linesThisRun,
        AlreadyComplete = alreadyComplete,
        ResultsPath = options.ResultsPath,
        AdjustmentsPath = options.AdjustmentsPath,
        ErrorsPath = options.ErrorsPath,
    };

    private BatchBuffers RentBuffers() => _buffers.TryDequeue(out var buffers) ? buffers : new BatchBuffers();

    /// <summary>What a batch writes to the three outputs, kept for the next batch once the writer has appended it.</summary>
    private sealed class BatchBuffers
    {
        public ArrayBufferWriter<byte> Results { get; } = new(64 * 1024);
        public ArrayBufferWriter<byte> Adjustments { get; } = new(8 * 1024);
        public ArrayBufferWriter<byte> Errors { get; } = new(256);

        public void Reset()
        {
            Results.ResetWrittenCount();
            Adjustments.ResetWrittenCount();
            Errors.ResetWrittenCount();
        }
    }

    /// <summary>Consecutive input records, decided by one worker and written together.</summary>
    private sealed class Batch(long first, List<ClaimRecord> records, BatchBuffers buffers, ResultsMode mode, bool adjudicateEncounters)
    {
        public long First { get; } = first;
        public List<ClaimRecord> Records { get; } = records;
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public BatchBuffers Buffers { get; } = buffers;
        public ArrayBufferWriter<byte> Results => Buffers.Results;
        public ArrayBufferWriter<byte> Adjustments => Buffers.Adjustments;
        public ArrayBufferWriter<byte> Errors => Buffers.Errors;
        public BatchTotals Totals { get; } = new();

        /// <summary>The batch's rejected records, each with where its full line is in <see cref="Errors"/>.</summary>
        public List<Rejection> Rejections { get; } = [];

        public void Evaluate(Evaluator evaluator, Utf8JsonWriter json)
        {
            for (var i = 0; i < Records.Count; i++)
            {
                var record = Records[i];
                var number = First + i + 1;
                // A void asks for nothing to be decided: the payer's claim it names is withdrawn. An encounter is
                // reported for the record, not billed: it is decided only when the run is told to.
                if (!record.IsRejected && (record.Frequency == ClaimFrequency.Void || (record.Encounter && !adjudicateEncounters)))
                {
                    ResultFormats.WriteNotDecided(json, Results, record);
                    Totals.NotDecided(record);
                    continue;
                }
                var (request, errors) = record.Validate(evaluator.Catalogue);
                if (request is null)
                {
                    Reject(json, number, record.ClaimId, errors);
                    continue;
                }
                var determination = evaluator.Evaluate(request);
                ResultFormats.WriteResult(json, Results, determination, mode);
                ResultFormats.WriteAdjustments(Adjustments, determination, record.Frequency, record.OriginalClaim);
                Totals.Decided(determination);
            }
        }

        private void Reject(Utf8JsonWriter json, long number, string? claimId, IReadOnlyList<RecordError> errors)
        {
            // Written in full here, in parallel; the writer decides, in input order, whether the file takes it in full.
            var start = Errors.WrittenCount;
            ResultFormats.WriteError(json, Errors, number, claimId, errors);
            Rejections.Add(new Rejection(number, claimId, errors[0].Position, start, Errors.WrittenCount - start));
            Totals.Reject();
        }
    }

    /// <summary>
    /// The three output files, appended to by whole batches. Each batch goes to the operating system with one
    /// write per file, so a killed process leaves whole batches behind; <see cref="Commit"/> syncs them to disk
    /// before the checkpoint that vouches for them is renamed into place.
    /// </summary>
    private sealed class Outputs : IDisposable
    {
        private readonly BatchOptions _options;
        private readonly FileInfo _input;
        private readonly FileStream _results;
        private readonly FileStream _adjustments;
        private readonly FileStream _errors;
        private readonly TimeProvider _time;
        private readonly ErrorsOutput _errorsOutput;
        // What a batch appends to the errors file, assembled by the writer: its records in full or in brief.
        private readonly ArrayBufferWriter<byte> _errorLines = new(256);
        private readonly Utf8JsonWriter _errorJson = new(new ArrayBufferWriter<byte>(1), ResultFormats.Compact);
        private string? _lastPosition;
        private string? _lastClaimId;

        public Outputs(BatchOptions options, FileInfo input, Checkpoint? previous, TimeProvider time)
        {
            _options = options;
            _time = time;
            _input = input;
            _errorsOutput = new ErrorsOutput(previous is null ? 0 : previous.ErrorsInFull ?? previous.Rejected, previous?.Errors.Length ?? 0,
                options.MaxErrorsInFull, options.MaxErrorBytesInFull);
            var opened = new List<FileStream>(3);
            string? current = null;
            try
            {
                foreach (var path in new[] { options.ResultsPath, options.AdjustmentsPath, options.ErrorsPath, options.EffectiveCheckpointPath })
                {
                    current = path;
                    var directory = Path.GetDirectoryName(Path.GetFullPath(path));
                    if (directory is not null) Directory.CreateDirectory(directory);
                }
                opened.Add(_results = Open(current = options.ResultsPath, previous?.Results));
                opened.Add(_adjustments = Open(current = options.AdjustmentsPath, previous?.Adjustments));
                opened.Add(_errors = Open(current = options.ErrorsPath, previous?.Errors));
                if (previous is null)
                {
                    current = options.AdjustmentsPath;
                    _adjustments.Write(Encoding.UTF8.GetBytes(ResultFormats.AdjustmentsHeader + "\n"));
                    current = options.EffectiveCheckpointPath;
                    Commit(new BatchTotals(), complete: false);
                }
                else
                {
                    _lastPosition = previous.LastPosition;
                    _lastClaimId = previous.LastClaimId;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Nothing was decided yet: a file that cannot be opened, created or written (a read-only folder, a
                // path through a file, a full disk) is said as such, not as a run to resume.
                foreach (var stream in opened) stream.Dispose();
                throw new ClaimFileException($"cannot write {current}: {e.Message}; nothing was decided", e);
            }
            catch
            {
                foreach (var stream in opened) stream.Dispose();
                throw;
            }
        }

        /// <summary>
        /// A fresh run truncates; a resumed one cuts each file back to the length its checkpoint vouches for. Only a
        /// file longer than wanted is cut: a device (/dev/null) has no length and cannot be truncated (EINVAL), and
        /// opening one as an output is not an error of its own.
        /// </summary>
        private static FileStream Open(string path, OutputState? previous)
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read, bufferSize: 0);
            var length = previous?.Length ?? 0;
            if (stream.Length < length)
            {
                stream.Dispose();
                throw new ClaimFileException(
                    $"{path} holds {new FileInfo(path).Length} bytes but the checkpoint vouches for {length}: it was changed since; run without --resume to start over");
            }
            if (length > 0 && !EndsALine(path, length))
            {
                stream.Dispose();
                throw new ClaimFileException(
                    $"{path}: the checkpoint vouches for its first {length} bytes, which end inside a line, not after one: the checkpoint or the file " +
                    "was changed since; run without --resume to start over");
            }
            if (stream.Length > length) stream.SetLength(length);
            stream.Seek(0, SeekOrigin.End);
            return stream;
        }

        /// <summary>Whether the file's first <paramref name="length"/> bytes end with a line break: every output is whole lines up to each checkpoint.</summary>
        private static bool EndsALine(string path, long length)
        {
            using var read = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
            read.Seek(length - 1, SeekOrigin.Begin);
            return read.ReadByte() == '\n';
        }

        public void Append(Batch batch)
        {
            _results.Write(batch.Results.WrittenSpan);
            _adjustments.Write(batch.Adjustments.WrittenSpan);
            _errorLines.ResetWrittenCount();
            _errorsOutput.Write(_errorLines, _errorJson, batch.Errors.WrittenSpan, batch.Rejections);
            _errors.Write(_errorLines.WrittenSpan);
            var last = batch.Records[^1];
            _lastPosition = last.Position.ToString();
            _lastClaimId = last.ClaimId;
        }

        public void Commit(BatchTotals totals, bool complete)
        {
            _results.Flush(flushToDisk: true);
            _adjustments.Flush(flushToDisk: true);
            _errors.Flush(flushToDisk: true);
            new Checkpoint
            {
                Input = _input.FullName,
                InputLength = _input.Length,
                Format = _options.Format.ToWire(),
                ResultsMode = _options.Results.ToWire(),
                Results = new OutputState(Path.GetFullPath(_options.ResultsPath), _results.Length),
                Adjustments = new OutputState(Path.GetFullPath(_options.AdjustmentsPath), _adjustments.Length),
                Errors = new OutputState(Path.GetFullPath(_options.ErrorsPath), _errors.Length),
                Records = totals.Records,
                LastPosition = _lastPosition,
                LastClaimId = _lastClaimId,
                Complete = complete,
                Claims = totals.Claims,
                Lines = totals.Lines,
                Rejected = totals.Rejected,
                Voided = totals.Voided,
                Encounters = totals.Encounters,
                ErrorsInFull = _errorsOutput.InFull,
                LineOutcomes = totals.LineOutcomes,
                ClaimOutcomes = totals.ClaimOutcomes,
                UpdatedAt = _time.GetUtcNow(),
            }.Save(_options.EffectiveCheckpointPath);
        }

        /// <summary>Rejected records the errors file holds in full.</summary>
        public long ErrorsInFull => _errorsOutput.InFull;

        public void Dispose()
        {
            _errorJson.Dispose();
            _results.Dispose();
            _adjustments.Dispose();
            _errors.Dispose();
        }
    }
}

/// <summary>What a run did: totals over the whole file (a resumed run includes what was written before it).</summary>
public sealed record BatchSummary
{
    public required string Input { get; init; }
    public required ClaimFileFormat Format { get; init; }
    public required BatchTotals Totals { get; init; }
    public required TimeSpan Elapsed { get; init; }

    /// <summary>Records the outputs already held when this run resumed them (0 for a fresh run).</summary>
    public long ResumedAfter { get; init; }

    /// <summary>Lines decided by this run (the rate counts these).</summary>
    public long LinesThisRun { get; init; }

    /// <summary>The checkpoint said the run was already complete: nothing was read or written.</summary>
    public bool AlreadyComplete { get; init; }

    /// <summary>Rejected records the errors file holds in full; the others by record number, claim id and position (docs/batch.md, "Errors").</summary>
    public long ErrorsInFull { get; init; }

    public required string ResultsPath { get; init; }
    public required string AdjustmentsPath { get; init; }
    public required string ErrorsPath { get; init; }

    public double LinesPerSecond => Elapsed.TotalSeconds > 0 ? LinesThisRun / Elapsed.TotalSeconds : 0;
}
