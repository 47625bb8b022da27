using System.Threading.Channels;
using Coverage.Cases.Impact;
using Coverage.Engine.Json;

namespace Coverage.Store.Queries;

/// <summary>
/// An impact report over the case store: every initial case's request (<see cref="ReadCaseRequests"/>, payer staff only,
/// audited once) handed to the runner as it is read, through a bounded channel, so that the store is read once, in
/// order, while the runner's workers decide. The one place the CLI and the workbench run an impact on cases.
/// </summary>
internal sealed class RunImpact(CaseRecords records)
{
    public async Task<StoreResult<long>> HandleAsync(
        ImpactRunner runner, ImpactReport report, Caller caller, Action<ImpactLine>? changed, CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<ImpactInput>(new BoundedChannelOptions(ImpactRunner.BatchSize * 4) { SingleReader = true, SingleWriter = true });
        StoreResult<long>? read = null;
        var reading = Task.Run(async () =>
        {
            try
            {
                read = await new ReadCaseRequests(records).HandleAsync(caller,
                    $"Impact of {report.Candidate.Name} ({report.Candidate.Digest}) against {report.Baseline.Name} ({report.Baseline.Digest})",
                    (stored, token) => channel.Writer.WriteAsync(Input(stored), token), cancellationToken);
                channel.Writer.TryComplete();
            }
            catch (Exception e)
            {
                channel.Writer.TryComplete(e);
            }
        }, CancellationToken.None);
        try
        {
            await runner.RunAsync(channel.Reader.ReadAllAsync(cancellationToken), report, changed, cancellationToken);
        }
        finally
        {
            // A failed run stops the reader too: its next write finds the channel completed.
            channel.Writer.TryComplete();
            await reading.ContinueWith(_ => { }, TaskScheduler.Default);
        }
        await reading;
        return read!;
    }

    /// <summary>A stored request, read against each catalogue with the engine's reader (the same rules as when it was received).</summary>
    private static ImpactInput Input(StoredRequest stored) => new()
    {
        Position = $"case {stored.CaseId}",
        Id = stored.CaseId.ToString(),
        Read = catalogue =>
        {
            var read = RequestReader.Read(stored.RequestJson, catalogue);
            return read.IsValid ? ImpactRead.Of(read.Request!) : ImpactRead.Bad([.. read.Errors.Select(e => e.ToString())]);
        },
    };
}
