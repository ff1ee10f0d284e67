namespace Tide.Engine.Sources.Bucket;

/// <summary>What <see cref="BucketFetcher"/> needs from an object storage API (S3, Azure Blob). Failures are
/// <see cref="BucketClientException"/>s.</summary>
public interface IBucketClient
{
    Task<bool> BucketExistsAsync(string bucket, CancellationToken cancellationToken);

    /// <summary>Every object under the prefix, all pages, with the ETag the revision is computed from.</summary>
    Task<IReadOnlyList<BucketObject>> ListObjectsAsync(string bucket, string? prefix, CancellationToken cancellationToken);

    /// <summary>Writes an object to <paramref name="destination"/> and returns its ETag (in the form listing gives
    /// it), or null when the object does not exist.</summary>
    Task<string?> GetObjectAsync(string bucket, string key, Stream destination, CancellationToken cancellationToken);
}
