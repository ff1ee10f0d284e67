using System.Security.Cryptography;

namespace Tide.Engine.Artifacts;

/// <summary>
/// Content-addressed artifact storage on local disk: each tarball lives at
/// "&lt;kind&gt;/&lt;namespace&gt;/&lt;name&gt;/&lt;sha256-hex&gt;.tar.gz" under the root, so the path names the content
/// and a consumer can verify what it downloads. Files appear atomically (written aside, then renamed).
/// </summary>
public sealed class ArtifactStore
{
    private const string Extension = ".tar.gz";
    private readonly string _root;
    private readonly TimeProvider _time;

    public ArtifactStore(string root, TimeProvider time)
    {
        _root = Path.GetFullPath(root);
        _time = time;
        Directory.CreateDirectory(_root);
    }

    public string Root => _root;

    /// <summary>Stores what <paramref name="write"/> produces for <paramref name="owner"/>. Storing the same content
    /// again is a no-op apart from making it the owner's newest artifact.</summary>
    public async Task<StoredArtifact> PutAsync(
        ArtifactOwner owner, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var directory = LocalPath(owner.Directory);
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".tmp-{Guid.NewGuid():N}");
        try
        {
            byte[] hash;
            long size;
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            await using (var hashing = new HashingStream(file))
            {
                await write(hashing, cancellationToken);
                await hashing.FlushAsync(cancellationToken);
                (hash, size) = (hashing.Hash(), hashing.Length);
            }
            var hex = Convert.ToHexStringLower(hash);
            var path = $"{owner.Directory}/{hex}{Extension}";
            var final = LocalPath(path);
            if (File.Exists(final))
                File.Delete(temporary);
            else
                File.Move(temporary, final);
            // The modification time orders an owner's artifacts for garbage collection.
            File.SetLastWriteTimeUtc(final, _time.GetUtcNow().UtcDateTime);
            return new StoredArtifact(path, "sha256:" + hex, size);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    public bool Exists(string path) => File.Exists(LocalPath(path));

    public Stream Open(string path) =>
        new FileStream(LocalPath(path), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);

    /// <summary>Whether the file at <paramref name="path"/> still has the digest "sha256:&lt;hex&gt;".</summary>
    public async Task<bool> VerifyAsync(string path, string digest, CancellationToken cancellationToken)
    {
        if (!Exists(path))
            return false;
        await using var file = Open(path);
        var hash = await SHA256.HashDataAsync(file, cancellationToken);
        return digest == "sha256:" + Convert.ToHexStringLower(hash);
    }

    /// <summary>Deletes the owner's superseded artifacts that <paramref name="retention"/> no longer keeps (older than
    /// its TTL, or beyond its newest records); never the one at <paramref name="current"/>. Returns the paths removed.
    /// </summary>
    public IReadOnlyList<string> CollectGarbage(ArtifactOwner owner, ArtifactRetention retention, string? current)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retention.Records, 1);
        var directory = new DirectoryInfo(LocalPath(owner.Directory));
        if (!directory.Exists)
            return [];
        var expiredBefore = _time.GetUtcNow().UtcDateTime - retention.Ttl;
        var removed = new List<string>();
        var newestFirst = directory.EnumerateFiles("*" + Extension)
            .OrderByDescending(f => f.LastWriteTimeUtc)
            .ThenBy(f => f.Name, StringComparer.Ordinal)
            .Select((file, index) => (file, index));
        foreach (var (file, index) in newestFirst)
        {
            var path = $"{owner.Directory}/{file.Name}";
            if (path == current || (index < retention.Records && file.LastWriteTimeUtc >= expiredBefore))
                continue;
            file.Delete();
            removed.Add(path);
        }
        return removed;
    }

    /// <summary>Removes every artifact of an owner that was deleted.</summary>
    public void DeleteAll(ArtifactOwner owner)
    {
        var directory = LocalPath(owner.Directory);
        if (Directory.Exists(directory))
            Directory.Delete(directory, recursive: true);
    }

    /// <summary>The file behind a store path; a path that leaves the store root is refused.</summary>
    public string LocalPath(string path)
    {
        var full = Path.GetFullPath(Path.Combine(_root, path));
        if (Path.IsPathRooted(path) || !full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException($"artifact path '{path}' is outside the store", nameof(path));
        return full;
    }

    /// <summary>Counts and hashes what passes through, so the digest needs no second read of the file.</summary>
    private sealed class HashingStream(Stream inner) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _length;

        public byte[] Hash() => _hash.GetHashAndReset();

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _hash.AppendData(buffer);
            _length += buffer.Length;
            inner.Write(buffer);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _hash.AppendData(buffer.Span);
            _length += buffer.Length;
            await inner.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                _hash.Dispose();
            base.Dispose(disposing);
        }
    }
}
