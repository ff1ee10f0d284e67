using System.Text;
using System.Text.Json.Nodes;

namespace Tide.ApiServer.Serialization;

/// <summary>Reads the Kubernetes protobuf encoding ("k8s\0" + runtime.Unknown) of the few kinds kubectl's typed
/// subcommands send that way (`create` of a namespace, configmap, secret, serviceaccount or deployment, `run` (a
/// Pod; see <see cref="ProtobufWorkloads"/>); the access reviews of `auth can-i`); client-go's typed clients always
/// write protobuf and do not fall back to JSON. Other kinds return null (the server answers 415).</summary>
internal static class KubeProtobuf
{
    private static readonly byte[] Magic = "k8s\0"u8.ToArray();

    public static JsonObject? Decode(byte[] body)
    {
        if (body.Length < 4 || !body.AsSpan(0, 4).SequenceEqual(Magic)) return null;
        string? apiVersion = null, kind = null;
        byte[]? raw = null;
        foreach (var (field, value) in Fields(body.AsMemory(4)))
        {
            if (field == 1)
            {
                foreach (var (f, v) in Fields(value.Bytes))
                {
                    if (f == 1) apiVersion = v.Text;
                    else if (f == 2) kind = v.Text;
                }
            }
            else if (field == 2)
            {
                raw = value.Bytes.ToArray();
            }
        }
        if (raw is null) return null;
        if (apiVersion == "authorization.k8s.io/v1" && kind is "SelfSubjectAccessReview" or "SubjectAccessReview" or "SelfSubjectRulesReview")
        {
            return AccessReview(apiVersion, kind, raw);
        }
        if (apiVersion is not null && kind is not null && ProtobufWorkloads.Decode(apiVersion, kind, raw) is { } workload)
            return workload;
        if (apiVersion != "v1") return null;
        var obj = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind };
        foreach (var (field, value) in Fields(raw))
        {
            switch (kind, field)
            {
                case (_, 1):
                    obj["metadata"] = ObjectMeta(value.Bytes);
                    break;
                case ("Namespace", 2):
                    obj["spec"] = new JsonObject
                    {
                        ["finalizers"] = new JsonArray(Fields(value.Bytes).Where(f => f.Field == 1).Select(f => (JsonNode)f.Value.Text).ToArray()),
                    };
                    break;
                case ("ConfigMap", 2):
                    Map(obj, "data", value.Bytes, base64: false);
                    break;
                case ("ConfigMap", 3) or ("Secret", 2):
                    Map(obj, kind == "Secret" ? "data" : "binaryData", value.Bytes, base64: true);
                    break;
                case ("ConfigMap", 4) or ("Secret", 5):
                    obj["immutable"] = value.Number != 0;
                    break;
                case ("Secret", 3):
                    if (value.Bytes.Length > 0) obj["type"] = value.Text;
                    break;
                case ("Secret", 4):
                    Map(obj, "stringData", value.Bytes, base64: false);
                    break;
                case ("ServiceAccount", 4):
                    obj["automountServiceAccountToken"] = value.Number != 0;
                    break;
                case ("Namespace" or "ConfigMap" or "Secret" or "ServiceAccount", _):
                    break;
                default:
                    return null;
            }
        }
        return kind is "Namespace" or "ConfigMap" or "Secret" or "ServiceAccount" ? obj : null;
    }

    /// <summary>A (Self)SubjectAccessReview: metadata = 1, spec = 2 with resourceAttributes = 1 (namespace, verb,
    /// group, version, resource, subresource, name = 1..7), nonResourceAttributes = 2 (path, verb = 1, 2) and, for a
    /// SubjectAccessReview, user = 3 and groups = 4. A SelfSubjectRulesReview's spec has only namespace = 1.</summary>
    private static JsonObject AccessReview(string apiVersion, string kind, byte[] raw)
    {
        var obj = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind };
        foreach (var (field, value) in Fields(raw))
        {
            if (field == 1) obj["metadata"] = ObjectMeta(value.Bytes);
            else if (field == 2) obj["spec"] = kind == "SelfSubjectRulesReview" ? Strings(value.Bytes, "namespace") : AccessReviewSpec(value.Bytes);
        }
        return obj;
    }

    private static JsonObject AccessReviewSpec(ReadOnlyMemory<byte> bytes)
    {
        var spec = new JsonObject();
        foreach (var (field, value) in Fields(bytes))
        {
            switch (field)
            {
                case 1:
                    spec["resourceAttributes"] = Strings(value.Bytes, "namespace", "verb", "group", "version", "resource", "subresource", "name");
                    break;
                case 2:
                    spec["nonResourceAttributes"] = Strings(value.Bytes, "path", "verb");
                    break;
                case 3:
                    spec["user"] = value.Text;
                    break;
                case 4:
                    if (spec["groups"] is not JsonArray groups) spec["groups"] = groups = [];
                    groups.Add(value.Text);
                    break;
            }
        }
        return spec;
    }

    /// <summary>A message of string fields 1..n, named in order; empty ones are left out.</summary>
    private static JsonObject Strings(ReadOnlyMemory<byte> bytes, params string[] names)
    {
        var result = new JsonObject();
        foreach (var (field, value) in Fields(bytes))
        {
            if (field >= 1 && field <= names.Length && value.Bytes.Length > 0) result[names[field - 1]] = value.Text;
        }
        return result;
    }

    internal static JsonObject ObjectMeta(ReadOnlyMemory<byte> bytes)
    {
        var meta = new JsonObject();
        // gogo-protobuf writes optional strings even when empty: an empty string means unset.
        foreach (var (field, value) in Fields(bytes).Where(f => f.Field is not (1 or 2 or 3) || f.Value.Bytes.Length > 0))
        {
            switch (field)
            {
                case 1: meta["name"] = value.Text; break;
                case 2: meta["generateName"] = value.Text; break;
                case 3: meta["namespace"] = value.Text; break;
                case 11: Map(meta, "labels", value.Bytes, base64: false); break;
                case 12: Map(meta, "annotations", value.Bytes, base64: false); break;
                case 14:
                    if (meta["finalizers"] is not JsonArray finalizers) meta["finalizers"] = finalizers = [];
                    finalizers.Add(value.Text);
                    break;
            }
        }
        return meta;
    }

    /// <summary>A map field is a repeated entry message {1: key, 2: value}; each occurrence adds one pair.</summary>
    internal static void Map(JsonObject parent, string name, ReadOnlyMemory<byte> entry, bool base64)
    {
        if (parent[name] is not JsonObject map) parent[name] = map = [];
        string key = "", text = "";
        byte[] bytes = [];
        foreach (var (field, value) in Fields(entry))
        {
            if (field == 1) key = value.Text;
            else if (field == 2) (text, bytes) = (value.Text, value.Bytes.ToArray());
        }
        map[key] = base64 ? Convert.ToBase64String(bytes) : text;
    }

    internal readonly record struct Value(ReadOnlyMemory<byte> Bytes, ulong Number)
    {
        public string Text => Encoding.UTF8.GetString(Bytes.Span);
    }

    internal static IEnumerable<(int Field, Value Value)> Fields(ReadOnlyMemory<byte> data)
    {
        var position = 0;
        while (position < data.Length)
        {
            var tag = Varint(data.Span, ref position);
            var field = (int)(tag >> 3);
            switch (tag & 7)
            {
                case 0:
                    yield return (field, new Value(ReadOnlyMemory<byte>.Empty, Varint(data.Span, ref position)));
                    break;
                case 2:
                    var length = (int)Varint(data.Span, ref position);
                    yield return (field, new Value(data.Slice(position, length), 0));
                    position += length;
                    break;
                case 1:
                    position += 8;
                    break;
                case 5:
                    position += 4;
                    break;
                default:
                    throw new FormatException("unsupported protobuf wire type");
            }
        }
    }

    private static ulong Varint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = data[position++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw new FormatException("malformed varint");
    }
}
