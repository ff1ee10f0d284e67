using System.Globalization;
using System.Text.Json.Nodes;

namespace Tide.ApiServer.Patching;

/// <summary>RFC 6902 JSON patch (application/json-patch+json): add, remove, replace, move, copy, test.</summary>
public static class JsonPatch
{
    /// <summary>Applies the operations in order to a copy of <paramref name="target"/>. A malformed operation is a
    /// BadRequest; an operation that does not fit the document (missing path, failed test) is Invalid.</summary>
    public static JsonNode Apply(JsonNode target, JsonArray operations)
    {
        JsonNode? document = target.DeepClone();
        for (var i = 0; i < operations.Count; i++)
        {
            if (operations[i] is not JsonObject operation)
                throw new PatchException($"JSON patch operation {i} is not an object", badRequest: true);
            document = ApplyOperation(document, operation, i);
        }
        return document ?? throw new PatchException("the JSON patch replaced the whole document with null");
    }

    private static JsonNode? ApplyOperation(JsonNode? document, JsonObject operation, int index)
    {
        var op = RequiredString(operation, "op", index);
        var path = JsonPointer.Parse(RequiredString(operation, "path", index));
        switch (op)
        {
            case "add":
                return Add(document, path, RequiredValue(operation, index)?.DeepClone(), op);
            case "remove":
                Remove(document, path, op);
                return document;
            case "replace":
                return Replace(document, path, RequiredValue(operation, index)?.DeepClone());
            case "move":
            {
                var from = JsonPointer.Parse(RequiredString(operation, "from", index));
                if (from.Tokens.SequenceEqual(path.Tokens))
                    return document;
                if (from.IsProperPrefixOf(path))
                    throw new PatchException($"move operation does not apply: \"{from.Text}\" cannot be moved into its own child \"{path.Text}\"");
                var value = Get(document, from, op);
                Remove(document, from, op);
                return Add(document, path, value, op);
            }
            case "copy":
            {
                var from = JsonPointer.Parse(RequiredString(operation, "from", index));
                return Add(document, path, Get(document, from, op)?.DeepClone(), op);
            }
            case "test":
                Test(document, path, RequiredValue(operation, index));
                return document;
            default:
                throw new PatchException($"JSON patch operation {index} has unknown op \"{op}\"", badRequest: true);
        }
    }

    private static JsonNode? Add(JsonNode? document, JsonPointer path, JsonNode? value, string op)
    {
        if (path.IsRoot)
            return value;
        switch (Parent(document, path, op))
        {
            case JsonObject parent:
                parent[path.Last] = value;
                break;
            case JsonArray parent when path.Last == "-":
                parent.Add(value);
                break;
            case JsonArray parent:
                parent.Insert(Index(parent, path, op, allowEnd: true), value);
                break;
            default:
                throw Missing(op, path);
        }
        return document;
    }

    private static void Remove(JsonNode? document, JsonPointer path, string op)
    {
        if (path.IsRoot)
            throw new PatchException($"{op} operation does not apply: the document root cannot be removed");
        switch (Parent(document, path, op))
        {
            case JsonObject parent when parent.ContainsKey(path.Last):
                parent.Remove(path.Last);
                break;
            case JsonArray parent:
                parent.RemoveAt(Index(parent, path, op, allowEnd: false));
                break;
            default:
                throw Missing(op, path);
        }
    }

    private static JsonNode? Replace(JsonNode? document, JsonPointer path, JsonNode? value)
    {
        if (path.IsRoot)
            return value;
        switch (Parent(document, path, "replace"))
        {
            case JsonObject parent when parent.ContainsKey(path.Last):
                parent[path.Last] = value;
                break;
            case JsonArray parent:
                parent[Index(parent, path, "replace", allowEnd: false)] = value;
                break;
            default:
                throw Missing("replace", path);
        }
        return document;
    }

    private static void Test(JsonNode? document, JsonPointer path, JsonNode? expected)
    {
        // A missing location tests equal to null, as in the json-patch library Kubernetes uses.
        var actual = TryGet(document, path.Tokens, out var found);
        if (!found && expected is null)
            return;
        if (!found || !JsonNode.DeepEquals(actual, expected))
            throw new PatchException($"test operation failed: the value at \"{path.Text}\" is not {expected?.ToJsonString() ?? "null"}");
    }

    private static JsonNode? Get(JsonNode? document, JsonPointer path, string op)
    {
        var value = TryGet(document, path.Tokens, out var found);
        return found ? value : throw Missing(op, path);
    }

    private static JsonNode? Parent(JsonNode? document, JsonPointer path, string op)
    {
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
                case JsonArray array when ParseIndex(token) is { } i && i < array.Count:
                    node = array[i];
                    break;
                default:
                    found = false;
                    return null;
            }
        }
        found = true;
        return node;
    }

    private static int Index(JsonArray array, JsonPointer path, string op, bool allowEnd)
    {
        var index = ParseIndex(path.Last)
            ?? throw new PatchException($"{op} operation does not apply: \"{path.Last}\" in \"{path.Text}\" is not an array index");
        var limit = allowEnd ? array.Count : array.Count - 1;
        return index <= limit
            ? index
            : throw new PatchException($"{op} operation does not apply: index {index} in \"{path.Text}\" is out of bounds (array length {array.Count})");
    }

    /// <summary>RFC 6901 array indexes: "0" or digits without a leading zero.</summary>
    private static int? ParseIndex(string token) =>
        token.Length > 0 && token.All(char.IsAsciiDigit) && (token.Length == 1 || token[0] != '0')
            && int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? index
            : null;

    private static PatchException Missing(string op, JsonPointer path) =>
        new($"{op} operation does not apply: doc is missing path: \"{path.Text}\"");

    private static string RequiredString(JsonObject operation, string member, int index) =>
        operation[member] is JsonValue value && value.TryGetValue<string>(out var text)
            ? text
            : throw new PatchException($"JSON patch operation {index} has no string \"{member}\"", badRequest: true);

    private static JsonNode? RequiredValue(JsonObject operation, int index) =>
        operation.TryGetPropertyValue("value", out var value)
            ? value
            : throw new PatchException($"JSON patch operation {index} has no \"value\"", badRequest: true);
}
