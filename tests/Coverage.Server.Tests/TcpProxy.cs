using System.Net;
using System.Net.Sockets;

namespace Coverage.Server.Tests;

/// <summary>
/// A TCP proxy in front of the database, so that a test can cut the network to a real PostgreSQL and
/// restore it, on its own port, without stopping the server other tests share; or lose the reply to one COMMIT (the
/// database commits, the client never hears so), the one failure after which the client cannot know what happened.
/// </summary>
public sealed class TcpProxy(string targetHost, int targetPort) : IAsyncDisposable
{
    /// <summary>How a PostgreSQL client commits: a simple-query message whose text is COMMIT (as Npgsql sends it).</summary>
    private static readonly byte[] Commit = "COMMIT\0"u8.ToArray();

    private readonly List<TcpClient> _connections = [];
    private readonly List<TaskCompletionSource> _heldReplies = [];
    private TcpListener? _listener;
    private CancellationTokenSource _stop = new();
    private int _holdNextCommit;
    private TaskCompletionSource _commitHeld = new();
    private TaskCompletionSource _flowing = Flowing();

    public int Port { get; private set; }

    public void Start()
    {
        _stop = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = Accept(_listener, _stop.Token);
    }

    /// <summary>Refuses new connections and drops every open one, as a database outage would.</summary>
    public void Cut()
    {
        _stop.Cancel();
        _listener?.Stop();
        lock (_connections)
        {
            foreach (var connection in _connections) connection.Dispose();
            _connections.Clear();
        }
    }

    /// <summary>
    /// A network partition: nothing passes any more, in either direction, and nothing is closed — open connections keep
    /// their sockets with every byte sent held back, and new ones are accepted but never reach the database (as when the
    /// database's host stops answering and no reset comes). <see cref="Heal"/> lets everything held through.
    /// </summary>
    public void Partition() => Interlocked.Exchange(ref _flowing, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Ends the partition: what was held passes on, in order, to whichever connections are still open.</summary>
    public void Heal() => Volatile.Read(ref _flowing).TrySetResult();

    private static TaskCompletionSource Flowing()
    {
        var flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        flowing.SetResult();
        return flowing;
    }

    /// <summary>
    /// The next connection that sends COMMIT has it delivered, but every reply after it held back (until
    /// <see cref="ReleaseReplies"/>): the transaction is committed and its client waits for an answer that does not come.
    /// </summary>
    public void HoldRepliesAfterNextCommit()
    {
        _commitHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref _holdNextCommit, 1);
    }

    /// <summary>Completes once the COMMIT <see cref="HoldRepliesAfterNextCommit"/> waits for is seen (passed on, its reply held).</summary>
    public Task CommitHeld => _commitHeld.Task;

    /// <summary>Delivers the replies held back, to a connection that is still open.</summary>
    public void ReleaseReplies()
    {
        lock (_heldReplies)
        {
            foreach (var held in _heldReplies) held.TrySetResult();
            _heldReplies.Clear();
        }
    }

    private async Task Accept(TcpListener listener, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            var server = new TcpClient();
            try
            {
                await Volatile.Read(ref _flowing).Task.WaitAsync(stop);
                await server.ConnectAsync(targetHost, targetPort, stop);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                client.Dispose();
                server.Dispose();
                continue;
            }
            lock (_connections)
            {
                _connections.Add(client);
                _connections.Add(server);
            }
            var link = new Link();
            // Both streams first: a pump can run to its end before the other starts (a client that gave up while the
            // connection waited to be accepted has sent everything and closed), disposing both sockets.
            var (clientStream, serverStream) = (client.GetStream(), server.GetStream());
            _ = Pump(clientStream, serverStream, client, server, link, fromClient: true);
            _ = Pump(serverStream, clientStream, client, server, link, fromClient: false);
        }
    }

    private async Task Pump(NetworkStream from, NetworkStream to, TcpClient a, TcpClient b, Link link, bool fromClient)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer)) > 0)
            {
                // Held before the COMMIT is passed on, so that its reply cannot slip through.
                if (fromClient && buffer.AsSpan(0, read).IndexOf(Commit) >= 0 && Interlocked.Exchange(ref _holdNextCommit, 0) == 1)
                    lock (_heldReplies)
                    {
                        link.Replies = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                        _heldReplies.Add(link.Replies);
                        _commitHeld.TrySetResult();
                    }
                if (!fromClient && link.Replies is { } held) await held.Task;
                await Volatile.Read(ref _flowing).Task;
                await to.WriteAsync(buffer.AsMemory(0, read));
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
        }
        a.Dispose();
        b.Dispose();
    }

    /// <summary>One proxied connection: whether its replies are held back.</summary>
    private sealed class Link
    {
        private TaskCompletionSource? _replies;

        /// <summary>Set by the client's pump, read by the server's, each on its own thread.</summary>
        public TaskCompletionSource? Replies
        {
            get => Volatile.Read(ref _replies);
            set => Volatile.Write(ref _replies, value);
        }
    }

    public ValueTask DisposeAsync()
    {
        Heal();
        ReleaseReplies();
        Cut();
        _stop.Dispose();
        return ValueTask.CompletedTask;
    }
}
