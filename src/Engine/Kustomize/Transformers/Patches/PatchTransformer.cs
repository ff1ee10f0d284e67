using Tide.Engine.Kustomize.Build;
using Tide.Engine.Kustomize.Yaml;

namespace Tide.Engine.Kustomize.Transformers.Patches;

/// <summary>
/// One `patches` (or `patchesStrategicMerge` / `patchesJson6902`) entry: a strategic merge patch or a JSON 6902
/// patch, applied to its target selector or, for a strategic merge patch without one, to the object it names.
/// </summary>
public sealed class PatchTransformer : ITransformer
{
    private readonly string _source;
    private readonly List<Resource>? _smPatches;
    private readonly List<YMapping>? _jsonOps;
    private readonly Selector? _target;

    public PatchTransformer(string text, string source, Selector? target, bool allowNameChange = false, bool allowKindChange = false)
    {
        _source = source;
        _target = target;
        var docs = YamlReader.ReadDocuments(text, source).Where(d => d is not null).ToList();
        if (docs.Count == 1 && docs[0] is YSequence)
        {
            _jsonOps = JsonPatch.Parse(text, source);
            return;
        }
        if (docs.Count == 0)
            throw new KustomizeException($"unable to parse SM or JSON patch from {source}");
        _smPatches = KustomizationLoader.ParseResources(text, source);
        foreach (var p in _smPatches)
        {
            p.AllowNameChange = allowNameChange;
            p.AllowKindChange = allowKindChange;
        }
    }

    /// <summary>A patchesJson6902 entry: always JSON operations, YAML or JSON text.</summary>
    public PatchTransformer(List<YMapping> jsonOps, string source, Selector target)
    {
        _source = source;
        _jsonOps = jsonOps;
        _target = target;
    }

    /// <summary>The kustomization's `openapi` schema, when it has one.</summary>
    public OpenApiSchema? Schema { get; init; }

    public void Transform(ResourceMap resources)
    {
        if (_smPatches is not null)
            TransformStrategicMerge(resources);
        else
            TransformJson(resources);
    }

    private void TransformStrategicMerge(ResourceMap resources)
    {
        if (_target is not null)
        {
            if (_smPatches!.Count > 1)
                throw new KustomizeException(
                    $"Multiple Strategic-Merge Patches in one `patches` entry is not allowed to set `patches.target` field: {_source}");
            var patch = _smPatches[0];
            foreach (var r in _target.Select(resources))
                ApplySmPatch(resources, r, patch, adoptTargetGvk: true, Schema);
            return;
        }
        foreach (var patch in _smPatches!)
        {
            var matches = resources.MatchingAnyId(patch.OrgId);
            if (matches.Count != 1)
                throw new KustomizeException(
                    $"no resource matches strategic merge patch \"{patch.OrgId}\": {(matches.Count == 0 ? "no matches" : "multiple matches")} for Id {patch.OrgId}; failed to find unique target for patch {patch.OrgId}");
            ApplySmPatch(resources, matches[0], patch, adoptTargetGvk: false, Schema);
        }
    }

    public static void ApplySmPatch(ResourceMap resources, Resource target, Resource patch, bool adoptTargetGvk,
        OpenApiSchema? schema = null)
    {
        var patchNode = (YMapping)patch.Node.DeepClone();
        if (adoptTargetGvk)
            patchNode["apiVersion"] = YNode.Str(target.ApiVersion);
        var (name, ns, kind) = (target.Name, target.Namespace, target.Kind);
        if (patch.AllowNameChange || patch.AllowKindChange)
            target.StorePreviousId();
        var merged = StrategicMerge.Apply(target.Node, patchNode, MergeKeysFor(target.Gvk, schema));
        if (merged is null || merged.Count == 0)
        {
            resources.Remove(target);
            return;
        }
        target.ReplaceNode(merged);
        if (!patch.AllowKindChange)
            target.SetKind(kind);
        if (!patch.AllowNameChange)
            target.SetName(name);
        target.SetNamespace(ns);
    }

    /// <summary>List merge keys: from the kustomization's OpenAPI schema for the kinds it declares, else Kubernetes' own.</summary>
    private static Func<string, string?> MergeKeysFor(Gvk gvk, OpenApiSchema? schema)
    {
        if (schema?.Find(gvk) is { } definition)
            return path => schema.MergeKey(definition, path);
        return IsBuiltInGroup(gvk.Group) ? MergeKeys.For : _ => null;
    }

    /// <summary>Kubernetes' own API groups, whose list merge keys the strategic merge knows.</summary>
    private static bool IsBuiltInGroup(string group) =>
        group.Length == 0 || !group.Contains('.') || group.EndsWith(".k8s.io", StringComparison.Ordinal);

    private void TransformJson(ResourceMap resources)
    {
        if (_target is null)
            throw new KustomizeException($"must specify a target for JSON patch {_source}");
        foreach (var r in _target.Select(resources))
        {
            r.StorePreviousId();
            JsonPatch.Apply(r.Node, _jsonOps!, _source);
        }
    }
}
