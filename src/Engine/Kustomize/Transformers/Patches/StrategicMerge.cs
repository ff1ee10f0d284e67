using Tide.Engine.Kustomize.Yaml;

namespace Tide.Engine.Kustomize.Transformers.Patches;

/// <summary>
/// Strategic merge patch over YAML nodes, as kustomize v5.5.0 (kyaml merge2) does it: maps merge, null deletes,
/// lists of Kubernetes kinds merge by their merge key (containers by name, ports by containerPort, ...), other lists
/// are replaced. The $patch directive (replace, delete, merge) is honoured on maps and list elements. kustomize does
/// not interpret $retainKeys, $setElementOrder/... or $deleteFromPrimitiveList/...: it keeps them as ordinary fields,
/// and so does this class, because the output must equal kustomize's.
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
        var merger = new Merger(mergeKey);
        var merged = merger.MergeMap(target, patch, "");
        merger.DropBareNulls(merged, "");
        return merged;
    }

    private sealed class Merger(Func<string, string?> mergeKey)
    {
        /// <summary>
        /// kyaml's merge walks every map of the target it can reach through maps and keyed lists, and its field setter
        /// drops a field whose value is a null written as nothing ("x:"); a null spelled out ("x: null", "x: ~") is
        /// kept. Lists merged as a whole are not walked.
        /// </summary>
        public void DropBareNulls(YNode node, string path)
        {
            switch (node)
            {
                case YMapping map:
                    foreach (var (key, value) in map.Entries.ToList())
                    {
                        if (value is YScalar { Value: "", Style: ScalarStyle.Plain, Tag: null })
                            map.Remove(key);
                        else
                            DropBareNulls(value, path.Length == 0 ? key : path + "/" + key);
                    }
                    break;
                case YSequence seq when mergeKey(path) is { Length: > 0 }:
                    foreach (var item in seq.Items)
                        DropBareNulls(item, path);
                    break;
            }
        }

        /// <summary>path is the field path from the root ("spec/template/spec/containers").</summary>
        public YMapping MergeMap(YMapping target, YMapping patch, string path)
        {
            var result = target;
            foreach (var (key, value) in patch.Entries)
            {
                if (key == "$patch")
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
                merged.Add(MergeMap(match ?? new YMapping(), pm, path));
            }
            merged.AddRange(existing.Items.Where(i => !consumed.Contains(i)));
            return new YSequence(merged);
        }
    }

    private static YMapping StripDirectives(YMapping map)
    {
        map.Remove("$patch");
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
