using Tide.Engine.Kustomize.Yaml;

namespace Tide.Engine.Kustomize.Build;

/// <summary>
/// A kustomization (or Component) file as read, after kustomize's own fix-ups: `bases` join `resources`,
/// `imageTags` join `images`, `env` joins `envs`.
/// </summary>
public sealed class Kustomization
{
    public static readonly string[] FileNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

    public required YMapping Raw { get; init; }
    public string Kind => Raw.GetString("kind") ?? "Kustomization";
    public bool IsComponent => Kind == "Component";
    public List<string> Resources { get; } = [];
    public List<string> Components => Strings("components");
    public List<string> Crds => Strings("crds");
    public List<string> Configurations => Strings("configurations");
    public List<string> Transformers => Strings("transformers");
    public List<string> Generators => Strings("generators");
    public List<string> BuildMetadata => Strings("buildMetadata");
    public string Namespace => Raw.GetString("namespace") ?? "";
    public string NamePrefix => Raw.GetString("namePrefix") ?? "";
    public string NameSuffix => Raw.GetString("nameSuffix") ?? "";
    public YMapping? CommonLabels => Raw.GetMapping("commonLabels");
    public YMapping? CommonAnnotations => Raw.GetMapping("commonAnnotations");
    public List<YMapping> Labels => Mappings("labels");
    public List<YMapping> Images { get; } = [];
    public List<YMapping> Replicas => Mappings("replicas");
    public List<YMapping> Patches => Mappings("patches");
    public List<YNode> PatchesStrategicMerge => Raw.GetSequence("patchesStrategicMerge")?.Items ?? [];
    public List<YMapping> PatchesJson6902 => Mappings("patchesJson6902");
    public List<YMapping> ConfigMapGenerator => Mappings("configMapGenerator");
    public List<YMapping> SecretGenerator => Mappings("secretGenerator");
    public YMapping? GeneratorOptions => Raw.GetMapping("generatorOptions");
    public List<YMapping> Vars => Mappings("vars");
    public List<YMapping> Replacements => Mappings("replacements");
    public YMapping? SortOptions => Raw.GetMapping("sortOptions");
    public string? OpenApiPath => Raw.GetMapping("openapi")?.GetString("path");

    public static Kustomization Parse(string text, string source)
    {
        var node = YamlReader.ReadSingle(text, source);
        if (node is not YMapping map)
            throw new KustomizeException(node is null ? "kustomization.yaml is empty" : $"kustomization file {source} is not a mapping");
        KustomizationSchema.Check(map);
        // kustomize's CheckEmpty: a file that sets nothing but its kind and apiVersion is an error.
        if (map.Entries.All(e => e.Key is "apiVersion" or "kind" || e.Value is YScalar { IsNull: true } or YScalar { Value: "" }))
            throw new KustomizeException("kustomization.yaml is empty");
        var k = new Kustomization { Raw = CanonicalKeys(map) };
        k.Resources.AddRange(k.Strings("resources"));
        k.Resources.AddRange(k.Strings("bases"));
        k.Images.AddRange(k.Mappings("images"));
        k.Images.AddRange(k.Mappings("imageTags"));
        if (k.Raw["helmCharts"] is not null || k.Raw["helmChartInflationGenerator"] is not null)
            throw new KustomizeException(
                $"helmCharts in {source} are not supported: kustomize needs --enable-helm and a helm binary for them; " +
                "Tide renders charts through a HelmRelease instead");
        // kustomize's EnforceFields.
        var root = source.Contains('/') ? source[..source.LastIndexOf('/')] : ".";
        if (map.GetString("kind") is { Length: > 0 } kind && kind is not ("Kustomization" or "Component"))
            throw new KustomizeException($"Failed to read kustomization file under {root}:\nkind should be Kustomization or Component");
        var requiredVersion = k.IsComponent ? "kustomize.config.k8s.io/v1alpha1" : "kustomize.config.k8s.io/v1beta1";
        if (k.Raw.GetString("apiVersion") is { Length: > 0 } apiVersion && apiVersion != requiredVersion)
            throw new KustomizeException($"Failed to read kustomization file under {root}:\napiVersion for {k.Kind} should be {requiredVersion}");
        return k;
    }

    private static readonly string[] KnownFields =
    [
        "apiVersion", "kind", "metadata", "resources", "bases", "components", "crds", "configurations", "transformers",
        "generators", "validators", "buildMetadata", "namespace", "namePrefix", "nameSuffix", "commonLabels", "labels",
        "commonAnnotations", "images", "imageTags", "replicas", "patches", "patchesStrategicMerge", "patchesJson6902",
        "configMapGenerator", "secretGenerator", "generatorOptions", "vars", "replacements", "sortOptions", "openapi",
        "helmCharts", "helmGlobals", "helmChartInflationGenerator",
    ];

    /// <summary>kustomize reads the file through Go's encoding/json, which matches field names ignoring case.</summary>
    private static YMapping CanonicalKeys(YMapping map)
    {
        var result = new YMapping { Tag = map.Tag };
        foreach (var (key, value) in map.Entries)
            result[KnownFields.FirstOrDefault(f => f.Equals(key, StringComparison.OrdinalIgnoreCase)) ?? key] = value;
        return result;
    }

    private List<string> Strings(string key) =>
        Raw.GetSequence(key)?.Items.OfType<YScalar>().Select(s => s.Value).ToList() ?? [];

    private List<YMapping> Mappings(string key) => Raw.GetSequence(key)?.Items.OfType<YMapping>().ToList() ?? [];
}
