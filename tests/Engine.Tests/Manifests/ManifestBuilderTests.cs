using System.Text.Json.Nodes;
using Tide.Engine.Manifests;
using Tide.Engine.Tests.Kustomize;

namespace Tide.Engine.Tests.Manifests;

/// <summary>
/// A path without a kustomization file is built from the kustomization Flux's generator writes for it: the build must
/// equal `kubectl kustomize` of the same files with that generated kustomization added.
/// </summary>
public sealed class ManifestBuilderTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string ConfigMap(string name) => $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n";

    private static string FluxKustomization(string name, string path) => $"""
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata:
          name: {name}
          namespace: flux-system
        spec:
          interval: 10m
          path: {path}
          prune: true
          sourceRef:
            kind: GitRepository
            name: flux-system

        """;

    /// <summary>clusters/staging as `flux bootstrap` leaves it, next to two Kustomizations of the user's.</summary>
    private static readonly Dictionary<string, string> Bootstrap = new()
    {
        ["flux-system/gotk-components.yaml"] = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: flux-system\n",
        ["flux-system/gotk-sync.yaml"] = """
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: GitRepository
            metadata:
              name: flux-system
              namespace: flux-system
            spec:
              interval: 1m
              ref:
                branch: main
              url: https://git.example.com/fleet.git
            ---
            """ + "\n" + FluxKustomization("flux-system", "./clusters/staging"),
        ["flux-system/kustomization.yaml"] = """
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            resources:
            - gotk-components.yaml
            - gotk-sync.yaml
            """,
        ["infrastructure.yaml"] = FluxKustomization("infrastructure", "./infrastructure"),
        ["apps.yaml"] = FluxKustomization("apps", "./apps"),
    };

    private IReadOnlyList<JsonObject> BuildWithTide(IReadOnlyDictionary<string, string> files)
    {
        var root = _temp.Combine("tide-" + Guid.NewGuid().ToString("N"));
        foreach (var (path, content) in files)
            _temp.Write(Path.GetRelativePath(_temp.Path, Path.Combine(root, path)), content);
        return ManifestBuilder.Build(root);
    }

    /// <summary>kubectl kustomize of the files with Flux's generated kustomization (its resources as given).</summary>
    private static IReadOnlyList<JsonObject> BuildWithKubectl(IReadOnlyDictionary<string, string> files, params string[] generated)
    {
        var withGenerated = new Dictionary<string, string>(files)
        {
            ["kustomization.yaml"] = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n" +
                                     string.Concat(generated.Select(r => $"- {r}\n")),
        };
        var outcome = KubectlOracle.Kubectl(withGenerated);
        Assert.True(outcome.ExitCode == 0, "kubectl kustomize failed: " + outcome.Stderr);
        return ManifestReader.Read(outcome.Stdout, "kubectl");
    }

    private static string Json(IReadOnlyList<JsonObject> objects) => new JsonArray(objects.Select(o => o.DeepClone()).ToArray()).ToJsonString();

    [Fact]
    public void Build_BootstrapLayout_BuildsFluxSystemAsABaseNextToTheOtherManifests()
    {
        var built = BuildWithTide(Bootstrap);

        Assert.Equal(Json(BuildWithKubectl(Bootstrap, "./apps.yaml", "./flux-system", "./infrastructure.yaml")), Json(built));
        Assert.Equal(5, built.Count); // Namespace, GitRepository and three Kustomizations; the kustomize file is no object
    }

    [Fact]
    public void Build_WithoutKustomization_CountsOnlyYamlFilesAndEntersDirectoriesWithoutOne()
    {
        var files = new Dictionary<string, string>
        {
            ["a.yaml"] = ConfigMap("a"),
            ["b.json"] = """{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "from-json"}}""",
            ["README.md"] = "not: [a manifest",
            ["plain/c.yml"] = ConfigMap("c"),
            ["plain/deeper/d.yaml"] = ConfigMap("d"),
            ["base/kustomization.yaml"] = "resources:\n- e.yaml\nnamePrefix: base-\n",
            ["base/e.yaml"] = ConfigMap("e"),
            ["base/ignored.yaml"] = ConfigMap("not-listed-by-its-kustomization"),
        };

        var built = BuildWithTide(files);

        Assert.Equal(Json(BuildWithKubectl(files, "./a.yaml", "./base", "./plain/c.yml", "./plain/deeper/d.yaml")), Json(built));
        Assert.Equal(["a", "base-e", "c", "d"], built.Select(o => o["metadata"]!["name"]!.GetValue<string>()).Order());
    }

    [Fact]
    public void Build_WithoutKustomization_AFileThatIsNoKubernetesYamlNamesTheFile()
    {
        var files = new Dictionary<string, string>
        {
            ["a.yaml"] = ConfigMap("a"),
            ["sub/values.yaml"] = "replicas: 3\n",
        };

        var error = Assert.Throws<ManifestException>(() => BuildWithTide(files));

        Assert.StartsWith("sub/values.yaml: an object has no apiVersion or kind", error.Message);
    }
}
