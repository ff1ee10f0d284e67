using Tide.Engine.Artifacts;
using Tide.Engine.Sources.Ignore;

namespace Tide.Engine.Sources.Bucket;

/// <summary>
/// Fetches a bucket the way source-controller does: index the objects under the prefix by ETag (leaving out
/// "directory" keys, the root .sourceignore and whatever it and spec.ignore exclude; no default patterns), then
/// download the indexed objects into a directory. Keys that would leave the directory are refused, and the total
/// size and count are capped like archives.
/// </summary>
public static class BucketFetcher
{
    private const string FailureReason = Api.Bucket.OperationFailedReason;

    /// <summary>Builds the index; the bucket's .sourceignore (if any) is downloaded into <paramref name="directory"/>
    /// as source-controller does, so it ends up in the artifact.</summary>
    public static async Task<EtagIndex> IndexAsync(
        IBucketClient client, string bucket, string? prefix, string? specIgnore, string directory, CancellationToken cancellationToken)
    {
        bool exists;
        try
        {
            exists = await client.BucketExistsAsync(bucket, cancellationToken);
        }
        catch (BucketClientException e)
        {
            throw new SourceFetchException(FailureReason, $"failed to confirm existence of '{bucket}' bucket: {e.Message}", inner: e);
        }
        if (!exists)
            throw new SourceFetchException(FailureReason, $"bucket '{bucket}' not found");

        Directory.CreateDirectory(directory);
        var ignoreFile = Path.Combine(directory, SourceIgnore.FileName);
        try
        {
            string? etag;
            await using (var file = new FileStream(ignoreFile, FileMode.Create, FileAccess.Write))
                etag = await client.GetObjectAsync(bucket, SourceIgnore.FileName, file, cancellationToken);
            if (etag is null)
                File.Delete(ignoreFile);
        }
        catch (BucketClientException e)
        {
            throw new SourceFetchException(FailureReason, $"failed to get Etag for '{SourceIgnore.FileName}' object: {e.Message}", inner: e);
        }
        var patterns = new List<IgnorePattern>();
        if (File.Exists(ignoreFile))
            patterns.AddRange(SourceIgnore.ParseLines(await File.ReadAllTextAsync(ignoreFile, cancellationToken), []));
        if (specIgnore is not null)
            patterns.AddRange(SourceIgnore.ParseLines(specIgnore, []));
        var matcher = new IgnoreMatcher(patterns);

        IReadOnlyList<BucketObject> objects;
        try
        {
            objects = await client.ListObjectsAsync(bucket, prefix, cancellationToken);
        }
        catch (BucketClientException e)
        {
            throw new SourceFetchException(FailureReason, $"indexation of objects from bucket '{bucket}' failed: {e.Message}", inner: e);
        }
        var index = new EtagIndex();
        foreach (var o in objects)
        {
            if (o.Key.EndsWith('/') || o.Key == SourceIgnore.FileName || matcher.IsExcluded(o.Key, isDirectory: false))
                continue;
            index.Add(o.Key, o.ETag);
        }
        return index;
    }

    /// <summary>Downloads every indexed object to its key under <paramref name="directory"/> and returns the count.
    /// As in source-controller, the index follows what was actually fetched: an object whose ETag changed meanwhile
    /// is indexed with the new one, and one that disappeared leaves the index.</summary>
    public static async Task<int> DownloadAsync(
        IBucketClient client, string bucket, EtagIndex index, string directory, UnpackLimits limits, CancellationToken cancellationToken)
    {
        var failure = $"fetch from bucket '{bucket}' failed";
        if (index.Count > limits.MaxEntries)
            throw new SourceFetchException(FailureReason, $"{failure}: more than {limits.MaxEntries} objects to fetch");
        var root = Path.GetFullPath(directory);
        long total = 0;
        foreach (var (key, etag) in index.Entries.ToList())
        {
            var path = SafePath(root, key);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            string? served;
            try
            {
                await using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
                served = await client.GetObjectAsync(bucket, key, file, cancellationToken);
                total += file.Length;
            }
            catch (BucketClientException e)
            {
                throw new SourceFetchException(FailureReason, $"{failure}: failed to get '{key}' object: {e.Message}", inner: e);
            }
            if (served is null)
            {
                File.Delete(path);
                index.Remove(key);
            }
            else if (served != etag)
            {
                index.Add(key, served);
            }
            if (total > limits.MaxTotalBytes)
                throw new SourceFetchException(FailureReason, $"{failure}: objects exceed {limits.MaxTotalBytes} bytes");
        }
        return index.Count;
    }

    /// <summary>The file for a key; a key with '..' segments or a leading '/' would leave the directory.</summary>
    private static string SafePath(string root, string key)
    {
        var segments = key.Split('/');
        var full = Path.GetFullPath(Path.Combine(root, Path.Combine(segments)));
        if (key.StartsWith('/') || segments.Any(s => s is ".." or "." or "") ||
            !full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new SourceFetchException(FailureReason, $"refusing object key '{key}': it does not name a path inside the artifact");
        return full;
    }
}
