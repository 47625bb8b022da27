using System.Threading.Channels;

namespace Coverage.Store;

/// <summary>
/// Group commit, the one loop behind the hook journal (<see cref="ServiceCallJournal"/>) and the new-case writer
/// (<see cref="NewCaseWriter"/>): the entries queued while a transaction is being written wait for the next one,
/// which commits up to <c>maxBatch</c> of them at once, and each enqueuer is answered only once its own entry is
/// committed. A transaction that fails is retried one entry at a time, each in a transaction of its own, so that an
/// entry the store refuses fails only its own enqueuer, with the store's exception; the others are written. Not one
/// whose COMMIT failed (<see cref="CommitOutcomeUnknownException"/>): it may have been committed, and every enqueuer
/// of the batch gets that exception. Nor one that failed because the store could not be reached
/// (<see cref="StoreUnreachable"/>): each entry alone would wait out the same timeout in turn, so every enqueuer of the
/// batch gets that exception at once, and so does every enqueuer that queued meanwhile.
/// </summary>
/// <typeparam name="TEntry">What one enqueuer asks to have written.</typeparam>
/// <typeparam name="TResult">What the commit says of each entry (e.g. whether its token was fresh).</typeparam>
internal sealed class GroupCommitQueue<TEntry, TResult>
{
    private readonly int _maxBatch;
    private readonly Func<IReadOnlyList<TEntry>, Task<TResult[]>> _commit;
    private readonly Channel<Pending> _queue;

    /// <param name="maxBatch">At most this many entries share a transaction.</param>
    /// <param name="commit">Writes the entries in one transaction and returns one result per entry, in order.</param>
    public GroupCommitQueue(int maxBatch, Func<IReadOnlyList<TEntry>, Task<TResult[]>> commit)
    {
        _maxBatch = maxBatch;
        _commit = commit;
        _queue = Channel.CreateBounded<Pending>(
            new BoundedChannelOptions(16 * maxBatch) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    /// <summary>How many entries wait for a commit.</summary>
    public int Count => _queue.Reader.Count;

    /// <summary>
    /// Queues the entry and returns its result once it is committed (throws the store's exception when it could not be).
    /// The write goes ahead whatever the caller does next: a caller that gives up still leaves its entry.
    /// </summary>
    public async Task<TResult> EnqueueAsync(TEntry entry, CancellationToken cancellationToken)
    {
        var pending = new Pending(entry);
        await _queue.Writer.WriteAsync(pending, cancellationToken);
        return await pending.Done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Takes no more entries; <see cref="RunAsync"/> ends once it has committed those it holds.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    /// <summary>The writing loop (one at a time): runs until <see cref="Complete"/> and the queue is empty.</summary>
    public async Task RunAsync()
    {
        var batch = new List<Pending>(_maxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var next)) batch.Add(next);
            if (batch.Count == 0) continue;
            try
            {
                Answer(batch, await _commit([.. batch.Select(p => p.Entry)]).ConfigureAwait(false));
            }
            catch (Exception e) when (batch.Count > 1 && e is not CommitOutcomeUnknownException && !StoreUnreachable.Is(e))
            {
                // One entry the store refuses must not fail the others: each again, in a transaction of its own.
                foreach (var pending in batch) await CommitAloneAsync(pending).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // A failed COMMIT may have committed everything: writing the entries again would find them written
                // (a duplicate, a replayed token). Each caller hears that it is not known. A store out of reach is out
                // of reach for each entry alone too: each caller hears so now, not one timeout after another.
                foreach (var pending in batch) pending.Done.TrySetException(e);
                // Those queued were never tried: whatever this commit's outcome, theirs is known (not written).
                if (StoreUnreachable.Is(e)) FailQueued(e is CommitOutcomeUnknownException { InnerException: { } unreachable } ? unreachable : e);
            }
        }
    }

    /// <summary>
    /// Answers every entry queued while a transaction found the store out of reach with that failure: each has already
    /// waited out one of the store's timeouts, and would otherwise wait out another before its caller heard anything
    /// (its caller is told to try again). Entries queued from now on are tried as usual.
    /// </summary>
    private void FailQueued(Exception unreachable)
    {
        // Only those queued when the failure came back: an entry queued while they are being answered (its caller may
        // have heard of an earlier one's failure already) is tried as usual, not failed by a drain it raced with.
        for (var queued = _queue.Reader.Count; queued > 0 && _queue.Reader.TryRead(out var waiting); queued--)
            waiting.Done.TrySetException(unreachable);
    }

    private async Task CommitAloneAsync(Pending pending)
    {
        try
        {
            Answer([pending], await _commit([pending.Entry]).ConfigureAwait(false));
        }
        catch (Exception e)
        {
            pending.Done.TrySetException(e);
        }
    }

    private static void Answer(List<Pending> batch, TResult[] results)
    {
        for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(results[i]);
    }

    private sealed class Pending(TEntry entry)
    {
        public TEntry Entry { get; } = entry;
        public TaskCompletionSource<TResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
