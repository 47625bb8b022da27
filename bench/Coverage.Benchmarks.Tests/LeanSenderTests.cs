using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Coverage.Benchmarks.Tests;

/// <summary>
/// The lean fixed-rate sender against a small HTTP/1.1 server on a loopback socket: every request arrives once with
/// its own bytes, every answer is recorded with its status, whether the server frames it by length or in chunks or
/// closes the connection after it, and the schedule is kept.
/// </summary>
public sealed class LeanSenderTests
{
    [Fact]
    public void Every_Request_Arrives_Once_And_Every_Answer_Is_Recorded_On_Schedule()
    {
        using var server = new LoopbackServer(closeEvery: 5);
        var url = new Uri($"http://127.0.0.1:{server.Port}/fhir/Claim/$submit");
        const int count = 120;
        const double rps = 400;
        var requests = Enumerable.Range(0, count).Select(i =>
        {
            var body = Encoding.UTF8.GetBytes($"{{\"n\":{i}}}");
            return new LeanSender.Request(LeanSender.Head(url, body, "application/fhir+json", "token-" + i), body);
        }).ToArray();
        var latencies = new double[count];
        var statuses = new int[count];

        var elapsed = LeanSender.Run(new IPEndPoint(IPAddress.Loopback, server.Port), requests, rps, latencies, statuses);

        // The server answers request n with 200 (by length) or 201 (chunked), alternately on each connection.
        Assert.All(statuses, status => Assert.Contains(status, (int[])[200, 201]));
        Assert.Contains(201, statuses);
        Assert.All(latencies, ms => Assert.InRange(ms, 0.0, 5_000));
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"POST /fhir/Claim/$submit Bearer token-{i} {{\"n\":{i}}}").Order(), server.Received.Order());
        Assert.True(elapsed >= (count - 1) / rps, $"the run took {elapsed} s, less than its schedule");
        // Connections closed by the server after every fifth answer were replaced, not reused.
        Assert.True(server.Connections >= count / 5, $"{server.Connections} connections");
    }

    [Fact]
    public void A_GET_Has_No_Body_And_Names_The_Host()
    {
        var head = Encoding.ASCII.GetString(LeanSender.Head(new Uri("http://127.0.0.1:5090/ping?x=1"), null, null, null));

        Assert.Equal("GET /ping?x=1 HTTP/1.1\r\nHost: 127.0.0.1:5090\r\n\r\n", head);
    }

    [Fact]
    public void Requests_To_A_Closed_Port_Are_Answered_With_No_Status()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var url = new Uri($"http://127.0.0.1:{port}/ping");
        var requests = Enumerable.Range(0, 5).Select(_ => new LeanSender.Request(LeanSender.Head(url, null, null, null), [])).ToArray();
        var statuses = Enumerable.Repeat(-1, 5).ToArray();

        LeanSender.Run(new IPEndPoint(IPAddress.Loopback, port), requests, 100, new double[5], statuses);

        Assert.All(statuses, status => Assert.Equal(0, status));
    }

    /// <summary>Reads each request (head and Content-Length body) and answers it; closes a connection after every <c>closeEvery</c>-th answer on it.</summary>
    private sealed class LoopbackServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly int _closeEvery;
        private int _connections;

        public LoopbackServer(int closeEvery)
        {
            _closeEvery = closeEvery;
            _listener.Start();
            new Thread(Accept) { IsBackground = true }.Start();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Connections => Volatile.Read(ref _connections);

        /// <summary>Each request as "METHOD PATH Bearer TOKEN BODY".</summary>
        public ConcurrentBag<string> Received { get; } = [];

        public void Dispose() => _listener.Stop();

        private void Accept()
        {
            try
            {
                while (true)
                {
                    var socket = _listener.AcceptSocket();
                    Interlocked.Increment(ref _connections);
                    new Thread(() => Serve(socket)) { IsBackground = true }.Start();
                }
            }
            catch (SocketException) { } // stopped
            catch (ObjectDisposedException) { }
        }

        private void Serve(Socket socket)
        {
            using var stream = new NetworkStream(socket, ownsSocket: true);
            for (var answered = 1; ; answered++)
            {
                var head = ReadHead(stream);
                if (head is null) return;
                var lines = head.Split("\r\n");
                var length = lines.Where(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)).Select(l => int.Parse(l[15..].Trim(), System.Globalization.CultureInfo.InvariantCulture)).SingleOrDefault();
                var bearer = lines.Single(l => l.StartsWith("Authorization: Bearer ", StringComparison.Ordinal))["Authorization: Bearer ".Length..];
                var body = new byte[length];
                stream.ReadExactly(body);
                Received.Add($"{lines[0].Split(' ')[0]} {lines[0].Split(' ')[1]} Bearer {bearer} {Encoding.UTF8.GetString(body)}");
                var close = answered % _closeEvery == 0;
                var connection = close ? "Connection: close\r\n" : "";
                // Written in two parts, so that the sender sees a response split across reads.
                var (first, second) = answered % 2 == 0
                    ? ($"HTTP/1.1 201 Created\r\n{connection}Transfer-Encoding: chunked\r\n\r\n7\r\n{{\"a\":", "1}\r\n0\r\n\r\n")
                    : ($"HTTP/1.1 200 OK\r\n{connection}Content-Length: 7\r\n\r\n{{\"a\":", "1}");
                stream.Write(Encoding.ASCII.GetBytes(first));
                stream.Flush();
                Thread.Sleep(1);
                stream.Write(Encoding.ASCII.GetBytes(second));
                if (close) return;
            }
        }

        private static string? ReadHead(NetworkStream stream)
        {
            var head = new List<byte>();
            var one = new byte[1];
            while (head.Count < 4 || !(head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
            {
                if (stream.Read(one) == 0) return null;
                head.Add(one[0]);
            }
            return Encoding.ASCII.GetString([.. head]);
        }
    }
}
