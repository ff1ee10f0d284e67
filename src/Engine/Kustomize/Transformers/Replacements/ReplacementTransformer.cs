using Tide.Engine.Kustomize.Transformers.Patches;
using Tide.Engine.Kustomize.Yaml;

namespace Tide.Engine.Kustomize.Transformers.Replacements;

/// <summary>`replacements`: copies a field of one resource into fields of others.</summary>
public sealed class ReplacementTransformer(IReadOnlyList<YMapping> replacements) : ITransformer
{
    public void Transform(ResourceMap resources)
    {
        foreach (var replacement in replacements)
        {
            var source = replacement.GetMapping("source") ?? throw new KustomizeException("replacement source must be specified");
            var value = SourceValue(resources, source);
            foreach (var target in replacement.GetSequence("targets")?.Items.OfType<YMapping>() ?? [])
                ApplyTarget(resources, target, value);
        }
    }

    private static YNode SourceValue(ResourceMap resources, YMapping source)
    {
        var selector = Selector.FromYaml(source);
        var matches = resources.Resources.Where(r => MatchesExactly(selector, r)).ToList();
        if (matches.Count > 1)
            throw new KustomizeException($"multiple matches for selector {Describe(selector)}");
        if (matches.Count == 0)
            throw new KustomizeException($"nothing selected by {Describe(selector)}");
        var fieldPath = source.GetString("fieldPath") ?? "metadata.name";
        var nodes = ReplacementPath.Find(matches[0].Node, fieldPath, create: false);
        if (nodes.Count == 0)
            throw new KustomizeException($"fieldPath `{fieldPath}` is missing for replacement source {matches[0].CurId}");
        var value = nodes[0].Get();
        if (source.GetMapping("options") is { } options && options.GetString("delimiter") is { } delimiter && value is YScalar s)
        {
            var parts = s.Value.Split(delimiter);
            var index = int.Parse(options.GetString("index") ?? "0");
            if (index >= parts.Length || index < -1)
                throw new KustomizeException($"options.index {index} is out of bounds for value {s.Value}");
            return YNode.Str(index < 0 ? parts[0] : parts[index]);
        }
        return value!.DeepClone();
    }

    private static bool MatchesExactly(Selector selector, Resource r)
    {
        var id = r.CurId;
        return (selector.Kind.Length == 0 || selector.Kind == id.Gvk.Kind) &&
               (selector.Group.Length == 0 || selector.Group == id.Gvk.Group) &&
               (selector.Version.Length == 0 || selector.Version == id.Gvk.Version) &&
               (selector.Name.Length == 0 || selector.Name == id.Name || r.OrgId.Name == selector.Name) &&
               (selector.Namespace.Length == 0 || selector.Namespace == id.Namespace || r.OrgId.Namespace == selector.Namespace);
    }

    private static void ApplyTarget(ResourceMap resources, YMapping target, YNode value)
    {
        var select = target.GetMapping("select") is { } s ? Selector.FromYaml(s) : null;
        var rejects = target.GetSequence("reject")?.Items.OfType<YMapping>().Select(Selector.FromYaml).ToList() ?? [];
        var options = target.GetMapping("options");
        var create = options?.GetString("create") == "true";
        foreach (var r in resources.Resources)
        {
            if (select is not null && !select.Matches(r))
                continue;
            if (rejects.Any(rej => rej.Matches(r)))
                continue;
            foreach (var path in target.GetSequence("fieldPaths")?.Items.OfType<YScalar>() ?? [])
            {
                var places = ReplacementPath.Find(r.Node, path.Value, create);
                if (places.Count == 0 && create)
                    throw new KustomizeException($"unable to find or create field {path.Value} in replacement target");
                foreach (var place in places)
                    place.Set(Combine(place.Get(), value, options));
            }
        }
    }

    private static YNode Combine(YNode? current, YNode value, YMapping? options)
    {
        if (options?.GetString("delimiter") is not { } delimiter)
        {
            // Into a scalar only the text is copied: the target keeps its type, the one it was read with (so 80 lands
            // as "80" in a string, "false" stays a string, "" stays "").
            if (current is YScalar target && value is YScalar source)
                return new YScalar(source.Value) { Tag = target.Tag ?? ImplicitTag(target), Style = target.Style };
            // A field created for the replacement gets the text only, untyped: "1" lands as the number 1.
            if (current is null && value is YScalar created)
                return new YScalar(created.Value);
            return value.DeepClone();
        }
        var parts = (current as YScalar)?.Value.Split(delimiter).ToList() ?? [];
        var index = int.Parse(options.GetString("index") ?? "0");
        var text = (value as YScalar)?.Value ?? "";
        if (index < 0)
            parts.Insert(0, text);
        else if (index >= parts.Count)
            parts.Add(text);
        else
            parts[index] = text;
        return YNode.Str(string.Join(delimiter, parts));
    }

    private static string? ImplicitTag(YScalar scalar) => ScalarResolver.Resolve(scalar).Kind switch
    {
        ScalarKind.String => YScalar.StringTag,
        ScalarKind.Bool => "!!bool",
        ScalarKind.Int => "!!int",
        ScalarKind.Float => "!!float",
        _ => null,
    };

    private static string Describe(Selector s) =>
        $"~G_{(s.Version.Length > 0 ? s.Version : "~V")}_{s.Kind}|{(s.Namespace.Length > 0 ? s.Namespace : "~X")}|{s.Name}";
}
