namespace Coverage.Server.Security;

/// <summary>
/// A deadline for receiving the whole request body (Limits:RequestBodySeconds, default 30), on top of
/// Kestrel's minimum data rate: a client that trickles a body just above the minimum rate (300 B/s held
/// an anonymous connection for 70 minutes) is answered 408 once the deadline passes, and the connection is
/// closed rather than kept to drain the rest. Requests without a body are untouched.
/// </summary>
public sealed class RequestBodyDeadline(RequestDelegate next, IConfiguration configuration)
{
    private readonly TimeSpan _deadline = TimeSpan.FromSeconds(configuration.GetValue("Limits:RequestBodySeconds", 30.0));

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentLength == 0 || (request.ContentLength is null && !request.Headers.TransferEncoding.Any(v => v?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true)))
        {
            await next(context);
            return;
        }
        using var body = new DeadlineStream(request.Body, _deadline, request.ContentLength);
        request.Body = body;
        // A body that was not read to its end (cut by the deadline, or never read) is not drained: the connection closes.
        context.Response.OnStarting(() =>
        {
            if (!body.Finished) context.Response.Headers.Connection = "close";
            return Task.CompletedTask;
        });
        await next(context);
    }

    /// <summary>The request body, whose reads fail with 408 once the deadline (counted from when the request arrived) has passed.</summary>
    private sealed class DeadlineStream(Stream inner, TimeSpan deadline, long? declaredLength) : Stream
    {
        private readonly CancellationTokenSource _expired = new(deadline);
        private long _received;

        /// <summary>
        /// The whole body was read: the end was seen, or as many bytes as the request declared (a reader that knows the
        /// length stops there without the read that would return 0; the connection is then kept alive).
        /// </summary>
        public bool Finished { get; private set; }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _expired.Token);
            try
            {
                var read = await inner.ReadAsync(buffer, linked.Token);
                _received += read;
                if (read == 0 || _received == declaredLength) Finished = true;
                return read;
            }
            catch (OperationCanceledException) when (_expired.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new BadHttpRequestException($"The request body did not arrive within {deadline.TotalSeconds:0} seconds.", StatusCodes.Status408RequestTimeout);
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _expired.Dispose();
            base.Dispose(disposing);
        }
    }
}
