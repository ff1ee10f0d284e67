using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tide.ApiServer.Patching;

/// <summary>Strategic merge patch (application/strategic-merge-patch+json) with Kubernetes' merge keys for built-in kinds.
/// Custom resources are not strategic-merge patchable: the core answers 415 for them and never calls this.</summary>
/// <remarks>Follows apimachinery's strategicpatch as the API server runs it (parallel deletion lists merged, nulls
/// that match nothing ignored): maps merge; lists tagged patchStrategy=merge merge by their merge key (scalars as a
/// set), other lists are replaced; <c>$patch: replace|delete</c> on a map or as a list item,
/// <c>$retainKeys</c>, <c>$setElementOrder/&lt;list&gt;</c> and <c>$deleteFromPrimitiveList/&lt;list&gt;</c> directives.
/// Every failure is a malformed patch (400).</remarks>
public static class StrategicMergePatch
{
    private const string Directive = "$patch";
    private const string RetainKeys = "$retainKeys";
    private const string SetElementOrderPrefix = "$setElementOrder/";
    private const string DeleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList/";

    /// <summary>Returns the patched object; neither argument is modified.</summary>
    public static JsonObject Apply(JsonObject original, JsonObject patch, string apiVersion, string kind) =>
        Apply(original, patch, BuiltInSchemas.For(apiVersion, kind));

    internal static JsonObject Apply(JsonObject original, JsonObject patch, ValueSchema schema) =>
        MergeObject((JsonObject)original.DeepClone(), patch, schema);

