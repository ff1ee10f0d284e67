using Tide.Engine.Kustomize.Yaml;

namespace Tide.Engine.Kustomize.Transformers.Patches;

/// <summary>
/// Strategic merge patch over YAML nodes: maps merge, null deletes, lists of Kubernetes kinds merge by their
/// merge key (containers by name, ports by containerPort, ...), other lists are replaced. Directives:
/// $patch (replace/delete/merge), $retainKeys, $setElementOrder/&lt;list&gt;, $deleteFromPrimitiveList/&lt;list&gt;.
/// </summary>
public static class StrategicMerge
{
    /// <summary>
    /// Merges the patch into the target; returns null when the patch deletes the whole object. mergeKey gives the
    /// merge key of the list at a field path ("" for a set of scalars, null when the list is replaced).
    /// </summary>
    public static YMapping? Apply(YMapping target, YMapping patch, Func<string, string?> mergeKey)
    {
        if (patch.GetString("$patch") == "delete")
            return null;
        if (patch.GetString("$patch") == "replace")
            return StripDirectives((YMapping)patch.DeepClone());
        return new Merger(mergeKey).MergeMap(target, patch, "");
    }

    private sealed class Merger(Func<string, string?> mergeKey)
    {
        /// <summary>path is the field path from the root ("spec/template/spec/containers").</summary>
        public YMapping MergeMap(YMapping target, YMapping patch, string path)
        {
            var result = target;
            List<string>? retainKeys = null;
            foreach (var (key, value) in patch.Entries)
            {
                if (key == "$patch")
                    continue;
                if (key == "$retainKeys")
                {
                    retainKeys = (value as YSequence)?.Items.OfType<YScalar>().Select(s => s.Value).ToList();
                    continue;
                }
                if (key.StartsWith("$setElementOrder/", StringComparison.Ordinal) ||
                    key.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal))
                    continue;
                var childPath = path.Length == 0 ? key : path + "/" + key;
                if (value is YScalar { IsNull: true })
                {
                    result.Remove(key);
                    continue;
                }
                if (value is YMapping { } nested && nested.GetString("$patch") == "delete")
                {
                    result.Remove(key);
                    continue;
                }
                result[key] = MergeValue(result[key], value, childPath);
            }
            foreach (var (key, value) in patch.Entries)
            {
                if (key.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal) && value is YSequence toDelete &&
                    result[key["$deleteFromPrimitiveList/".Length..]] is YSequence list)
                {
                    var remove = toDelete.Items.OfType<YScalar>().Select(s => s.Value).ToHashSet();
                    list.Items.RemoveAll(i => i is YScalar s && remove.Contains(s.Value));
                }
                if (key.StartsWith("$setElementOrder/", StringComparison.Ordinal) && value is YSequence order &&
                    result[key["$setElementOrder/".Length..]] is YSequence ordered)
                    Reorder(ordered, order);
            }
            if (retainKeys is not null)
                foreach (var key in result.Keys.ToList())
                    if (!retainKeys.Contains(key))
                        result.Remove(key);
            return result;
        }

        private YNode MergeValue(YNode? existing, YNode patch, string path)
        {
            switch (patch)
            {
                case YMapping pm when pm.GetString("$patch") == "replace":
                    return StripDirectives((YMapping)pm.DeepClone());
                case YMapping pm when existing is YMapping em:
                    return MergeMap(em, pm, path);
                case YMapping pm:
                    return MergeMap(new YMapping(), pm, path);
                case YSequence ps when existing is YSequence es:
                    return MergeList(es, ps, path);
                case YSequence ps:
                    return MergeList(new YSequence(), ps, path);
                default:
                    return patch.DeepClone();
            }
        }

        private YSequence MergeList(YSequence existing, YSequence patch, string path)
        {
            if (patch.Items.OfType<YMapping>().Any(m => m.GetString("$patch") == "replace"))
                return new YSequence(patch.Items.OfType<YMapping>().Where(m => m.GetString("$patch") != "replace")
                    .Select(m => (YNode)StripDirectives((YMapping)m.DeepClone())));
            var strategy = mergeKey(path);
            if (strategy is null)
                return (YSequence)StripAll(patch.DeepClone());
            if (strategy.Length == 0)
            {
                // A list of scalars merged as a set (finalizers): keep ours, add what is new.
                var set = (YSequence)existing.DeepClone();
                foreach (var item in patch.Items.OfType<YScalar>())
                    if (!set.Items.OfType<YScalar>().Any(s => s.Value == item.Value))
                        set.Items.Add(item.DeepClone());
                return set;
            }
            // Like Kubernetes' strategic merge: the patch's elements first, in patch order (merged with the element they
            // match), then the target's other elements in their order.
            var merged = new List<YNode>();
            var consumed = new HashSet<YNode>(ReferenceEqualityComparer.Instance);
            foreach (var item in patch.Items)
            {
                if (item is not YMapping pm)
                    continue;
                var keyValue = pm.GetString(strategy);
                var match = keyValue is null
                    ? null
                    : existing.Items.OfType<YMapping>().FirstOrDefault(m => m.GetString(strategy) == keyValue && !consumed.Contains(m));
                if (match is not null)
                    consumed.Add(match);
                if (pm.GetString("$patch") == "delete")
                    continue;
                merged.Add(match is not null ? MergeMap(match, pm, path) : StripAll(pm.DeepClone()));
            }
            merged.AddRange(existing.Items.Where(i => !consumed.Contains(i)));
            return new YSequence(merged);
        }
    }

    private static void Reorder(YSequence list, YSequence order)
    {
        var keyed = order.Items.OfType<YMapping>().ToList();
        if (keyed.Count == 0)
            return;
        var key = keyed[0].Keys.First();
        var sorted = new List<YNode>();
        foreach (var o in keyed)
        {
            var v = o.GetString(key);
            sorted.AddRange(list.Items.OfType<YMapping>().Where(m => m.GetString(key) == v));
        }
        sorted.AddRange(list.Items.Where(i => !sorted.Contains(i)));
        list.Items.Clear();
        list.Items.AddRange(sorted);
    }

    private static YMapping StripDirectives(YMapping map)
    {
        foreach (var key in map.Keys.Where(k => k.StartsWith('$')).ToList())
            map.Remove(key);
        return map;
    }

    private static YNode StripAll(YNode node)
    {
        switch (node)
        {
            case YMapping m:
                StripDirectives(m);
                foreach (var e in m.Entries)
                    StripAll(e.Value);
                break;
            case YSequence s:
                foreach (var i in s.Items)
                    StripAll(i);
                break;
        }
        return node;
    }
}
