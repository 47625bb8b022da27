using System.Threading.Channels;
using Coverage.Engine.Evaluation;

namespace Coverage.Cases.Impact;

/// <summary>
/// Re-decides a stream of inputs under the baseline and the candidate catalogue and adds each comparison to the
/// report in input order. One reader batches the inputs, workers (one per core by default) compare the batches in
/// parallel, and the caller's thread takes them back in order through a bounded channel: memory holds a few batches,
/// whatever the input's length, and the report is the same however many workers ran.
/// </summary>
public sealed class ImpactRunner(Evaluator baseline, Evaluator candidate, int workers = 0, BilledAmounts? billed = null)
{
    /// <summary>Inputs per batch: large enough that handing a batch over costs little against deciding it twice.</summary>
    public const int BatchSize = 64;

    public ImpactProgress Progress { get; } = new();

    /// <param name="changed">Called with every changed line, in input order (e.g. to write them all to a file).</param>
    public async Task RunAsync(IAsyncEnumerable<ImpactInput> inputs, ImpactReport report, Action<ImpactLine>? changed = null, CancellationToken cancellationToken = default)
    {
        var count = workers > 0 ? workers : Environment.ProcessorCount;
        var ordered = Channel.CreateBounded<Batch>(new BoundedChannelOptions(count * 2) { SingleReader = true, SingleWriter = true });
        var work = Channel.CreateBounded<Batch>(new BoundedChannelOptions(count * 2) { SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Exception? readError = null;

        var reader = Task.Run(async () =>
        {
            try
            {
                var batch = new List<ImpactInput>(BatchSize);
                await foreach (var input in inputs.WithCancellation(stop.Token).ConfigureAwait(false))
                {
                    batch.Add(input);
                    if (batch.Count < BatchSize) continue;
                    await Send(new Batch(batch)).ConfigureAwait(false);
                    batch = new List<ImpactInput>(BatchSize);
                }
                if (batch.Count > 0) await Send(new Batch(batch)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                readError = e;
            }
            finally
            {
                ordered.Writer.TryComplete();
                work.Writer.TryComplete();
            }
        }, CancellationToken.None);

        var comparing = Enumerable.Range(0, count).Select(_ => Task.Run(async () =>
        {
            await foreach (var batch in work.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                try
                {
                    batch.Compare(baseline, candidate, billed);
                    batch.Done.SetResult();
                }
                catch (Exception e)
                {
                    batch.Done.SetException(e);
                }
            }
        }, CancellationToken.None)).ToArray();

        try
        {
            await foreach (var batch in ordered.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                await batch.Done.Task.WaitAsync(stop.Token).ConfigureAwait(false);
                foreach (var comparison in batch.Results!)
                {
                    report.Add(comparison);
                    Progress.Done(comparison);
                    if (changed is not null) foreach (var line in comparison.Changed) changed(line);
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
            await Task.WhenAll([reader, .. comparing]).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }
        if (readError is not null) throw readError;

        async Task Send(Batch next)
        {
            await ordered.Writer.WriteAsync(next, stop.Token).ConfigureAwait(false);
            await work.Writer.WriteAsync(next, stop.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Consecutive inputs, compared by one worker and added to the report together.</summary>
    private sealed class Batch(List<ImpactInput> inputs)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public ImpactComparison[]? Results { get; private set; }

        public void Compare(Evaluator baseline, Evaluator candidate, BilledAmounts? billed)
        {
            var results = new ImpactComparison[inputs.Count];
            for (var i = 0; i < inputs.Count; i++) results[i] = ImpactComparison.Of(inputs[i], baseline, candidate, billed);
            Results = results;
        }
    }
}
