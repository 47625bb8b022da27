using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

/// <summary>
/// An open-loop sender at a fixed rate that costs the machine it shares with the server as little as it can, as wrk2
/// does: every request's bytes are made before the clock starts; one thread sleeps until each request is due (to the
/// microsecond, not the millisecond) and writes it, head and body in one system call, on an idle keep-alive connection
/// (a new one when none is idle); each connection's own thread blocks on its socket and reads the response off it,
/// framed by <see cref="HttpResponseFraming"/>. No HTTP client, task or thread pool between the request and the
/// socket: per request one wake-up to send it and one to read its answer. Latency is measured from each request's
/// scheduled start, so a request sent late because the sender was late counts its lateness.
/// </summary>
/// <remarks>
/// Why it exists (docs/benchmarks.md, session 31): the <see cref="HttpClient"/> sender used about 0.3 of one of the two
/// cores at 1,000 requests/s, and its own scheduling (a millisecond's sleep, then tasks on its thread pool) added to every
/// latency it reported — about 1 ms to the median of <c>GET /ping</c>, a call the server answers in microseconds.
/// </remarks>
internal static class LeanSender
{
    /// <summary>What one request is on the wire: its head (request line and headers) and its body (shared between requests when they send the same).</summary>
    public readonly record struct Request(byte[] Head, byte[] Body);

