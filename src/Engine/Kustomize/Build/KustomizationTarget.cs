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
using Tide.Engine.Kustomize.Transformers.Vars;
using Tide.Engine.Kustomize.Yaml;

namespace Tide.Engine.Kustomize.Build;

/// <summary>One kustomization directory and the order in which it builds (kustomize's KustTarget).</summary>
public sealed class KustomizationTarget
{
    private readonly KustomizationLoader _loader;
    private readonly Kustomization _k;
    private readonly string _fileName;
    private readonly List<string> _buildMetadata;
    private readonly string _originPath;

    /// <param name="inherited">The top kustomization's buildMetadata and this directory's path from the top
    /// (kustomize hands both down to bases and components); null at the top.</param>
    public KustomizationTarget(KustomizationLoader loader, (List<string> BuildMetadata, string OriginPath)? inherited = null)
    {
        _loader = loader;
        (_k, _fileName) = loader.LoadKustomization();
        _buildMetadata = inherited?.BuildMetadata ?? _k.BuildMetadata;
        _originPath = inherited?.OriginPath ?? "";
        if (_k.OpenApiPath is { } openApi)
            _schema = OpenApiSchema.Parse(loader.LoadText(openApi), openApi);
    }

    private readonly OpenApiSchema? _schema;

    private bool TrackOrigin => _buildMetadata.Contains("originAnnotations");

    private bool TrackTransformers => _buildMetadata.Contains("transformerAnnotations");

    private KustomizationTarget Sub(string path) =>
        new(_loader.ForDirectory(path), (_buildMetadata, JoinPath(_originPath, path)));

    private static string JoinPath(string a, string b) =>
        a.Length == 0 ? Normalize(b) : Normalize(a + "/" + b);

