using Tide.Engine.Kustomize.Build;
using Tide.Engine.Kustomize.Transformers.Hash;
using Tide.Engine.Kustomize.Transformers.Labels;
using Tide.Engine.Kustomize.Transformers.NameReference;
using Tide.Engine.Kustomize.Transformers.Sort;
using Tide.Engine.Kustomize.Transformers.Vars;
using Tide.Engine.Kustomize.FieldSpecs;
using Tide.Engine.Kustomize.Yaml;

namespace Tide.Engine.Kustomize;

/// <summary>Builds a kustomization directory in process, with the output of `kubectl kustomize` (kustomize v5.5.0).</summary>
public static class Kustomizer
{
    /// <summary>What kubectl's embedded kustomize reports as its version (in the managed-by label).</summary>
    private const string ReportedVersion = "(devel)";

    public static KustomizeResult Build(string directory) => Build(DiskFileSystem.Instance, directory);

    public static KustomizeResult Build(IKustomizeFileSystem fileSystem, string directory) =>
        Build(fileSystem, directory, loadBoundary: null);

    /// <param name="loadBoundary">Files may be read anywhere below this directory (Flux's LoadRestrictionsNone within
    /// an artifact); null: kubectl's default, only below each kustomization's own directory.</param>
    public static KustomizeResult Build(IKustomizeFileSystem fileSystem, string directory, string? loadBoundary)
    {
        var loader = new KustomizationLoader(fileSystem, directory, boundary: loadBoundary);
        if (!fileSystem.DirectoryExists(loader.Root))
            throw new KustomizeException($"must build at directory: not a valid directory: evalsymlink failure on '{loader.Root}' : lstat {loader.Root}: no such file or directory");
        var target = new KustomizationTarget(loader);
        var acc = target.Accumulate();
        Finish(acc, target.Kustomization);
        return new KustomizeResult(acc.Resources.Resources.Select(r => r.Node).ToList());
    }

    /// <summary>The steps that run once, at the top: name hashes, reference fixes, vars, local-config removal, order.</summary>
    private static void Finish(Accumulation acc, Kustomization k)
    {
        new NameHashTransformer().Transform(acc.Resources);
        new NameReferenceTransformer(acc.Config.NameReference).Transform(acc.Resources);
        new VarResolver(acc.Vars, acc.Config.VarReference).Transform(acc.Resources);
        foreach (var local in acc.Resources.Resources
                     .Where(r => r.GetStringMap("annotations").GetValueOrDefault("config.kubernetes.io/local-config") == "true").ToList())
            acc.Resources.Remove(local);
        ApplySortOrder(acc.Resources, k.SortOptions);
        if (k.BuildMetadata.Contains("originAnnotations"))
            foreach (var r in acc.Resources.Resources.Where(r => r.Origin is not null))
                r.Node.GetOrAddMapping("metadata").GetOrAddMapping("annotations")["config.kubernetes.io/origin"] = YNode.Str(r.Origin!);
        if (k.BuildMetadata.Contains("transformerAnnotations"))
            foreach (var r in acc.Resources.Resources.Where(r => r.Transformations.Count > 0))
                r.Node.GetOrAddMapping("metadata").GetOrAddMapping("annotations")["alpha.config.kubernetes.io/transformations"] =
                    YNode.Str(string.Concat(r.Transformations.Select(t => "- " + t.TrimEnd('\n').Replace("\n", "\n  ") + "\n")));
        foreach (var r in acc.Resources.Resources)
            StringifyAnnotations(r);
        if (k.BuildMetadata.Contains("managedByLabel"))
            new MetadataMapTransformer([new("app.kubernetes.io/managed-by", "kustomize-" + ReportedVersion)],
                [FieldSpec.Any("metadata/labels", true)]).Transform(acc.Resources);
    }

    /// <summary>
    /// kustomize rewrites every annotation map when it strips its build annotations: values come out as the strings
    /// they were written as (an annotation `replicas: 3` is printed as "3", `a: null` as "null"), and an empty or null
    /// map goes away.
    /// </summary>
    private static void StringifyAnnotations(Resource r)
    {
        if (r.Node.GetMapping("metadata") is not { } metadata)
            return;
        switch (metadata["annotations"])
        {
            case YMapping { Count: > 0 } annotations:
                foreach (var (key, value) in annotations.Entries.ToList())
                    if (value is YScalar s)
                        annotations[key] = YNode.Str(s.Value);
                break;
            case YMapping or YScalar { IsNull: true }:
                metadata.Remove("annotations");
                break;
        }
    }

    private static void ApplySortOrder(ResourceMap resources, YMapping? sortOptions)
    {
        var order = sortOptions?.GetString("order");
        if (order is "fifo")
            return;
        if (order is not (null or "legacy"))
            throw new KustomizeException("the field 'sortOptions.order' must be one of [fifo, legacy]");
        var legacy = sortOptions?.GetMapping("legacySortOptions");
        List<string>? Names(string key) =>
            legacy?.GetSequence(key)?.Items.OfType<YScalar>().Select(s => s.Value).ToList();
        new LegacySortTransformer(Names("orderFirst"), Names("orderLast")).Transform(resources);
    }
}
