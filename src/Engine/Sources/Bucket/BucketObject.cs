namespace Tide.Engine.Sources.Bucket;

/// <summary>An object listed in a bucket: its key and its ETag without the surrounding quotes.</summary>
public sealed record BucketObject(string Key, string ETag);