    /// <summary>Go's filepath.Join cleaning of a relative path ("a/../b" -> "b", keeps leading "..").</summary>
    private static string Normalize(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part is "" or ".")
                continue;
            if (part == ".." && parts.Count > 0 && parts[^1] != "..")
                parts.RemoveAt(parts.Count - 1);
            else
                parts.Add(part);
        }
        return parts.Count == 0 ? "." : string.Join('/', parts);
    }

    private string ConfiguredBy(string kind) =>
        $"configuredIn: {JoinPath(_originPath, _fileName)}\nconfiguredBy:\n  apiVersion: builtin\n  kind: {kind}\n";

    public Kustomization Kustomization => _k;

    /// <summary>
    /// The build order: resources (files and bases), configurations and CRDs, generators, components,
    /// transformers, vars. Components work on the accumulation they are given; bases build their own.
    /// </summary>
    public Accumulation Accumulate(Accumulation? parent = null)
    {
        var acc = parent ?? new Accumulation();
        AccumulateResources(acc);
        MergeConfigurations(acc);
        RunGenerators(acc);
        acc = AccumulateComponents(acc);
        RunTransformers(acc);
        MergeVars(acc);
        return acc;
    }

    /// <summary>`configurations` and `crds`: extra field specs for the transformers (custom kinds).</summary>
    private void MergeConfigurations(Accumulation acc)
    {
        foreach (var path in _k.Configurations)
            if (YamlReader.ReadSingle(_loader.LoadText(path), path) is YMapping config)
                acc.Config.Merge(TransformerConfig.FromYaml(config));
        foreach (var path in _k.Crds)
            acc.Config.Merge(CrdConfig.Load(_loader, path));
    }

    /// <summary>Each component works on everything accumulated so far, in order.</summary>
    private Accumulation AccumulateComponents(Accumulation acc)
    {
        foreach (var path in _k.Components)
        {
            var sub = Sub(path);
            if (!sub.Kustomization.IsComponent)
                throw new KustomizeException(
                    $"accumulating components: accumulateDirectory: \"expected kind 'Component' for path '{_loader.Resolve(path)}' but got '{sub.Kustomization.Kind}'\"");
            acc = sub.Accumulate(acc);
        }
        return acc;
    }

    /// <summary>The built-in transformers in kustomize's fixed order, then the `transformers:` entries.</summary>
    private void RunTransformers(Accumulation acc)
    {
        foreach (var (kind, transformer) in BuiltInTransformers(acc.Config).Concat(ExternalTransformers(acc.Config)))
            Run(kind, transformer, acc.Resources);
    }

    private void AccumulateResources(Accumulation acc)
    {
        foreach (var path in _k.Resources)
        {
            var full = _loader.Resolve(path);
            if (!KustomizationLoader.IsRemote(path) && _loader.FileSystem.FileExists(full))
            {
                var loaded = KustomizationLoader.ParseResources(_loader.LoadText(path), path);
                if (TrackOrigin)
                    foreach (var r in loaded)
                        r.Origin = $"path: {JoinPath(_originPath, path)}\n";
                acc.Resources.AppendAll(loaded);
                continue;
            }
            if (!KustomizationLoader.IsRemote(path) && !_loader.FileSystem.DirectoryExists(full))
                throw new KustomizeException(
                    $"accumulating resources: accumulation err='accumulating resources from '{path}': open {full}: no such file or directory': must build at directory: not a valid directory: evalsymlink failure on '{full}' : lstat {full}: no such file or directory");
            var sub = Sub(path);
            if (sub.Kustomization.IsComponent)
                throw new KustomizeException($"expected kind != 'Component' for path '{full}'");
            acc.Merge(sub.Accumulate());
        }
    }

    private void RunGenerators(Accumulation acc)
    {
        foreach (var args in _k.ConfigMapGenerator)
            acc.Resources.Absorb(Generated(new DataGenerator(args, _k.GeneratorOptions, isSecret: false, _loader), "ConfigMapGenerator"));
        foreach (var args in _k.SecretGenerator)
            acc.Resources.Absorb(Generated(new DataGenerator(args, _k.GeneratorOptions, isSecret: true, _loader), "SecretGenerator"));
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
            acc.Resources.Absorb(Generated(new DataGenerator(args, null, kind == "SecretGenerator", _loader), kind!));
        }
    }

    private Resource Generated(DataGenerator generator, string kind)
    {
        var resource = generator.Generate();
        if (TrackOrigin)
            resource.Origin = ConfiguredBy(kind);
        return resource;
    }

    /// <summary>Runs a transformer; with transformerAnnotations, records it on each resource it changed.</summary>
    private void Run(string kind, ITransformer transformer, ResourceMap resources)
    {
        if (!TrackTransformers)
        {
            transformer.Transform(resources);
            return;
        }
        var before = new Dictionary<Resource, string>(ReferenceEqualityComparer.Instance);
        foreach (var r in resources.Resources)
            before[r] = ManifestWriter.Write(r.Node);
        transformer.Transform(resources);
        foreach (var r in resources.Resources)
            if (!before.TryGetValue(r, out var text) || text != ManifestWriter.Write(r.Node))
                r.Transformations.Add(ConfiguredBy(kind));
    }

    /// <summary>kustomize's built-in transformer order for the fields of a kustomization file.</summary>
    private IEnumerable<(string Kind, ITransformer Transformer)> BuiltInTransformers(TransformerConfig config)
    {
        foreach (var entry in _k.PatchesStrategicMerge)
        {
            var text = entry is YScalar s ? s.Value : ManifestWriter.Write(entry);
            var isFile = entry is YScalar && !text.Contains('\n') && _loader.FileSystem.FileExists(_loader.Resolve(text));
            yield return ("PatchStrategicMergeTransformer", new PatchTransformer(isFile ? _loader.LoadText(text) : text, isFile ? text : "inline patch", null) { Schema = _schema });
        }
        foreach (var p in _k.Patches)
            yield return ("PatchTransformer", PatchFrom(p));
        if (_k.Namespace.Length > 0)
            yield return ("NamespaceTransformer", new NamespaceTransformer(_k.Namespace, config.NameSpace));
        if (_k.NamePrefix.Length > 0)
            yield return ("PrefixTransformer", new NameAffixTransformer(_k.NamePrefix, isPrefix: true, config.NamePrefix));
        if (_k.NameSuffix.Length > 0)
            yield return ("SuffixTransformer", new NameAffixTransformer(_k.NameSuffix, isPrefix: false, config.NameSuffix));
        foreach (var label in _k.Labels)
            yield return ("LabelTransformer", new MetadataMapTransformer(MetadataMapTransformer.PairsOf(label.GetMapping("pairs")), LabelFieldSpecs(label, config)));
        if (_k.CommonLabels is { } commonLabels)
            yield return ("LabelTransformer", new MetadataMapTransformer(MetadataMapTransformer.PairsOf(commonLabels), config.CommonLabels));
        if (_k.CommonAnnotations is { } commonAnnotations)
            yield return ("AnnotationsTransformer", new MetadataMapTransformer(MetadataMapTransformer.PairsOf(commonAnnotations), config.CommonAnnotations));
        foreach (var p in _k.PatchesJson6902)
        {
            var target = Selector.FromYaml(p.GetMapping("target") ?? new YMapping());
            var (text, source) = p.GetString("path") is { } path ? (_loader.LoadText(path), path) : (p.GetString("patch") ?? "", "inline patch");
            yield return ("PatchJson6902Transformer", new PatchTransformer(JsonPatch.Parse(text, source), source, target));
        }
        foreach (var r in _k.Replicas)
            yield return ("ReplicaCountTransformer", new ReplicaCountTransformer(r.GetString("name") ?? "", long.Parse(r.GetString("count") ?? "0"), config.Replicas));
        foreach (var image in _k.Images)
            yield return ("ImageTagTransformer", new ImageTagTransformer(ImageOverride.FromYaml(image), config.Images));
        if (_k.Replacements.Count > 0)
            yield return ("ReplacementTransformer", new ReplacementTransformer(_k.Replacements.SelectMany(LoadReplacements).ToList()));
    }

    /// <summary>An inline replacement, or those of a file: one replacement (a mapping) or a list of them.</summary>
    private IEnumerable<YMapping> LoadReplacements(YMapping entry)
    {
        if (entry.GetString("path") is not { } path)
            return [entry];
        if (entry["source"] is not null || entry["targets"] is not null)
            throw new KustomizeException("cannot specify both path and inline replacement");
        return YamlReader.ReadSingle(_loader.LoadText(path), path) switch
        {
            YMapping one => [one],
            YSequence list => list.Items.OfType<YMapping>(),
            var other => throw new KustomizeException(
                $"unsupported replacement type encountered within replacement path: {(other is null ? "invalid" : "string")}"),
        };
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
            options?.GetString("allowNameChange") == "true", options?.GetString("allowKindChange") == "true") { Schema = _schema };
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
    private IEnumerable<(string Kind, ITransformer Transformer)> ExternalTransformers(TransformerConfig config)
    {
        foreach (var c in PluginConfigs(_k.Transformers))
            foreach (var t in BuiltInPlugins.Transformers(c, config, _loader))
                yield return (c.GetString("kind") ?? "", t);
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
                // Like kustomize, a directory of plugin configurations is accumulated but not finished (no hash,
                // no reference fixes): its objects are configurations, not output.
                result.AddRange(Sub(entry).Accumulate().Resources.Resources.Select(r => r.Node));
            }
        }
        return result;
    }

    private void MergeVars(Accumulation acc)
    {
        VarResolver.MarkReferencedResources(_k.Vars, acc.Resources);
        foreach (var v in _k.Vars)
        {
            if (acc.Vars.Any(x => x.GetString("name") == v.GetString("name")))
                throw new KustomizeException($"var '{v.GetString("name")}' already encountered");
            acc.Vars.Add(v);
        }
    }
}
