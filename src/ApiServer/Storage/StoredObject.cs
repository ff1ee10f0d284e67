using System.Text.Json.Nodes;
using Tide.ApiServer.Serialization;

namespace Tide.ApiServer.Storage;

/// <summary>A committed object: its serialized bytes (immutable, shared by readers and watchers) and the metadata
/// that selectors, garbage collection and namespace deletion look at without parsing.</summary>
internal sealed record StoredObject(
    string Storage,
    string? Namespace,
    string Name,
    string ApiVersion,
    long ResourceVersion,
    byte[] Json,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<string> OwnerUids)
{
    public string Key => KeyOf(Namespace, Name);

    public JsonObject ToNode() => Serialization.Json.ParseObject(Json);

    public static string KeyOf(string? ns, string name) => string.IsNullOrEmpty(ns) ? name : ns + "/" + name;

    public static StoredObject From(string storage, JsonObject obj, byte[] json, long resourceVersion)
    {
        var metadata = obj["metadata"] as JsonObject;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (metadata?["labels"] is JsonObject l)
        {
            foreach (var (k, v) in l) labels[k] = v?.ToString() ?? "";
        }
        var owners = metadata?["ownerReferences"] is JsonArray refs
            ? refs.Select(r => r.Str("uid")).OfType<string>().ToArray()
            : [];
        var ns = metadata.Str("namespace");
        return new StoredObject(storage, string.IsNullOrEmpty(ns) ? null : ns, metadata.Str("name") ?? "",
            obj.Str("apiVersion") ?? "", resourceVersion, json, labels, owners);
    }
}
