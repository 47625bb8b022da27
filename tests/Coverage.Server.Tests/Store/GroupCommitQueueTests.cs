using System.Net.Sockets;
using Coverage.Store;
using Npgsql;

namespace Coverage.Server.Tests.Store;

/// <summary>
/// The group commit's failure rules (<see cref="GroupCommitQueue{TEntry, TResult}"/>): an entry the store refuses fails
/// alone (the batch is retried an entry at a time); a store out of reach fails the batch, and every entry that queued
/// meanwhile, at once — none is tried again alone to wait out the same timeout in turn.
/// </summary>
public sealed class GroupCommitQueueTests
{
    /// <summary>A queue whose commits are recorded and answered by the test, one at a time.</summary>
    private sealed class Store
    {
        private readonly System.Threading.Channels.Channel<TaskCompletionSource<string[]>> _begun =
            System.Threading.Channels.Channel.CreateUnbounded<TaskCompletionSource<string[]>>();

        public Store() => Queue = new GroupCommitQueue<string, string>(maxBatch: 64, Commit);

        public GroupCommitQueue<string, string> Queue { get; }

        /// <summary>The entries of each commit the writer began, in order.</summary>
        public List<string[]> Commits { get; } = [];

        private Task<string[]> Commit(IReadOnlyList<string> batch)
        {
            var answer = new TaskCompletionSource<string[]>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (Commits) Commits.Add([.. batch]);
            Assert.True(_begun.Writer.TryWrite(answer));
            return answer.Task;
        }

        /// <summary>Waits for the next commit the writer begins and writes each of its entries.</summary>
        public async Task WriteNextAsync() =>
            (await NextAsync()).SetResult([.. Commits[^1].Select(entry => entry + " written")]);

        /// <summary>Waits for the next commit the writer begins and fails it.</summary>
        public async Task FailNextAsync(Exception failure) => (await NextAsync()).SetException(failure);

        public bool BeganAnother => _begun.Reader.Count > 0;

        /// <summary>Returns once the writer has begun this many commits (their entries are then fixed).</summary>
        public Task BegunAsync(int commits) =>
            Task.Run(async () => { while (Began < commits) await Task.Delay(5); }).WaitAsync(TimeSpan.FromSeconds(10));

        private int Began
        {
            get { lock (Commits) return Commits.Count; }
        }

        private async Task<TaskCompletionSource<string[]>> NextAsync() =>
            await _begun.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>The entry's answer; a test that would wait longer fails instead (an entry nobody answers).</summary>
    private static Task<string> Answered(Task<string> entry) => entry.WaitAsync(TimeSpan.FromSeconds(10));

    private static Task WaitUntilQueuedAsync(GroupCommitQueue<string, string> queue, int count) =>
        Task.Run(async () => { while (queue.Count < count) await Task.Delay(5); }).WaitAsync(TimeSpan.FromSeconds(10));

    public static TheoryData<string> Unreachable => ["connect timeout", "connection lost", "database shutting down"];

    private static NpgsqlException UnreachableFailure(string kind) => kind switch
    {
        "connect timeout" => new NpgsqlException("Failed to connect to 127.0.0.1:5432", new TimeoutException("The operation has timed out.")),
        "connection lost" => new NpgsqlException("Exception while reading from stream", new IOException("reset", new SocketException((int)SocketError.ConnectionReset))),
        _ => new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01"),
    };

    [Theory]
    [MemberData(nameof(Unreachable))]
    public async Task AStoreOutOfReach_FailsTheBatchAndEveryEntryQueuedMeanwhile_AtOnce_WithoutTryingThemAlone(string kind)
    {
        var store = new Store();
        var a = store.Queue.EnqueueAsync("a", CancellationToken.None);
        var b = store.Queue.EnqueueAsync("b", CancellationToken.None);
        var writer = Task.Run(store.Queue.RunAsync);
        // The writer holds a and b in one transaction; c and d queue behind it while it waits for the store.
        await store.BegunAsync(1);
        var c = store.Queue.EnqueueAsync("c", CancellationToken.None);
        var d = store.Queue.EnqueueAsync("d", CancellationToken.None);
        await WaitUntilQueuedAsync(store.Queue, 2);
        var failure = UnreachableFailure(kind);
        await store.FailNextAsync(failure);

        foreach (var entry in new[] { a, b, c, d }) Assert.Same(failure, await Assert.ThrowsAnyAsync<Exception>(() => Answered(entry)));
        Assert.Equal(["a", "b"], Assert.Single(store.Commits));

        // The next entry is tried as usual: the store may be back.
        var e = store.Queue.EnqueueAsync("e", CancellationToken.None);
        await store.WriteNextAsync();
        Assert.Equal("e written", await Answered(e));
        Assert.Equal([["a", "b"], ["e"]], store.Commits);
        store.Queue.Complete();
        await writer;
    }