    /// <summary>Merges <paramref name="patch"/> into <paramref name="original"/>, which this call owns and may change.</summary>
    private static JsonObject MergeObject(JsonObject original, JsonObject patch, ValueSchema schema)
    {
        if (patch.TryGetPropertyValue(Directive, out var directive))
            return DirectiveOnMap(directive, patch, schema);

        ApplyRetainKeys(original, patch);
        var ordered = ApplySetElementOrders(original, patch, schema);

        foreach (var (key, patchValue) in patch)
        {
            if (key == RetainKeys || key.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal) || ordered.Contains(key))
                continue;
            if (key.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal))
            {
                DeleteFromPrimitiveList(original, key[DeleteFromPrimitiveListPrefix.Length..], patchValue);
                continue;
            }
            if (patchValue is null)
            {
                original.Remove(key);
                continue;
            }
            var field = schema.Field(key);
            original.TryGetPropertyValue(key, out var originalValue);
            original[key] = (originalValue, patchValue) switch
            {
                (JsonObject o, JsonObject p) => MergeObject(Detach(original, key, o), p, field),
                (JsonArray o, JsonArray p) when field.PatchMerge => MergeList(Detach(original, key, o), p, field, key),
                _ => Fresh(patchValue, field, key),
            };
        }
        return original;
    }

    /// <summary>A patch value with no original counterpart: its own directives still apply (against nothing), so that
    /// no "$patch" or "$setElementOrder" key ends up stored in the object.</summary>
    private static JsonNode? Fresh(JsonNode patchValue, ValueSchema schema, string key) => patchValue switch
    {
        JsonObject p => MergeObject([], p, schema),
        JsonArray p when schema.PatchMerge => MergeList([], p, schema, key),
        _ => patchValue.DeepClone(),
    };

    private static JsonObject DirectiveOnMap(JsonNode? directive, JsonObject patch, ValueSchema schema)
    {
        switch (DirectiveName(directive))
        {
            case "replace":
                var replacement = new JsonObject();
                foreach (var (key, value) in patch)
                    if (key != Directive)
                        replacement[key] = value?.DeepClone();
                return MergeObject([], replacement, schema);
            case "delete":
                return [];
            default:
                throw Malformed($"unknown patch type: {directive?.ToJsonString()} in map: {patch.ToJsonString()}");
        }
    }

    /// <summary>$retainKeys: original keys not listed go; every key the patch sets must be listed.</summary>
    private static void ApplyRetainKeys(JsonObject original, JsonObject patch)
    {
        if (!patch.TryGetPropertyValue(RetainKeys, out var retain))
            return;
        if (retain is not JsonArray list || list.Any(item => item?.GetValueKind() != JsonValueKind.String))
            throw Malformed("invalid patch: $retainKeys must be a list of strings");
        var keep = list.Select(item => item!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, value) in patch)
        {
            if (value is null || key.StartsWith('$'))
                continue;
            if (!keep.Contains(key))
                throw Malformed($"invalid patch: \"{key}\" is set but not listed in $retainKeys");
        }
        foreach (var key in original.Select(member => member.Key).Where(key => !keep.Contains(key)).ToList())
            original.Remove(key);
    }

    private static void DeleteFromPrimitiveList(JsonObject original, string key, JsonNode? toDelete)
    {
        if (toDelete is not JsonArray deletions)
            throw Malformed($"invalid patch: {DeleteFromPrimitiveListPrefix}{key} must be a list");
        if (original[key] is not JsonArray list)
            return;
        var kept = list.Where(item => !deletions.Any(d => JsonNode.DeepEquals(d, item))).Select(item => item?.DeepClone());
        original[key] = new JsonArray([.. kept]);
    }

    /// <summary>$setElementOrder/&lt;list&gt;: merges the list (if patched) and orders the result: listed items in the
    /// directive's order, other live items where they were. Returns the lists it handled.</summary>
    private static HashSet<string> ApplySetElementOrders(JsonObject original, JsonObject patch, ValueSchema schema)
    {
        var handled = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (directiveKey, orderValue) in patch)
        {
            if (!directiveKey.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal))
                continue;
            var key = directiveKey[SetElementOrderPrefix.Length..];
            if (orderValue is not JsonArray order)
                throw Malformed($"invalid patch: {directiveKey} must be a list");
            var field = schema.Field(key);
            var originalList = original[key] as JsonArray;
            var patchList = patch[key] as JsonArray;
            if (original[key] is not (null or JsonArray) || patch[key] is not (null or JsonArray))
                throw Malformed($"invalid patch: {key} must be a list to use {directiveKey}");
            ValidateOrder(patchList, order, field.PatchMergeKey, directiveKey);
            if (originalList is null && patchList is null)
                continue;
            var serverOrder = originalList?.ToList() ?? [];
            var merged = patchList is null
                ? Detach(original, key, originalList!)
                : originalList is null
                    ? Fresh(patchList, field, key) as JsonArray ?? []
                    : field.PatchMerge
                        ? MergeList(Detach(original, key, originalList), patchList, field, key)
                        : (JsonArray)patchList.DeepClone();
            var items = merged.ToList();
            merged.Clear();
            var orderItems = order.ToList();
            var inOrder = items.Where(item => IndexIn(orderItems, item, field.PatchMergeKey) >= 0).ToList();
            var serverOnly = items.Where(item => IndexIn(orderItems, item, field.PatchMergeKey) < 0).ToList();
            original[key] = new JsonArray([.. Interleave(serverOnly, inOrder, orderItems, serverOrder, field.PatchMergeKey)]);
            handled.Add(key);
        }
        return handled;
    }

    /// <summary>The patch list's items (deletions aside) must appear in the order list, in the same relative order.</summary>
    private static void ValidateOrder(JsonArray? patchList, JsonArray order, string? mergeKey, string directiveKey)
    {
        if (patchList is null || patchList.Count == 0 || order.Count == 0)
            return;
        var patchItems = patchList.Where(item => mergeKey is null || item is not JsonObject o || !o.ContainsKey(Directive)).ToList();
        var position = 0;
        foreach (var orderItem in order)
            if (position < patchItems.Count && SameIdentity(patchItems[position], orderItem, mergeKey))
                position++;
        if (position < patchItems.Count)
            throw Malformed($"invalid patch: the order in patch list {patchList.ToJsonString()} doesn't match {directiveKey} list {order.ToJsonString()}");
    }

    /// <summary>Merges a patchStrategy=merge list: objects by merge key (honouring $patch items), scalars as a set.
    /// Items named by the patch come in the patch's order, interleaved with the remaining live items.</summary>
    private static JsonArray MergeList(JsonArray original, JsonArray patch, ValueSchema schema, string key)
    {
        if (original.Count == 0 && patch.Count == 0)
            return original;
        var elementKind = ElementKind(original, patch, key);
        var mergeKey = elementKind == JsonValueKind.Object ? schema.PatchMergeKey : null;
        var items = original.ToList();
        original.Clear();
        List<JsonNode?> merged;
        List<JsonNode?> patchItems;
        if (elementKind != JsonValueKind.Object)
        {
            patchItems = [.. patch];
            merged = [];
            foreach (var item in items.Concat(patch))
                if (!merged.Any(existing => JsonNode.DeepEquals(existing, item)))
                    merged.Add(item?.DeepClone());
        }
        else
        {
            if (mergeKey is null)
                throw Malformed($"cannot merge lists without merge key for {key}");
            (items, patchItems) = ApplyListDirectives(items, patch, mergeKey, schema.Items);
            merged = [.. items];
            foreach (var patchItem in patchItems.Cast<JsonObject>())
            {
                var keyValue = patchItem[mergeKey];
                var index = merged.FindIndex(item => item is JsonObject o && o.ContainsKey(mergeKey) && JsonNode.DeepEquals(o[mergeKey], keyValue));
                if (index >= 0)
                    merged[index] = MergeObject((JsonObject)merged[index]!, patchItem, schema.Items);
                else
                    merged.Add(MergeObject([], patchItem, schema.Items));
            }
        }
        var inPatch = merged.Where(item => IndexIn(patchItems, item, mergeKey) >= 0).ToList();
        var serverOnly = merged.Where(item => IndexIn(patchItems, item, mergeKey) < 0).ToList();
        return new JsonArray([.. Interleave(serverOnly, inPatch, patchItems, items, mergeKey)]);
    }

    /// <summary>List items carrying $patch: delete removes the live items with that key; replace makes the other
    /// patch items the whole list; merge is not supported by Kubernetes either. Returns the live items left and the
    /// patch items still to merge.</summary>
    private static (List<JsonNode?> Items, List<JsonNode?> PatchItems) ApplyListDirectives(
        List<JsonNode?> items, JsonArray patch, string mergeKey, ValueSchema itemSchema)
    {
        var plain = new List<JsonNode?>();
        var replace = false;
        foreach (var item in patch)
        {
            var patchItem = (JsonObject)item!;
            if (!patchItem.TryGetPropertyValue(Directive, out var directive))
            {
                if (!patchItem.ContainsKey(mergeKey))
                    throw Malformed($"map: {patchItem.ToJsonString()} does not contain declared merge key: {mergeKey}");
                plain.Add(patchItem);
                continue;
            }
            switch (DirectiveName(directive))
            {
                case "delete":
                    if (!patchItem.TryGetPropertyValue(mergeKey, out var keyValue))
                        throw Malformed($"map: {patchItem.ToJsonString()} does not contain declared merge key: {mergeKey}");
                    items.RemoveAll(existing => existing is JsonObject o && o.ContainsKey(mergeKey) && JsonNode.DeepEquals(o[mergeKey], keyValue));
                    break;
                case "replace":
                    replace = true;
                    break;
                case "merge":
                    throw Malformed("merging lists cannot yet be specified in the patch");
                default:
                    throw Malformed($"unknown patch type: {directive?.ToJsonString()} in map: {patchItem.ToJsonString()}");
            }
        }
        return replace
            ? ([.. plain.Select(item => (JsonNode?)MergeObject([], (JsonObject)item!, itemSchema))], [])
            : (items, plain);
    }

    /// <summary>Kubernetes' order for a merged list: <paramref name="patchItems"/> sorted by
    /// <paramref name="patchOrder"/>, <paramref name="serverOnly"/> by <paramref name="serverOrder"/>, then the two
    /// interleaved: a server-only item goes first only when both items are live items and it came first there.</summary>
    private static IEnumerable<JsonNode?> Interleave(List<JsonNode?> serverOnly, List<JsonNode?> patchItems,
        IReadOnlyList<JsonNode?> patchOrder, IReadOnlyList<JsonNode?> serverOrder, string? mergeKey)
    {
        var left = serverOnly.OrderBy(item => IndexIn(serverOrder, item, mergeKey)).ToList();
        var right = patchItems.OrderBy(item => IndexIn(patchOrder, item, mergeKey)).ToList();
        int i = 0, j = 0;
        while (i < left.Count || j < right.Count)
        {
            if (j >= right.Count)
                yield return left[i++];
            else if (i >= left.Count)
                yield return right[j++];
            else
            {
                var leftIndex = IndexIn(serverOrder, left[i], mergeKey);
                var rightIndex = IndexIn(serverOrder, right[j], mergeKey);
                yield return leftIndex >= 0 && rightIndex >= 0 && leftIndex < rightIndex ? left[i++] : right[j++];
            }
        }
    }

    private static int IndexIn(IReadOnlyList<JsonNode?> list, JsonNode? item, string? mergeKey)
    {
        for (var i = 0; i < list.Count; i++)
            if (SameIdentity(list[i], item, mergeKey))
                return i;
        return -1;
    }

    private static bool SameIdentity(JsonNode? a, JsonNode? b, string? mergeKey) =>
        mergeKey is null
            ? JsonNode.DeepEquals(a, b)
            : a is JsonObject left && b is JsonObject right && left.ContainsKey(mergeKey) && right.ContainsKey(mergeKey)
              && JsonNode.DeepEquals(left[mergeKey], right[mergeKey]);

    /// <summary>All items of both lists must be of one kind, and not lists (Kubernetes has no lists of lists).</summary>
    private static JsonValueKind ElementKind(JsonArray original, JsonArray patch, string key)
    {
        JsonValueKind? kind = null;
        foreach (var item in original.Concat(patch))
        {
            var itemKind = item?.GetValueKind() ?? JsonValueKind.Null;
            if (itemKind is JsonValueKind.True)
                itemKind = JsonValueKind.False;
            if (itemKind == JsonValueKind.Array)
                throw Malformed($"lists of lists are not supported ({key})");
            if (kind is not null && kind != itemKind)
                throw Malformed($"list element types are not identical in {key}");
            kind = itemKind;
        }
        return kind ?? JsonValueKind.Undefined;
    }

    private static string? DirectiveName(JsonNode? directive) =>
        directive is JsonValue value && value.TryGetValue<string>(out var name) ? name : null;

    /// <summary>Takes a child out of its parent so it can be modified and re-attached.</summary>
    private static T Detach<T>(JsonObject parent, string key, T child) where T : JsonNode
    {
        parent[key] = null;
        return child;
    }

    private static PatchException Malformed(string message) => new(message, badRequest: true);
}
