using System.Text;

namespace Tide.Engine.Artifacts;

/// <summary>
/// Sits between the gzip stream and .NET's TarReader and follows the tar block structure as the reader consumes it,
/// refusing what TarReader would otherwise take in whole: a PAX or GNU long-name header bigger than 1 MiB (Go's
/// archive/tar limit) or all of them together bigger than the unpack limit, and sparse files (GNU 'S' entries and PAX
/// GNU.sparse maps, whose expanded size the stored size does not tell). A gzip stream whose data, CRC32 or length
/// trailer is wrong is reported as a corrupt archive, and what follows the tar's end is bounded and read to the end so
/// that the trailer is checked.
/// </summary>
internal sealed class TarStreamGuard(Stream inner, UnpackLimits limits) : Stream
{
    private const int Block = 512;
    private const int MaxExtendedHeader = 1 << 20;
    private const int MaxTrailingBytes = 1 << 20;

    private readonly byte[] _header = new byte[Block];
    private int _headerFill;
    private long _dataLeft;
    private long _extendedBytes;
    private MemoryStream? _pax;
    private string _paxName = "";
    private long _paxLeft;
    private long? _nextSize;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int read;
        try
        {
            read = inner.Read(buffer);
        }
        catch (InvalidDataException e)
        {
            throw Corrupt(e);
        }
        Observe(buffer[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        try
        {
            read = await inner.ReadAsync(buffer, cancellationToken);
        }
        catch (InvalidDataException e)
        {
            throw Corrupt(e);
        }
        Observe(buffer.Span[..read]);
        return read;
    }

    /// <summary>Reads what follows the tar's end markers (padding), at most 1 MiB, to the end of the gzip stream, so
    /// that its CRC32 and length trailer are checked.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        long trailing = 0;
        int read;
        while ((read = await ReadAsync(buffer, cancellationToken)) > 0)
        {
            trailing += read;
            if (trailing > MaxTrailingBytes)
                throw new UnsafeArchiveException($"more than {MaxTrailingBytes} bytes follow the end of the tar archive");
        }
    }

    private static UnsafeArchiveException Corrupt(InvalidDataException e) =>
        new("the gzip stream is corrupt (its data, CRC32 or length does not match)", e);

    private void Observe(ReadOnlySpan<byte> data)
    {
        while (data.Length > 0)
        {
            if (_dataLeft > 0)
            {
                var take = (int)Math.Min(_dataLeft, data.Length);
                if (_pax is not null)
                {
                    var content = (int)Math.Min(_paxLeft, take);
                    _pax.Write(data[..content]);
                    _paxLeft -= content;
                }
                _dataLeft -= take;
                data = data[take..];
                if (_dataLeft == 0 && _pax is not null)
                    ReadPaxRecords();
                continue;
            }
            var copy = Math.Min(Block - _headerFill, data.Length);
            data[..copy].CopyTo(_header.AsSpan(_headerFill));
            _headerFill += copy;
            data = data[copy..];
            if (_headerFill == Block)
            {
                _headerFill = 0;
                OnHeader();
            }
        }
    }

    private void OnHeader()
    {
        if (_header.All(b => b == 0))
            return; // an end-of-archive block
        var name = Field(0, 100);
        var size = Size(name);
        long length;
        switch ((char)_header[156])
        {
            case 'x' or 'g' or 'L' or 'K':
                if (size > MaxExtendedHeader)
                    throw new UnsafeArchiveException(name, $"its extended header of {size} bytes is larger than {MaxExtendedHeader} bytes");
                _extendedBytes += size;
                if (_extendedBytes > limits.MaxTotalBytes)
                    throw new UnsafeArchiveException(name, $"the archive's extended headers take more than {limits.MaxTotalBytes} bytes");
                if (_header[156] == 'x')
                {
                    _pax = new MemoryStream((int)size);
                    _paxName = name;
                    _paxLeft = size;
                }
                length = size;
                break;
            case 'S':
                throw new UnsafeArchiveException(name, "sparse files are not allowed");
            default:
                // A PAX 'size' record replaces the size field of the entry that follows it.
                length = _nextSize ?? size;
                _nextSize = null;
                break;
        }
        _dataLeft = (length + Block - 1) / Block * Block;
        if (_dataLeft == 0 && _pax is not null)
            ReadPaxRecords();
    }

    /// <summary>The records of a PAX header ("length key=value\n"): its size override, and sparse maps refused.</summary>
    private void ReadPaxRecords()
    {
        var text = Encoding.UTF8.GetString(_pax!.GetBuffer(), 0, (int)_pax.Length);
        _pax = null;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var space = line.IndexOf(' ');
            var equals = line.IndexOf('=');
            if (space < 0 || equals < space)
                continue; // TarReader judges malformed records
            var key = line[(space + 1)..equals];
            var value = line[(equals + 1)..];
            if (key.StartsWith("GNU.sparse.", StringComparison.Ordinal))
                throw new UnsafeArchiveException(_paxName, "sparse files are not allowed");
            if (key == "size" && long.TryParse(value, out var size) && size >= 0)
                _nextSize = size;
        }
    }

    private string Field(int offset, int length)
    {
        var field = _header.AsSpan(offset, length);
        var end = field.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? field : field[..end]);
    }

    /// <summary>The size field: octal digits, or base-256 when its first byte has the high bit set.</summary>
    private long Size(string name)
    {
        var field = _header.AsSpan(124, 12);
        if ((field[0] & 0x80) != 0)
        {
            if (field[0] == 0xFF || field[1..4].IndexOfAnyExcept((byte)0) >= 0)
                throw new UnsafeArchiveException(name, "its size field is out of range");
            long value = 0;
            foreach (var b in field[4..])
                value = (value << 8) | b;
            return value;
        }
        var text = Encoding.ASCII.GetString(field).Trim(' ', '\0');
        try
        {
            return text.Length == 0 ? 0 : Convert.ToInt64(text, 8);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw new UnsafeArchiveException(name, $"its size field '{text}' is not an octal number");
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
