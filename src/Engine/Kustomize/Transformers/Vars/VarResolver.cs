using System.Text.RegularExpressions;
using Tide.Engine.Kustomize.FieldSpecs;
using Tide.Engine.Kustomize.Transformers.Replacements;
using Tide.Engine.Kustomize.Yaml;

namespace Tide.Engine.Kustomize.Transformers.Vars;

/// <summary>`vars` (deprecated in kustomize, still honoured): substitutes $(NAME) in the varReference fields.</summary>
public sealed partial class VarResolver(IReadOnlyList<YMapping> vars, IReadOnlyList<FieldSpec> varReference) : ITransformer
{
    public void Transform(ResourceMap resources)
    {
        if (vars.Count == 0)
            return;
        var values = new Dictionary<string, string>();
        foreach (var v in vars)
        {
            var name = v.GetString("name") ?? "";
            var objRef = v.GetMapping("objref") ?? new YMapping();
            var gvk = Gvk.FromApiVersion(objRef.GetString("apiVersion"), objRef.GetString("kind"));
            var refName = objRef.GetString("name") ?? "";
            var ns = objRef.GetString("namespace");
            var matches = resources.Resources.Where(r => r.AllIds.Any(id =>
                id.Gvk.IsSelectedBy(gvk with { Version = gvk.Version }) && id.Name == refName &&
                (ns is null || id.Namespace == ns))).ToList();
            if (matches.Count != 1)
                throw new KustomizeException(
                    matches.Count == 0
                        ? $"var '{name}' cannot be mapped to a field in the set of known resources"
                        : $"found {matches.Count} resId matches for var {name} (unable to disambiguate)");
            var fieldRef = v.GetMapping("fieldref");
            var fieldPath = fieldRef?.Entries.FirstOrDefault(e => e.Key.Equals("fieldPath", StringComparison.OrdinalIgnoreCase)).Value
                is YScalar fp ? fp.Value : "metadata.name";
            var path = BracketIndexes().Replace(fieldPath, ".$1");
            var found = ReplacementPath.Find(matches[0].Node, path, create: false);
            if (found.Count == 0 || found[0].Get() is not YScalar value)
                throw new KustomizeException($"field specified in var '{name}' not found in corresponding resource");
            values[name] = value.Value;
        }
        foreach (var r in resources.Resources)
        {
            var gvk = r.Gvk;
            foreach (var fs in varReference.Where(fs => gvk.IsSelectedBy(fs.Gvk)))
                FieldPath.Visit(r.Node, fs.Path, false, (parent, key) => parent[key] = Expand(parent[key]!, values));
        }
    }

    private static YNode Expand(YNode node, Dictionary<string, string> values)
    {
        switch (node)
        {
            case YScalar s when s.Value.Contains("$("):
                var expanded = VarPattern().Replace(s.Value, m => values.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value);
                return expanded == s.Value ? s : YNode.Str(expanded);
            case YSequence seq:
                for (var i = 0; i < seq.Items.Count; i++)
                    seq.Items[i] = Expand(seq.Items[i], values);
                return seq;
            case YMapping map:
                foreach (var (k, v) in map.Entries.ToList())
                    map[k] = Expand(v, values);
                return map;
            default:
                return node;
        }
    }

    [GeneratedRegex(@"\$\(([A-Za-z0-9_.\-]+)\)")]
    private static partial Regex VarPattern();

    [GeneratedRegex(@"\[(\d+)\]")]
    private static partial Regex BracketIndexes();
}
