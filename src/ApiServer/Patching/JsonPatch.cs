using System.Globalization;
using System.Text.Json.Nodes;

namespace Tide.ApiServer.Patching;

/// <summary>RFC 6902 JSON patch (application/json-patch+json): add, remove, replace, move, copy, test.</summary>
/// <remarks>Behaves like the json-patch library (v4) the Kubernetes API server uses, where it is more lenient than
/// the RFC: array indexes may be negative (counted from the end; for add, -1 appends), "replace" of a missing object
/// member adds it, a missing "value" is null, and "test" of a missing location against null passes. An operation that
/// is not an object is a malformed request (400); every other failure makes the patch Invalid (422).</remarks>
public static class JsonPatch
{
    /// <summary>Applies the operations in order to a copy of <paramref name="target"/>.</summary>
    public static JsonNode Apply(JsonNode target, JsonArray operations)
    {
        var document = target.DeepClone();
        for (var i = 0; i < operations.Count; i++)
        {
            if (operations[i] is not JsonObject operation)
                throw new PatchException($"JSON patch operation {i} is not an object", badRequest: true);
            ApplyOperation(document, operation);
        }
        return document;
    }

    private static void ApplyOperation(JsonNode document, JsonObject operation)
    {
        var op = (operation["op"] as JsonValue)?.TryGetValue<string>(out var name) == true ? name : "unknown";
        switch (op)
        {
            case "add":
                Add(document, Path(operation, "path", op), operation["value"]?.DeepClone(), op);
                break;
            case "remove":
                Remove(document, Path(operation, "path", op), op);
                break;
            case "replace":
                Replace(document, Path(operation, "path", op), operation["value"]?.DeepClone());
                break;
            case "move":
            {
                var from = Path(operation, "from", op);
                var path = Path(operation, "path", op);
                var value = Get(document, from, op);
                Remove(document, from, op);
                Add(document, path, value, op);
                break;
            }
            case "copy":
            {
                var value = Get(document, Path(operation, "from", op), op);
                Add(document, Path(operation, "path", op), value?.DeepClone(), op);
                break;
            }
            case "test":
                Test(document, Path(operation, "path", op), operation["value"]);
                break;
            default:
                throw new PatchException($"Unexpected kind: {op}");
        }
    }

    private static void Add(JsonNode document, JsonPointer path, JsonNode? value, string op)
    {
        switch (Parent(document, path, op))
        {
            case JsonObject parent:
                parent[path.Last] = value;
                break;
            case JsonArray parent when path.Last == "-":
                parent.Add(value);
                break;
            case JsonArray parent:
                // One past the end is valid for add, so negative indexes count from there: -1 appends.
                parent.Insert(Index(parent, path, op, parent.Count + 1), value);
                break;
            default:
                throw Missing(op, path);
        }
    }

    private static void Remove(JsonNode document, JsonPointer path, string op)
    {
        switch (Parent(document, path, op))
        {
            case JsonObject parent when parent.ContainsKey(path.Last):
                parent.Remove(path.Last);
                break;
            case JsonObject:
                throw new PatchException($"error in {op} for path: '{path.Text}': Unable to remove nonexistent key: {path.Last}: missing value");
            case JsonArray parent:
                parent.RemoveAt(Index(parent, path, op, parent.Count));
                break;
            default:
                throw Missing(op, path);
        }
    }

    private static void Replace(JsonNode document, JsonPointer path, JsonNode? value)
    {
        switch (Parent(document, path, "replace"))
        {
            case JsonObject parent:
                parent[path.Last] = value;
                break;
            case JsonArray parent:
                parent[Index(parent, path, "replace", parent.Count)] = value;
                break;
            default:
                throw Missing("replace", path);
        }
    }

    private static void Test(JsonNode document, JsonPointer path, JsonNode? expected)
    {
        var actual = TryGet(document, path.Tokens, out var found);
        if (!found && expected is null)
            return;
        if (!found || !JsonNode.DeepEquals(actual, expected))
            throw new PatchException($"testing value {path.Text} failed: test failed");
    }

    private static JsonNode? Get(JsonNode document, JsonPointer path, string op)
    {
        var value = TryGet(document, path.Tokens, out var found);
        return found ? value : throw Missing(op, path);
    }

    /// <summary>The container the pointer's last token addresses; the document root itself cannot be the target.</summary>
    private static JsonNode? Parent(JsonNode document, JsonPointer path, string op)
    {
        if (path.IsRoot)
            throw Missing(op, path);
        var parent = TryGet(document, path.Parent, out var found);
        return found ? parent : throw Missing(op, path);
    }

    private static JsonNode? TryGet(JsonNode? node, IEnumerable<string> tokens, out bool found)
    {
        foreach (var token in tokens)
        {
            switch (node)
            {
                case JsonObject obj when obj.TryGetPropertyValue(token, out var child):
                    node = child;
                    break;
                case JsonArray array when ParseIndex(token) is { } i && i >= -array.Count && i < array.Count:
                    node = array[i < 0 ? i + array.Count : i];
                    break;
                default:
                    found = false;
                    return null;
            }
        }
        found = true;
        return node;
    }

    /// <summary>The array position of the pointer's last token, which must lie in [-count, count).</summary>
    private static int Index(JsonArray array, JsonPointer path, string op, int count)
    {
        var index = ParseIndex(path.Last)
            ?? throw new PatchException($"error in {op} for path: '{path.Text}': \"{path.Last}\" is not an array index");
        if (index < -count || index >= count)
            throw new PatchException($"error in {op} for path: '{path.Text}': Unable to access invalid index: {index}: invalid index referenced (array length {array.Count})");
        return index < 0 ? index + count : index;
    }

    /// <summary>Indexes as Go's strconv.Atoi reads them (sign and leading zeros allowed), as the library does.</summary>
    private static int? ParseIndex(string token) =>
        int.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index) ? index : null;

    private static PatchException Missing(string op, JsonPointer path) =>
        new($"{op} operation does not apply: doc is missing path: \"{path.Text}\"");

    private static JsonPointer Path(JsonObject operation, string member, string op) =>
        operation[member] is JsonValue value && value.TryGetValue<string>(out var text)
            ? JsonPointer.Parse(text)
            : throw new PatchException($"{op} operation missing {member} field");
}
