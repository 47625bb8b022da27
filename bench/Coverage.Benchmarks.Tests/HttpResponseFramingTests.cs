using System.Text;

namespace Coverage.Benchmarks.Tests;

/// <summary>
/// The lean sender's framing of HTTP/1.1 responses (RFC 9112 §6): a response is counted only once every byte of it has
/// arrived, wherever the reads split it, and bytes it cannot frame are an error, never a guess.
/// </summary>
public sealed class HttpResponseFramingTests
{
    private const string Json = "{\"resourceType\":\"Bundle\"}";

    private static readonly string ContentLengthResponse =
        $"HTTP/1.1 200 OK\r\nContent-Type: application/fhir+json\r\ncontent-length: {Json.Length}\r\n\r\n{Json}";

    private static readonly string ChunkedResponse =
        "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\nServer: Kestrel\r\n\r\n"
        + "a;name=value\r\n{\"resource\r\n" + $"{Json.Length - 10:x}\r\n{Json[10..]}\r\n" + "0\r\nTrailer-Field: 1\r\n\r\n";

    [Theory]
    [MemberData(nameof(Responses))]
    public void A_Response_Is_Framed_Only_Once_Its_Last_Byte_Has_Arrived(string response, int status)
    {
        var bytes = Encoding.ASCII.GetBytes(response);
        for (var received = 0; received < bytes.Length; received++)
            Assert.False(HttpResponseFraming.TryFrame(bytes.AsSpan(0, received), out _), $"framed after {received} of {bytes.Length} bytes");

        Assert.True(HttpResponseFraming.TryFrame(bytes, out var frame));
        Assert.Equal(new HttpResponseFraming.Frame(status, bytes.Length, Close: false), frame);
    }

    public static TheoryData<string, int> Responses() => new()
    {
        { ContentLengthResponse, 200 },
        { ChunkedResponse, 201 },
    };

    [Fact]
    public void The_Frame_Ends_Where_The_Response_Does_Not_Where_The_Bytes_Do()
    {
        var two = Encoding.ASCII.GetBytes(ContentLengthResponse + ContentLengthResponse);

        Assert.True(HttpResponseFraming.TryFrame(two, out var frame));
        Assert.Equal(two.Length / 2, frame.Length);
    }

    [Theory]
    [InlineData("HTTP/1.1 204 No Content\r\nContent-Length: 12\r\n\r\n", 204)]
    [InlineData("HTTP/1.1 304 Not Modified\r\n\r\n", 304)]
    public void Responses_Without_A_Body_End_With_Their_Headers(string response, int status)
    {
        Assert.True(HttpResponseFraming.TryFrame(Encoding.ASCII.GetBytes(response), out var frame));
        Assert.Equal(new HttpResponseFraming.Frame(status, response.Length, Close: false), frame);
    }

    [Fact]
    public void A_Server_That_Closes_The_Connection_Says_So()
    {
        var response = "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";

        Assert.True(HttpResponseFraming.TryFrame(Encoding.ASCII.GetBytes(response), out var frame));
        Assert.Equal(new HttpResponseFraming.Frame(503, response.Length, Close: true), frame);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the connection closes")] // no framing at all
    [InlineData("HTTP/2 200\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabcd\r\n0\r\n\r\n")] // chunk longer than its size
    [InlineData("HTTP/1.1 200 OK\r\nno colon here\r\nContent-Length: 0\r\n\r\n")]
    public void Bytes_It_Cannot_Frame_Are_An_Error(string response)
    {
        Assert.Throws<FormatException>(() => HttpResponseFraming.TryFrame(Encoding.ASCII.GetBytes(response), out _));
    }
}