    /// <summary>How long the sender waits, after its last request, for the answers still out; those it does not get count as failed (status 0).</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Sends <paramref name="requests"/>, request <c>i</c> at start + i / <paramref name="rps"/>, whatever the answers
    /// do; fills each request's latency in milliseconds from its scheduled start and its status (0: no response);
    /// returns the seconds from the first start to the last answer.
    /// </summary>
    public static double Run(IPEndPoint server, IReadOnlyList<Request> requests, double rps, double[] latencies, int[] statuses)
    {
        var session = new Session(server, latencies, statuses, requests.Count);
        var interval = Stopwatch.Frequency / rps;
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < requests.Count; i++)
        {
            var due = start + (long)(i * interval);
            SleepUntil(due);
            session.Send(i, due, requests[i]);
        }
        if (!session.AllAnswered.Wait(Timeout)) session.GiveUp();
        return (session.LastAnswer - start) / (double)Stopwatch.Frequency;
    }

    /// <summary>The HTTP/1.1 bytes of a request to <paramref name="url"/> (no body: GET).</summary>
    public static byte[] Head(Uri url, byte[]? body, string? contentType, string? bearer)
    {
        var head = new System.Text.StringBuilder();
        head.Append(body is null ? "GET " : "POST ").Append(url.PathAndQuery).Append(" HTTP/1.1\r\n");
        head.Append("Host: ").Append(url.Authority).Append("\r\n");
        if (bearer is not null) head.Append("Authorization: Bearer ").Append(bearer).Append("\r\n");
        if (body is not null)
        {
            head.Append("Content-Type: ").Append(contentType).Append("\r\n");
            head.Append("Content-Length: ").Append(body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append("\r\n");
        }
        head.Append("\r\n");
        return System.Text.Encoding.ASCII.GetBytes(head.ToString());
    }

    /// <summary>Sleeps until the monotonic clock reaches <paramref name="due"/> (a <see cref="Stopwatch"/> timestamp), to the microsecond where the kernel allows.</summary>
    private static void SleepUntil(long due)
    {
        while (true)
        {
            var remaining = due - Stopwatch.GetTimestamp();
            if (remaining <= 0) return;
            var micros = remaining * 1_000_000 / Stopwatch.Frequency;
            if (micros == 0) return;
            _ = NativeSleep.usleep((uint)Math.Min(micros, 500_000));
        }
    }

    /// <summary>One run of the sender: its connections, idle ones ready for the next request, and the answers recorded.</summary>
    private sealed class Session(IPEndPoint server, double[] latencies, int[] statuses, int total)
    {
        private readonly ConcurrentStack<Connection> _idle = new();
        private readonly ConcurrentDictionary<Connection, bool> _open = new();
        private int _unanswered = total;
        private long _lastAnswer;

        public ManualResetEventSlim AllAnswered { get; } = new(total == 0);

        public long LastAnswer => Interlocked.Read(ref _lastAnswer);

        public void Send(int index, long scheduled, Request request)
        {
            Connection? connection;
            // A connection the server closed while it was idle is dropped here (its reader has ended).
            while (_idle.TryPop(out connection) && connection.IsClosed) { }
            if (connection is null)
            {
                try
                {
                    connection = new Connection(this, server);
                }
                catch (SocketException)
                {
                    Answer(index, scheduled, 0);
                    return;
                }
                _open[connection] = true;
            }
            connection.Send(index, scheduled, request);
        }

        /// <summary>Records request <paramref name="index"/>'s answer (status 0: none), once.</summary>
        public void Answer(int index, long scheduled, int status)
        {
            var now = Stopwatch.GetTimestamp();
            latencies[index] = (now - scheduled) * 1000.0 / Stopwatch.Frequency;
            statuses[index] = status;
            // The latest answer's time; answers recorded concurrently by the connections' threads.
            long seen;
            while ((seen = Interlocked.Read(ref _lastAnswer)) < now && Interlocked.CompareExchange(ref _lastAnswer, now, seen) != seen) { }
            if (Interlocked.Decrement(ref _unanswered) == 0) AllAnswered.Set();
        }

        public void Idle(Connection connection) => _idle.Push(connection);

        public void Closed(Connection connection) => _open.TryRemove(connection, out _);

        /// <summary>After the timeout: every connection closed, so that each request still waiting is answered with status 0.</summary>
        public void GiveUp()
        {
            foreach (var connection in _open.Keys) connection.Close();
            AllAnswered.Wait(TimeSpan.FromSeconds(5));
        }
    }

    /// <summary>A keep-alive connection and the thread that reads its responses; one request at a time (no pipelining).</summary>
    private sealed class Connection : IDisposable
    {
        private readonly Session _session;
        private readonly Socket _socket;
        private readonly List<ArraySegment<byte>> _segments = [default, default];
        private byte[] _buffer = new byte[16 * 1024];
        private int _request = -1;
        private long _scheduled;
        private volatile bool _closed;

        public Connection(Session session, IPEndPoint server)
        {
            _session = session;
            _socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            _socket.Connect(server);
            new Thread(Receive, 256 * 1024) { IsBackground = true, Name = "lean-sender reader" }.Start();
        }

        public bool IsClosed => _closed;

        public void Send(int index, long scheduled, Request request)
        {
            _scheduled = scheduled;
            Volatile.Write(ref _request, index); // before the bytes leave: the answer cannot come first
            if (_closed)
            {
                // Its reader ended since: whoever takes the request back answers it (once).
                if (Interlocked.Exchange(ref _request, -1) == index) _session.Answer(index, scheduled, 0);
                return;
            }
            _segments[0] = request.Head;
            _segments[1] = request.Body;
            try
            {
                _socket.Send(_segments);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                Close(); // the reader answers the request with status 0 as the socket closes
            }
        }

        public void Dispose() => Close();

        public void Close()
        {
            try { _socket.Shutdown(SocketShutdown.Both); } catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
            _socket.Close();
        }

        private void Receive()
        {
            var filled = 0;
            while (true)
            {
                if (filled == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
                int read;
                try
                {
                    read = _socket.Receive(_buffer, filled, _buffer.Length - filled, SocketFlags.None);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    read = 0;
                }
                if (read == 0)
                {
                    End(status: 0);
                    return;
                }
                filled += read;
                HttpResponseFraming.Frame frame;
                try
                {
                    if (!HttpResponseFraming.TryFrame(_buffer.AsSpan(0, filled), out frame)) continue;
                }
                catch (FormatException)
                {
                    End(status: 0);
                    return;
                }
                if (Volatile.Read(ref _request) < 0 || frame.Length != filled)
                {
                    // A response no request asked for, or bytes after it: this connection can no longer be trusted.
                    End(status: 0);
                    return;
                }
                filled = 0;
                var index = Interlocked.Exchange(ref _request, -1);
                if (frame.Close)
                {
                    _session.Answer(index, _scheduled, frame.Status);
                    End(status: 0);
                    return;
                }
                // Idle again before the answer is recorded: the sender may use it for the next request at once.
                var scheduled = _scheduled;
                _session.Idle(this);
                _session.Answer(index, scheduled, frame.Status);
            }
        }

        /// <summary>The connection is done: the request in flight, if any, is answered with <paramref name="status"/>.</summary>
        private void End(int status)
        {
            _closed = true;
            Close();
            _session.Closed(this);
            var index = Interlocked.Exchange(ref _request, -1);
            if (index >= 0) _session.Answer(index, _scheduled, status);
        }
    }

    private static class NativeSleep
    {
        /// <summary>libc's <c>usleep</c>: the runtime's <see cref="Thread.Sleep(int)"/> sleeps whole milliseconds, as long as a request's interval at 1,000/s.</summary>
        [DllImport("libc", SetLastError = false)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int usleep(uint microseconds);
    }
}
