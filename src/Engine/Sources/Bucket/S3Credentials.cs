namespace Tide.Engine.Sources.Bucket;

/// <summary>An access key pair for an S3-compatible API, as a Bucket's secretRef holds it (keys 'accesskey' and
/// 'secretkey').</summary>
public sealed record S3Credentials(string AccessKey, string SecretKey)
{
    public const string AccessKeyField = "accesskey";
    public const string SecretKeyField = "secretkey";

    /// <summary>The pair from a Secret's data, or null when either key is missing.</summary>
    public static S3Credentials? FromSecretData(IReadOnlyDictionary<string, byte[]> data) =>
        data.TryGetValue(AccessKeyField, out var accessKey) && data.TryGetValue(SecretKeyField, out var secretKey)
            ? new S3Credentials(System.Text.Encoding.UTF8.GetString(accessKey), System.Text.Encoding.UTF8.GetString(secretKey))
            : null;
}
