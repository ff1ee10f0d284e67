using Tide.Engine.Kustomize.FieldSpecs;
using Tide.Engine.Kustomize.Transformers.Patches;
using Tide.Engine.Kustomize.Yaml;

namespace Tide.Engine.Kustomize.Transformers.ValueAdd;

/// <summary>
/// The built-in ValueAddTransformer: writes a value (by default the name of the kustomization directory using it)
/// into a field, or inserts it as one segment of a slash-separated value.
/// </summary>
public sealed class ValueAddTransformer(string value, IReadOnlyList<ValueAddTarget> targets) : ITransformer
{
    public void Transform(ResourceMap resources)
    {
        foreach (var target in targets)
            foreach (var r in target.Selector?.Select(resources) ?? resources.Resources.ToList())
            {
                if (target.FieldPath == "metadata/namespace")
                {
                    if (!r.Gvk.IsClusterScoped)
                        r.Node.GetOrAddMapping("metadata")["namespace"] = YNode.Str(value);
                    continue;
                }
                FieldPath.Visit(r.Node, target.FieldPath, create: true, (parent, key) =>
                {
                    var current = parent[key] is YScalar { IsNull: false } s ? s.Value : "";
                    parent[key] = YNode.Str(target.FilePathPosition > 0
                        ? InsertPathPart(current, target.FilePathPosition - 1, value)
                        : value);
                });
            }
    }

    /// <summary>Inserts part as the pos-th segment of a slash-separated path (a leading "/" does not count).</summary>
    public static string InsertPathPart(string path, int pos, string part)
    {
        if (part.Length == 0)
            return path;
        var parts = path.Length == 0 ? new List<string>() : path.Split('/').ToList();
        pos = Math.Clamp(pos, 0, parts.Count);
        if (parts.Count > 0 && parts[0] == "" && pos < parts.Count)
            pos++;
        parts.Insert(pos, part);
        return string.Join('/', parts);
    }

    public static ValueAddTransformer FromConfig(YMapping config, string directoryName)
    {
        var value = (config.GetString("value") ?? "").Trim();
        if (value.Length == 0)
            value = directoryName;
        var targets = config.GetSequence("targets")?.Items.OfType<YMapping>().Select(t => new ValueAddTarget(
            t.GetMapping("selector") is { } s ? Selector.FromYaml(s) : null,
            t.GetString("fieldPath") ?? throw new KustomizeException("fieldPath cannot be empty"),
            int.Parse(t.GetString("filePathPosition") ?? "0"))).ToList() ?? [];
        if (targets.Count == 0)
            throw new KustomizeException("must specify at least one target");
        return new ValueAddTransformer(value, targets);
    }
}
