using Tide.Engine.Kustomize.FieldSpecs;
using Tide.Engine.Kustomize.Transformers;
using Tide.Engine.Kustomize.Transformers.Images;
using Tide.Engine.Kustomize.Transformers.Labels;
using Tide.Engine.Kustomize.Transformers.NameAffix;
using Tide.Engine.Kustomize.Transformers.Namespace;
using Tide.Engine.Kustomize.Transformers.Patches;
using Tide.Engine.Kustomize.Transformers.Replacements;
using Tide.Engine.Kustomize.Transformers.Replicas;
using Tide.Engine.Kustomize.Transformers.ValueAdd;
using Tide.Engine.Kustomize.Yaml;

namespace Tide.Engine.Kustomize.Build;

/// <summary>
/// Built-in transformers configured as objects (apiVersion builtin) in `transformers:`. Plugins that run
/// programs (exec, containers) are not supported: a build must not run code from its sources.
/// </summary>
public static class BuiltInPlugins
{
    public static IEnumerable<ITransformer> Transformers(YMapping c, TransformerConfig config, KustomizationLoader loader)
    {
        var kind = c.GetString("kind") ?? "";
        var specs = c["fieldSpecs"] is YSequence ? FieldSpec.ListFromYaml(c["fieldSpecs"]) : null;
        switch (kind)
        {
            case "LabelTransformer":
                yield return new MetadataMapTransformer(MetadataMapTransformer.PairsOf(c.GetMapping("labels")), specs ?? config.CommonLabels);
                break;
            case "AnnotationsTransformer":
                yield return new MetadataMapTransformer(MetadataMapTransformer.PairsOf(c.GetMapping("annotations")), specs ?? config.CommonAnnotations);
                break;
            case "NamespaceTransformer":
                yield return new NamespaceTransformer(c.GetMapping("metadata")?.GetString("namespace") ?? "", specs ?? config.NameSpace,
                    c.GetString("setRoleBindingSubjects") ?? "defaultOnly", c.GetString("unsetOnly") == "true");
                break;
            case "PrefixSuffixTransformer" or "PrefixTransformer" or "SuffixTransformer":
                if (c.GetString("prefix") is { Length: > 0 } prefix)
                    yield return new NameAffixTransformer(prefix, true, specs ?? config.NamePrefix);
                if (c.GetString("suffix") is { Length: > 0 } suffix)
                    yield return new NameAffixTransformer(suffix, false, specs ?? config.NameSuffix);
                break;
            case "ImageTagTransformer":
                yield return new ImageTagTransformer(ImageOverride.FromYaml(c.GetMapping("imageTag") ?? new YMapping()), specs ?? config.Images);
                break;
            case "ReplicaCountTransformer":
                var replica = c.GetMapping("replica") ?? new YMapping();
                yield return new ReplicaCountTransformer(replica.GetString("name") ?? "", long.Parse(replica.GetString("count") ?? "0"), specs ?? config.Replicas);
                break;
            case "PatchTransformer":
            {
                var target = c.GetMapping("target") is { } t ? Selector.FromYaml(t) : null;
                var (text, source) = c.GetString("path") is { } path ? (loader.LoadText(path), path) : ((c.GetString("patch") ?? "").Trim(), "inline patch");
                yield return new PatchTransformer(text, source, target);
                break;
            }
            case "PatchJson6902Transformer":
            {
                var target = Selector.FromYaml(c.GetMapping("target") ?? new YMapping());
                var (text, source) = c.GetString("path") is { } path ? (loader.LoadText(path), path) : (c.GetString("jsonOp") ?? "", "inline patch");
                yield return new PatchTransformer(JsonPatch.Parse(text, source), source, target);
                break;
            }
            case "PatchStrategicMergeTransformer":
                foreach (var p in c.GetSequence("paths")?.Items.OfType<YScalar>() ?? [])
                    yield return new PatchTransformer(loader.LoadText(p.Value), p.Value, null);
                if (c.GetString("patches") is { } inline)
                    yield return new PatchTransformer(inline, "inline patch", null);
                break;
            case "ValueAddTransformer":
                yield return ValueAddTransformer.FromConfig(c, loader.Root[(loader.Root.LastIndexOf('/') + 1)..]);
                break;
            case "ReplacementTransformer":
                yield return new ReplacementTransformer(c.GetSequence("replacements")?.Items.OfType<YMapping>().ToList() ?? []);
                break;
            default:
                throw new KustomizeException(
                    $"unable to load transformer {c.GetString("apiVersion")}/{kind}: only kustomize's built-in transformers are supported");
        }
    }
}
