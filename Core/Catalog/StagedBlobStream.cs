using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace BitrixRetailCrm.Catalog;

/// <summary>
/// A write-only stream that stages 4 MB blocks of a block blob and commits them only in <see cref="CommitAsync"/>: the
/// feed is built straight into storage with flat memory, and a build that fails half-way leaves the previous feed
/// untouched (uncommitted blocks are discarded by the service after a week).
/// </summary>
internal sealed class StagedBlobStream(BlockBlobClient blob) : Stream
{
    private const int BlockSize = 4 * 1024 * 1024;
    private readonly List<string> _blocks = [];
    private readonly MemoryStream _buffer = new(BlockSize);
    private long _length;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _length;
    public override long Position { get => _length; set => throw new NotSupportedException(); }

    public override async Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        await WriteAsync(buffer.AsMemory(offset, count), ct);

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        while (buffer.Length > 0)
        {
            var take = (int)Math.Min(buffer.Length, BlockSize - _buffer.Length);
            _buffer.Write(buffer.Span[..take]);
            buffer = buffer[take..];
            _length += take;
            if (_buffer.Length == BlockSize) await StageAsync(ct);
        }
    }

    // XmlWriter (Async = true) only calls the async members; the sync ones exist because Stream demands them.
    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();
    public override void Flush() { }
    public override Task FlushAsync(CancellationToken ct) => Task.CompletedTask;
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    public async Task CommitAsync(string contentType, CancellationToken ct)
    {
        if (_buffer.Length > 0) await StageAsync(ct);
        await blob.CommitBlockListAsync(_blocks, new CommitBlockListOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
        }, ct);
    }

    private async Task StageAsync(CancellationToken ct)
    {
        var id = Convert.ToBase64String(BitConverter.GetBytes(_blocks.Count).Concat(new byte[4]).ToArray()); // equal-length ids
        _buffer.Position = 0;
        await blob.StageBlockAsync(id, _buffer, cancellationToken: ct);
        _blocks.Add(id);
        _buffer.SetLength(0);
    }
}
