using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Coverage.Server.Tests.Security;

/// <summary>
/// HEAD (RFC 9110 §9.3.2) on the real server process: the GET's status and headers, no content, and the same
/// authentication as the GET. Sent on a raw connection, several requests pipelined, so that any content a HEAD
/// answer carried would show up where the next answer's status line must start.
/// </summary>
public sealed class HeadRequestsTests(HardenedServer fixture) : IClassFixture<HardenedServer>
{
    private SecureServer Server => fixture.Server;

    /// <summary>The requests sent on one connection (the last one closes it) and everything the server sent back.</summary>
    private async Task<string> Pipelined(params string[] requests)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, Server.Port);
        var stream = tcp.GetStream();
        var text = new StringBuilder();
        for (var i = 0; i < requests.Length; i++)
            text.Append(requests[i]).Append("Host: 127.0.0.1\r\n").Append(i == requests.Length - 1 ? "Connection: close\r\n" : "").Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(text.ToString()));
        using var answer = new MemoryStream();
        await stream.CopyToAsync(answer).WaitAsync(TimeSpan.FromSeconds(30));
        return Encoding.UTF8.GetString(answer.ToArray());
    }

    /// <summary>The answers' status lines and headers, split where each status line starts.</summary>
    private static List<string> Answers(string raw) =>
        [.. Regex.Split(raw, @"(?=HTTP/1\.1 \d{3} )").Where(a => a.Length > 0)];

    private static int? ContentLength(string answer) =>
        Regex.Match(answer, @"\r\nContent-Length: (\d+)\r\n", RegexOptions.IgnoreCase) is { Success: true } m ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;

    [Fact]
    public async Task Head_IsTheGetsStatusAndLength_WithNoContent()
    {
        var (status, body, _) = await Server.SendAsync(HttpMethod.Get, "/fhir/metadata", null);
        Assert.Equal(HttpStatusCode.OK, status);

        var answers = Answers(await Pipelined("HEAD /fhir/metadata HTTP/1.1\r\n", "HEAD /health HTTP/1.1\r\n", "GET /ping HTTP/1.1\r\n"));

        Assert.Equal(3, answers.Count);
        Assert.StartsWith("HTTP/1.1 200 ", answers[0], StringComparison.Ordinal);
        Assert.Equal(Encoding.UTF8.GetByteCount(body), ContentLength(answers[0]));
        Assert.EndsWith("\r\n\r\n", answers[0], StringComparison.Ordinal); // the headers, and nothing after them
        Assert.Contains("X-Content-Type-Options: nosniff", answers[0], StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 200 ", answers[1], StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n", answers[1], StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\npong", answers[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Head_IsAuthenticatedAsTheGet_AndAnEndpointWithoutGetIs405WithItsAllow()
    {
        var token = SecureServer.Token("coverage/cases.read", SecureServer.UmSystem);

        var answers = Answers(await Pipelined(
            "HEAD /api/v1/cases HTTP/1.1\r\n",
            $"HEAD /api/v1/cases HTTP/1.1\r\nAuthorization: Bearer {token}\r\n",
            "HEAD /fhir/Claim/$submit HTTP/1.1\r\n"));

        Assert.Equal(3, answers.Count);
        Assert.StartsWith("HTTP/1.1 401 ", answers[0], StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 200 ", answers[1], StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n", answers[1], StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 405 ", answers[2], StringComparison.Ordinal);
        Assert.Contains("\r\nAllow: POST\r\n", answers[2], StringComparison.Ordinal);
    }
}