    /// <summary>
    /// The drain of the entries queued behind an unreachable store raced with the callers: an entry queued once the first
    /// of them had heard of the failure could be taken by the same drain and failed unread (CI saw this test's theory above
    /// fail so, once in many runs; with a thousand queued, this test failed in its first rounds before the fix). Only those
    /// queued when the failure came back are failed; the rest are tried.
    /// </summary>
    [Fact]
    public async Task AnEntryQueuedWhileTheQueuedOnesAreBeingFailed_IsTriedAsUsual()
    {
        for (var round = 0; round < 50; round++)
        {
            var store = new Store();
            var a = store.Queue.EnqueueAsync("a", CancellationToken.None);
            var writer = Task.Run(store.Queue.RunAsync);
            await store.BegunAsync(1);
            var queued = Enumerable.Range(0, 1_000).Select(i => store.Queue.EnqueueAsync($"q{i}", CancellationToken.None)).ToList();
            await WaitUntilQueuedAsync(store.Queue, queued.Count);
            var failure = UnreachableFailure("connection lost");
            await store.FailNextAsync(failure);

            // As soon as the first queued entry hears of the failure, its caller (or another) sends the next.
            await Assert.ThrowsAnyAsync<Exception>(() => Answered(queued[0]));
            var next = store.Queue.EnqueueAsync("next", CancellationToken.None);
            await store.WriteNextAsync();

            Assert.Equal("next written", await Answered(next));
            foreach (var entry in queued.Prepend(a)) Assert.Same(failure, await Assert.ThrowsAnyAsync<Exception>(() => Answered(entry)));
            Assert.Equal([["a"], ["next"]], store.Commits);
            store.Queue.Complete();
            await writer;
        }
    }

    [Fact]
    public async Task ACommitLostWithItsConnection_LeavesItsBatchUnknown_ButTheEntriesQueuedMeanwhileWereNeverWritten()
    {
        var store = new Store();
        var a = store.Queue.EnqueueAsync("a", CancellationToken.None);
        var writer = Task.Run(store.Queue.RunAsync);
        await store.BegunAsync(1);
        var b = store.Queue.EnqueueAsync("b", CancellationToken.None);
        await WaitUntilQueuedAsync(store.Queue, 1);
        var lost = new IOException("Connection reset by peer");
        await store.FailNextAsync(new CommitOutcomeUnknownException(lost));

        await Assert.ThrowsAsync<CommitOutcomeUnknownException>(() => Answered(a)); // may have been committed
        Assert.Same(lost, await Assert.ThrowsAsync<IOException>(() => Answered(b))); // was not: never tried
        Assert.Equal(["a"], Assert.Single(store.Commits));
        store.Queue.Complete();
        await writer;
    }

    [Fact]
    public async Task AnEntryTheStoreRefuses_FailsAlone_TheBatchTriedAgainAnEntryAtATime()
    {
        var store = new Store();
        var a = store.Queue.EnqueueAsync("a", CancellationToken.None);
        var b = store.Queue.EnqueueAsync("b", CancellationToken.None);
        var writer = Task.Run(store.Queue.RunAsync);
        var refused = new PostgresException("duplicate key value violates unique constraint", "ERROR", "ERROR", "23505");
        await store.FailNextAsync(refused);
        await store.FailNextAsync(refused); // a alone: refused again
        await store.WriteNextAsync(); // b alone: written

        Assert.Same(refused, await Assert.ThrowsAnyAsync<PostgresException>(() => Answered(a)));
        Assert.Equal("b written", await Answered(b));
        Assert.Equal([["a", "b"], ["a"], ["b"]], store.Commits);
        Assert.False(store.BeganAnother);
        store.Queue.Complete();
        await writer;
    }
}
