using Tide.Engine.Kustomize.FieldSpecs;
using Tide.Engine.Kustomize.Generators;
using Tide.Engine.Kustomize.Transformers;
using Tide.Engine.Kustomize.Transformers.Images;
using Tide.Engine.Kustomize.Transformers.Labels;
using Tide.Engine.Kustomize.Transformers.NameAffix;
using Tide.Engine.Kustomize.Transformers.Namespace;
using Tide.Engine.Kustomize.Transformers.Patches;
using Tide.Engine.Kustomize.Transformers.Replacements;
using Tide.Engine.Kustomize.Transformers.Replicas;
using Tide.Engine.Kustomize.Yaml;

namespace Tide.Engine.Kustomize.Build;

/// <summary>One kustomization directory and the order in which it builds (kustomize's KustTarget).</summary>
public sealed class KustomizationTarget
{
    private readonly KustomizationLoader _loader;
    private readonly Kustomization _k;

    public KustomizationTarget(KustomizationLoader loader)
    {
        _loader = loader;
        (_k, _) = loader.LoadKustomization();
    }

    public Kustomization Kustomization => _k;

    /// <summary>
    /// The build order: resources (files and bases), configurations and CRDs, generators, components,
    /// transformers, vars. Components work on the accumulation they are given; bases build their own.
    /// </summary>
    public Accumulation Accumulate(Accumulation? parent = null)
    {
        var acc = parent ?? new Accumulation();
        AccumulateResources(acc);
        foreach (var path in _k.Configurations)
            if (YamlReader.ReadSingle(_loader.LoadText(path), path) is YMapping config)
                acc.Config.Merge(TransformerConfig.FromYaml(config));
        foreach (var path in _k.Crds)
            acc.Config.Merge(CrdConfig.Load(_loader, path));
        RunGenerators(acc);
        foreach (var path in _k.Components)
        {
            var sub = new KustomizationTarget(_loader.ForDirectory(path));
            if (!sub.Kustomization.IsComponent)
                throw new KustomizeException(
                    $"accumulating components: accumulateDirectory: \"expected kind 'Component' for path '{_loader.Resolve(path)}' but got '{sub.Kustomization.Kind}'\"");
            acc = sub.Accumulate(acc);
        }
        foreach (var transformer in BuiltInTransformers(acc.Config).Concat(ExternalTransformers(acc.Config)))
            transformer.Transform(acc.Resources);
        MergeVars(acc);
        return acc;
    }

    private void AccumulateResources(Accumulation acc)
    {
        foreach (var path in _k.Resources)
        {
            var full = _loader.Resolve(path);
            if (!KustomizationLoader.IsRemote(path) && _loader.FileSystem.FileExists(full))
            {
                acc.Resources.AppendAll(KustomizationLoader.ParseResources(_loader.LoadText(path), path));
                continue;
            }
            if (!KustomizationLoader.IsRemote(path) && !_loader.FileSystem.DirectoryExists(full))
                throw new KustomizeException(
                    $"accumulating resources: accumulation err='accumulating resources from '{path}': open {full}: no such file or directory': must build at directory: not a valid directory: evalsymlink failure on '{full}' : lstat {full}: no such file or directory");
            var sub = new KustomizationTarget(_loader.ForDirectory(path));
            if (sub.Kustomization.IsComponent)
                throw new KustomizeException($"expected kind != 'Component' for path '{full}'");
            acc.Merge(sub.Accumulate());
        }
    }

    private void RunGenerators(Accumulation acc)
    {
        foreach (var args in _k.ConfigMapGenerator)
            acc.Resources.Absorb(new DataGenerator(args, _k.GeneratorOptions, isSecret: false, _loader).Generate());
        foreach (var args in _k.SecretGenerator)
            acc.Resources.Absorb(new DataGenerator(args, _k.GeneratorOptions, isSecret: true, _loader).Generate());
        foreach (var config in PluginConfigs(_k.Generators))
        {
            var kind = config.GetString("kind");
            if (kind is not ("ConfigMapGenerator" or "SecretGenerator"))
                throw new KustomizeException($"unable to load generator {kind}: only builtin generators are supported");
            var args = (YMapping)config.DeepClone();
            if (config.GetMapping("metadata") is { } meta)
            {
                args["name"] = meta["name"] ?? YNode.Str("");
                if (meta["namespace"] is { } ns)
                    args["namespace"] = ns;
            }
            acc.Resources.Absorb(new DataGenerator(args, null, kind == "SecretGenerator", _loader).Generate());
        }
    }

