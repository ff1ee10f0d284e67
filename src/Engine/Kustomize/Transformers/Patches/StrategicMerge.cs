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
        merger.TidyAsKyamlWalks(merged, "");
        return merged;
    }

    private sealed class Merger(Func<string, string?> mergeKey)
    {
        /// <summary>
        /// kyaml's merge walks every map of the target it can reach through maps and keyed lists, and its field setter
        /// drops a field whose value is a null written as nothing ("x:"); a null spelled out ("x: null", "x: ~") is
        /// kept. Keyed lists lose their duplicates as in a merge; lists merged as a whole are not walked.
        /// </summary>
        public void TidyAsKyamlWalks(YNode node, string path)
        {
            switch (node)
            {
                case YMapping map:
                    foreach (var (key, value) in map.Entries.ToList())
                    {
                        if (value is YScalar { Value: "", Style: ScalarStyle.Plain, Tag: null })
                            map.Remove(key);
                        else
                            TidyAsKyamlWalks(value, path.Length == 0 ? key : path + "/" + key);
                    }
                    break;
                case YSequence seq when mergeKey(path) is { Length: > 0 } key:
                    var unique = Deduplicate(seq, key).Items;
                    seq.Items.Clear();
                    seq.Items.AddRange(unique);
                    foreach (var item in seq.Items)
                        TidyAsKyamlWalks(item, path);
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
                // A list of scalars merged as a set (finalizers): the patch's values, then the target's others.
                var set = new YSequence();
                foreach (var item in patch.Items.Concat(existing.Items).OfType<YScalar>())
                    if (!set.Items.OfType<YScalar>().Any(s => s.Value == item.Value))
                        set.Items.Add(item.DeepClone());
                return set;
            }
            // kyaml's associative merge: one slot per key, the patch's keys first (each merged into the first target
            // element with that key), then the target's other keys; a later target element with the same key takes
            // its slot (the last duplicate wins, unmerged).
            var slots = new List<(string? Key, YNode Node)>();
            var deleted = new HashSet<string>(StringComparer.Ordinal);
            var keyless = new List<YNode>();
            foreach (var pm in patch.Items.OfType<YMapping>())
            {
                var keyValue = pm.GetString(strategy);
                if (keyValue is null)
                {
                    keyless.Add(MergeMap(new YMapping(), pm, path));
                    continue;
                }
                if (slots.Any(slot => slot.Key == keyValue) || deleted.Contains(keyValue))
                    continue;
                if (pm.GetString("$patch") == "delete")
                {
                    deleted.Add(keyValue);
                    continue;
                }
                var match = existing.Items.OfType<YMapping>().FirstOrDefault(m => m.GetString(strategy) == keyValue);
                slots.Add((keyValue, MergeMap(match ?? new YMapping(), pm, path)));
            }
            return new YSequence(Deduplicate(existing.Items, strategy, slots, deleted).Concat(keyless));
        }

        /// <summary>
        /// Target elements into their key's slot (added after the others when new), as kyaml's element setter does; a
        /// target element without the key leaves only itself in the list (kyaml's setter keeps nothing it cannot
        /// match), and the elements after it are added to it.
        /// </summary>
        private static IEnumerable<YNode> Deduplicate(IEnumerable<YNode> items, string key, List<(string? Key, YNode Node)> slots,
            HashSet<string> deleted)
        {
            foreach (var item in items)
            {
                if ((item as YMapping)?.GetString(key) is not { } value)
                {
                    slots.Clear();
                    slots.Add((null, item));
                    continue;
                }
                if (deleted.Contains(value))
                    continue;
                var index = slots.FindIndex(slot => slot.Key == value);
                if (index < 0)
                    slots.Add((value, item));
                else
                    slots[index] = (value, item);
            }
            return slots.Select(slot => slot.Node);
        }

        /// <summary>A keyed list of the target that the patch does not touch still goes through kyaml's associative
        /// merge: duplicates collapse the same way.</summary>
        private static YSequence Deduplicate(YSequence list, string key) =>
            new(Deduplicate(list.Items, key, [], []));
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
