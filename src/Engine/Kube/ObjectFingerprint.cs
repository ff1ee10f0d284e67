using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Tide.Engine.Kube;

/// <summary>
/// A hash of what a user can change in an object: everything but status and server-maintained metadata. Two reads
/// of an object with the same fingerprint hold the same desired state, whoever wrote it and however often.
/// </summary>
public static class ObjectFingerprint
{
    /// <summary>The fingerprint of an object that is gone.</summary>
    public const string Deleted = "";

    private static readonly string[] ServerMetadata = ["resourceVersion", "managedFields", "generation", "uid", "creationTimestamp"];

    public static string Of(JsonObject obj)
    {
        var copy = obj.DeepClone().AsObject();
        copy.Remove("status");
        if (copy["metadata"] is JsonObject metadata)
        {
            foreach (var field in ServerMetadata)
                metadata.Remove(field);
        }
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(copy.ToJsonString())));
    }
}
