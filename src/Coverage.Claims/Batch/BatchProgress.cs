namespace Coverage.Claims.Batch;

/// <summary>Live counters of a running batch, safe to read from another thread (the progress bar).</summary>
public sealed class BatchProgress
{
    private long _bytesRead;
    private long _records;
    private long _claims;
    private long _lines;
    private long _rejected;

    /// <summary>The size of the input file.</summary>
    public long InputBytes { get; internal set; }

    /// <summary>How far the input has been read (for the ETA).</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>Records, claims, lines and rejected records written so far, this run and any it resumes.</summary>
    public long Records => Interlocked.Read(ref _records);
    public long Claims => Interlocked.Read(ref _claims);
    public long Lines => Interlocked.Read(ref _lines);
    public long Rejected => Interlocked.Read(ref _rejected);

    internal void Read(long bytes) => Interlocked.Add(ref _bytesRead, bytes);

    internal void Written(BatchTotals totals)
    {
        Interlocked.Exchange(ref _records, totals.Records);
        Interlocked.Exchange(ref _claims, totals.Claims);
        Interlocked.Exchange(ref _lines, totals.Lines);
        Interlocked.Exchange(ref _rejected, totals.Rejected);
    }
}

/// <summary>Counts the bytes read through it, for the progress bar's ETA.</summary>
internal sealed class CountingStream(Stream inner, BatchProgress progress) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Count(int read)
    {
        progress.Read(read);
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
