using System.Text;
using System.Text.Json.Nodes;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Decryption;
using Tide.Engine.Kustomize;
using Tide.Engine.Manifests;
using Tide.Engine.Tests.Decryption;

namespace Tide.Engine.Tests.Manifests;

/// <summary>
/// A build from an artifact unpacked in memory gives what the build from the artifact unpacked to disk gives (plain
/// YAML, Flux's overlay, decryption, errors), and never changes the shared tree, so builds of one artifact are
/// independent.
/// </summary>
public sealed class ManifestBuilderFromMemoryTests : IDisposable
{
    private const string FluxSops = "flux-kustomize-controller/internal/controller/testdata/sops/";
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static readonly FluxOverlay Overlay = new()
    {
        Namespace = "team",
        NamePrefix = "p-",
        CommonMetadata = new CommonMetadata { Labels = new Dictionary<string, string> { ["owner"] = "team" } },
        Components = ["../components/extra", "../components/missing"],
        IgnoreMissingComponents = true,
    };

    private static readonly Dictionary<string, string> Kustomized = new()
    {
        ["apps/kustomization.yml"] = "resources:\n- deploy.yaml\n- cm.yaml\n",
        ["apps/deploy.yaml"] = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n",
        ["apps/cm.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n",
        ["components/extra/kustomization.yaml"] =
            "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncommonAnnotations:\n  extra: \"yes\"\n",
    };

    private static readonly Dictionary<string, string> PlainYaml = new()
    {
        ["apps/a.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a2\n",
        ["apps/sub/b.yml"] = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: b\n",
        ["apps/sub/deeper/c.json"] = "{\"apiVersion\": \"v1\", \"kind\": \"ServiceAccount\", \"metadata\": {\"name\": \"c\"}}",
        ["apps/README.md"] = "not a manifest",
    };

    /// <summary>Plain YAML and a sub-directory with a kustomization of its own (a base of Flux's generated one).</summary>
    private static readonly Dictionary<string, string> PlainYamlWithBase = new(PlainYaml)
    {
        ["apps/sub/with-own/kustomization.yaml"] = "resources:\n- d.yaml\nnamePrefix: own-\n",
        ["apps/sub/with-own/d.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\n",
    };

    private async Task<byte[]> ArtifactAsync(IReadOnlyDictionary<string, string> files)
    {
        var source = _temp.Combine("source-" + Guid.NewGuid().ToString("N"));
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(source, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllTextAsync(full, content);
        }
        using var packed = new MemoryStream();
        await TarballPacker.PackAsync(source, packed, null, CancellationToken.None);
        return packed.ToArray();
    }

    private async Task<string> OnDiskAsync(byte[] artifact)
    {
        var root = _temp.Combine("work-" + Guid.NewGuid().ToString("N"));
        await TarballUnpacker.UnpackAsync(new MemoryStream(artifact), root, UnpackLimits.Default, CancellationToken.None);
        return root;
    }

    private static Task<ArchiveTree> InMemoryAsync(byte[] artifact) =>
        TarballUnpacker.UnpackToMemoryAsync(new MemoryStream(artifact), UnpackLimits.Default, CancellationToken.None);

    /// <summary>The objects the reconciler builds from disk (before) and from memory (now).</summary>
    private async Task<(string Disk, string Memory)> BuildBothAsync(IReadOnlyDictionary<string, string> files, string path,
        FluxOverlay? overlay, SopsDecryptor? decryptor = null)
    {
        var artifact = await ArtifactAsync(files);
        var root = await OnDiskAsync(artifact);
        if (decryptor is not null)
            KustomizationInputs.Decrypt(root, decryptor);
        var disk = ManifestBuilder.Build(Path.Combine(root, path), overlay, loadBoundary: root);
        var memory = new CopyOnWriteFileTree(await InMemoryAsync(artifact));
        if (decryptor is not null)
            KustomizationInputs.Decrypt(memory, "/", decryptor);
        var built = ManifestBuilder.Build(memory, "/" + path, overlay, loadBoundary: "/");
        return (Json(disk), Json(built));
    }

    private static string Json(IReadOnlyList<JsonObject> objects) => new JsonArray(objects.Select(o => o.DeepClone()).ToArray()).ToJsonString();

    private static List<string> Names(IReadOnlyList<JsonObject> objects) =>
        objects.Select(o => o["metadata"]!["name"]!.GetValue<string>()).ToList();

    [Fact]
    public async Task Build_PlainYamlDirectory_GivesTheSameObjectsFromMemoryAsFromDisk()
    {
        var (disk, memory) = await BuildBothAsync(PlainYaml, "apps", overlay: null);

        Assert.Equal(disk, memory);
        Assert.Equal(["a", "a2", "b"], Names(JsonNode.Parse(memory)!.AsArray().Select(o => o!.AsObject()).ToList()));
    }

    [Fact]
    public async Task Build_PlainYamlDirectoryWithFluxOverlay_GeneratesTheSameKustomizationFromMemoryAsFromDisk()
    {
        var (disk, memory) = await BuildBothAsync(PlainYamlWithBase, "apps", new FluxOverlay { Namespace = "team" });

        Assert.Equal(disk, memory);
        Assert.Contains("\"own-d\"", memory); // the sub-directory with a kustomization is built as a base
    }

    [Fact]
    public async Task Build_KustomizationWithFluxOverlay_GivesTheSameObjectsFromMemoryAsFromDisk()
    {
        var (disk, memory) = await BuildBothAsync(Kustomized, "apps", Overlay);

        Assert.Equal(disk, memory);
        var objects = JsonNode.Parse(memory)!.AsArray();
        Assert.All(objects, o =>
        {
            Assert.Equal("team", o!["metadata"]!["namespace"]!.GetValue<string>());
            Assert.StartsWith("p-", o["metadata"]!["name"]!.GetValue<string>());
            Assert.Equal("yes", o["metadata"]!["annotations"]!["extra"]!.GetValue<string>());
        });
    }

    [Fact]
    public async Task Build_InvalidYaml_NamesTheFileRelativeToThePathFromMemoryAsFromDisk()
    {
        var files = new Dictionary<string, string>(PlainYaml) { ["apps/sub/bad.yaml"] = "kind: [unclosed\n" };

        var disk = await Assert.ThrowsAsync<ManifestException>(() => BuildBothAsync(files, "apps", overlay: null));
        var artifact = await ArtifactAsync(files);
        var memory = Assert.Throws<ManifestException>(() =>
            ManifestBuilder.Build(new CopyOnWriteFileTree(InMemoryAsync(artifact).GetAwaiter().GetResult()), "/apps"));

        Assert.StartsWith("sub/bad.yaml: invalid YAML at line", memory.Message);
        Assert.Equal(disk.Message, memory.Message);
    }

    [Fact]
    public async Task Build_KustomizeError_IsReportedFromMemoryAsFromDisk()
    {
        var files = new Dictionary<string, string>(Kustomized) { ["apps/kustomization.yml"] = "resources:\n- missing.yaml\n" };
        var artifact = await ArtifactAsync(files);
        var root = DiskFileSystem.Instance.Normalize(await OnDiskAsync(artifact));

        var disk = Assert.Throws<ManifestException>(() => ManifestBuilder.Build(Path.Combine(root, "apps"), Overlay, root));
        var tree = await InMemoryAsync(artifact);
        var memory = Assert.Throws<ManifestException>(() => ManifestBuilder.Build(new CopyOnWriteFileTree(tree), "/apps", Overlay, "/"));

        Assert.StartsWith("kustomize build failed: ", memory.Message);
        Assert.Equal(disk.Message.Replace(root, ""), memory.Message);
    }

    [Fact]
    public async Task Build_TwoOverlaysOnOneSharedTree_AreIndependentAndLeaveTheTreeAsUnpacked()
    {
        var tree = await InMemoryAsync(await ArtifactAsync(Kustomized));

        var first = ManifestBuilder.Build(new CopyOnWriteFileTree(tree), "/apps", new FluxOverlay { NamePrefix = "a-" }, "/");
        var second = ManifestBuilder.Build(new CopyOnWriteFileTree(tree), "/apps", new FluxOverlay { NamePrefix = "b-" }, "/");
        var plain = ManifestBuilder.Build(new CopyOnWriteFileTree(tree), "/apps", overlay: null, "/");

        Assert.Equal(["a-settings", "a-web"], Names(first).Order());
        Assert.Equal(["b-settings", "b-web"], Names(second).Order());
        Assert.Equal(["settings", "web"], Names(plain).Order());
        Assert.True(tree.FileExists("/apps/kustomization.yml"));
        Assert.False(tree.FileExists("/apps/kustomization.yaml"));
        Assert.Equal(Kustomized["apps/kustomization.yml"], Encoding.UTF8.GetString(tree.ReadAllBytes("/apps/kustomization.yml")));
    }

    [Fact]
    public async Task Build_WithDecryption_DecryptsInTheBuildsViewOnly()
    {
        var decryptor = SopsDecryptor.Create([SopsCorpus.KeyEntry(FluxSops + "keys/age.txt")]);
        var encrypted = await File.ReadAllTextAsync(SopsCorpus.PathOf(FluxSops + "envs/env.env"));
        var files = new Dictionary<string, string>
        {
            ["apps/kustomization.yaml"] = "secretGenerator:\n- name: creds\n  envs:\n  - env.env\n",
            ["apps/env.env"] = encrypted,
        };

        var (disk, memory) = await BuildBothAsync(files, "apps", overlay: null, decryptor);

        Assert.Equal(disk, memory);
        var secret = JsonNode.Parse(memory)!.AsArray().Single()!;
        Assert.Equal("value", Encoding.UTF8.GetString(Convert.FromBase64String(secret["data"]!["key"]!.GetValue<string>())));

        var tree = await InMemoryAsync(await ArtifactAsync(files));
        var decrypted = new CopyOnWriteFileTree(tree);
        KustomizationInputs.Decrypt(decrypted, "/", decryptor);
        var fromDecrypted = ManifestBuilder.Build(decrypted, "/apps", overlay: null, "/");
        var fromShared = ManifestBuilder.Build(new CopyOnWriteFileTree(tree), "/apps", overlay: null, "/");

        Assert.Equal(encrypted, Encoding.UTF8.GetString(tree.ReadAllBytes("/apps/env.env")));
        Assert.NotEqual(Names(fromDecrypted), Names(fromShared)); // the name hashes the (decrypted or not) content
        Assert.Equal(memory, Json(fromDecrypted));
    }
}