    /// <summary>kustomize's built-in transformer order for the fields of a kustomization file.</summary>
    private IEnumerable<ITransformer> BuiltInTransformers(TransformerConfig config)
    {
        foreach (var entry in _k.PatchesStrategicMerge)
        {
            var text = entry is YScalar s ? s.Value : ManifestWriter.Write(entry);
            var isFile = entry is YScalar && !text.Contains('\n') && _loader.FileSystem.FileExists(_loader.Resolve(text));
            yield return new PatchTransformer(isFile ? _loader.LoadText(text) : text, isFile ? text : "inline patch", null);
        }
        foreach (var p in _k.Patches)
            yield return PatchFrom(p);
        if (_k.Namespace.Length > 0)
            yield return new NamespaceTransformer(_k.Namespace, config.NameSpace);
        if (_k.NamePrefix.Length > 0)
            yield return new NameAffixTransformer(_k.NamePrefix, isPrefix: true, config.NamePrefix);
        if (_k.NameSuffix.Length > 0)
            yield return new NameAffixTransformer(_k.NameSuffix, isPrefix: false, config.NameSuffix);
        foreach (var label in _k.Labels)
            yield return new MetadataMapTransformer(MetadataMapTransformer.PairsOf(label.GetMapping("pairs")), LabelFieldSpecs(label, config));
        if (_k.CommonLabels is { } commonLabels)
            yield return new MetadataMapTransformer(MetadataMapTransformer.PairsOf(commonLabels), config.CommonLabels);
        if (_k.CommonAnnotations is { } commonAnnotations)
            yield return new MetadataMapTransformer(MetadataMapTransformer.PairsOf(commonAnnotations), config.CommonAnnotations);
        foreach (var p in _k.PatchesJson6902)
        {
            var target = Selector.FromYaml(p.GetMapping("target") ?? new YMapping());
            var (text, source) = p.GetString("path") is { } path ? (_loader.LoadText(path), path) : (p.GetString("patch") ?? "", "inline patch");
            yield return new PatchTransformer(JsonPatch.Parse(text, source), source, target);
        }
        foreach (var r in _k.Replicas)
            yield return new ReplicaCountTransformer(r.GetString("name") ?? "", long.Parse(r.GetString("count") ?? "0"), config.Replicas);
        foreach (var image in _k.Images)
            yield return new ImageTagTransformer(ImageOverride.FromYaml(image), config.Images);
        if (_k.Replacements.Count > 0)
            yield return new ReplacementTransformer(_k.Replacements.Select(LoadReplacement).ToList());
    }

    private YMapping LoadReplacement(YMapping entry)
    {
        if (entry.GetString("path") is not { } path)
            return entry;
        return YamlReader.ReadSingle(_loader.LoadText(path), path) as YMapping
               ?? throw new KustomizeException($"replacement file {path} is empty");
    }

    private PatchTransformer PatchFrom(YMapping p)
    {
        var target = p.GetMapping("target") is { } t ? Selector.FromYaml(t) : null;
        var options = p.GetMapping("options");
        var (text, source) = p.GetString("path") is { } path
            ? (_loader.LoadText(path), $"[path: \"{path}\"]")
            : ((p.GetString("patch") ?? "").Trim(), "[patch: inline]");
        if (text.Length == 0)
            throw new KustomizeException("must specify one of patch and path");
        return new PatchTransformer(text, source, target,
            options?.GetString("allowNameChange") == "true", options?.GetString("allowKindChange") == "true");
    }

    private static List<FieldSpec> LabelFieldSpecs(YMapping label, TransformerConfig config)
    {
        var specs = FieldSpec.ListFromYaml(label["fields"]);
        void Add(IEnumerable<FieldSpec> more)
        {
            foreach (var fs in more)
                if (!specs.Contains(fs))
                    specs.Add(fs);
        }
        if (label.GetString("includeSelectors") == "true")
        {
            Add(config.CommonLabels);
        }
        else
        {
            if (label.GetString("includeTemplates") == "true")
                Add(config.TemplateLabels);
            Add([FieldSpec.Any("metadata/labels", true)]);
        }
        return specs;
    }

    /// <summary>`transformers:` entries: configurations of built-in transformers, in files, directories or inline.</summary>
    private IEnumerable<ITransformer> ExternalTransformers(TransformerConfig config)
    {
        foreach (var c in PluginConfigs(_k.Transformers))
            foreach (var t in BuiltInPlugins.Transformers(c, config, _loader))
                yield return t;
    }

    private List<YMapping> PluginConfigs(List<string> entries)
    {
        var result = new List<YMapping>();
        foreach (var entry in entries)
        {
            if (entry.Contains('\n') || entry.TrimStart().StartsWith("apiVersion", StringComparison.Ordinal))
            {
                result.AddRange(KustomizationLoader.ParseResources(entry, "inline").Select(r => r.Node));
                continue;
            }
            var full = _loader.Resolve(entry);
            if (_loader.FileSystem.FileExists(full))
                result.AddRange(KustomizationLoader.ParseResources(_loader.LoadText(entry), entry).Select(r => r.Node));
            else
            {
                var sub = new KustomizationTarget(_loader.ForDirectory(entry));
                var built = sub.Accumulate();
                Kustomizer.Finish(built, sub.Kustomization, sort: false);
                result.AddRange(built.Resources.Resources.Select(r => r.Node));
            }
        }
        return result;
    }

    private void MergeVars(Accumulation acc)
    {
        foreach (var v in _k.Vars)
        {
            if (acc.Vars.Any(x => x.GetString("name") == v.GetString("name")))
                throw new KustomizeException($"var '{v.GetString("name")}' already encountered");
            acc.Vars.Add(v);
        }
    }
}
