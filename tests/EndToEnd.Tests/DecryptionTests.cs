using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>SOPS-encrypted Secrets in Git are decrypted with the keys of spec.decryption.secretRef before they are
/// applied (fixtures: Flux's own, from the shared corpus), and never applied encrypted.</summary>
public sealed class DecryptionTests
{
    private static readonly string Fixtures = Path.Combine(TestPaths.Corpus, "sops", "flux-kustomize-controller",
        "internal", "controller", "testdata", "sops");

    [Fact]
    public async Task AgeEncryptedSecret_IsDecryptedAndApplied_AndWithoutKeysIsRefused()
    {
        await using var env = await TideEnvironment.StartAsync();
        var repo = await env.CreateRepositoryAsync("secrets");
        repo.Write("app/secret.yaml", File.ReadAllText(Path.Combine(Fixtures, "algorithms", "age.yaml")));
        var commit = await repo.CommitAndPushAsync("encrypted secret");
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.RunAsync("create", "secret", "generic", "sops-keys", "-n", "flux-system",
            "--from-file=identity.agekey=" + Path.Combine(Fixtures, "keys", "age.txt"));
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("secrets", env.Git.RepositoryUrl("secrets")));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("plain", "secrets", "./app", targetNamespace: "default"));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("decrypted", "secrets", "./app", targetNamespace: "flux-system") + """

              decryption:
                provider: sops
                secretRef:
                  name: sops-keys
            """);

        await SingleNodeTests.WaitForAppliedRevisionAsync(env, "decrypted", $"main@sha1:{commit}");
        var value = await env.Kubectl.JsonPathAsync("secret/age", "flux-system", "{.data.key}");
        Assert.Equal("value", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(value!)));
        Assert.Null(await env.Kubectl.JsonPathAsync("secret/age", "flux-system", "{.sops}") is { Length: > 0 } ? "sops" : null);

        var refused = await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("kustomization/plain", "flux-system",
                "{.status.conditions[?(@.type==\"Ready\")].message}"),
            m => m?.Contains("SOPS", StringComparison.Ordinal) == true, TimeSpan.FromSeconds(60), "the encrypted Secret to be refused");
        Assert.Contains("spec.decryption", refused);
        Assert.Null(await env.Kubectl.JsonPathAsync("secret/age", "default", "{.metadata.name}"));
    }

    [Fact]
    public async Task EncryptedGeneratorInputs_AreDecryptedBeforeTheBuild_LikeKubectlKustomizeOnThePlaintext()
    {
        await using var env = await TideEnvironment.StartAsync();
        var repo = await env.CreateRepositoryAsync("generators");
        foreach (var dir in new[] { "envs", "files" })
            foreach (var file in Directory.GetFiles(Path.Combine(Fixtures, dir)).Where(f => !f.EndsWith(".datakey") && !f.EndsWith(".expected")))
                repo.Write($"{dir}/{Path.GetFileName(file)}", File.ReadAllText(file));
        repo.Write("kustomization.yaml", "resources:\n- envs\n- files\n");
        var commit = await repo.CommitAndPushAsync("encrypted generator inputs");

        // The oracle: kubectl kustomize on the same tree with the independently decrypted plaintexts.
        using var plain = new TempDirectory();
        foreach (var dir in new[] { "envs", "files" })
            foreach (var file in Directory.GetFiles(Path.Combine(Fixtures, dir)).Where(f => !f.EndsWith(".datakey") && !f.EndsWith(".expected")))
            {
                var plaintext = file + ".expected";
                plain.Write($"{dir}/{Path.GetFileName(file)}", File.ReadAllText(File.Exists(plaintext) ? plaintext : file));
            }
        plain.Write("kustomization.yaml", "resources:\n- envs\n- files\n");
        var oracle = await ProcessRunner.RunCheckedAsync("kubectl", ["kustomize", plain.Path]);

        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.RunAsync("create", "secret", "generic", "sops-keys", "-n", "flux-system",
            "--from-file=identity.agekey=" + Path.Combine(Fixtures, "keys", "age.txt"),
            "--from-file=pgp.asc=" + Path.Combine(Fixtures, "keys", "pgp.asc"));
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("generators", env.Git.RepositoryUrl("generators")));
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("generators", "generators", "./", targetNamespace: "default") + """

              decryption:
                provider: sops
                secretRef:
                  name: sops-keys
            """);
        await SingleNodeTests.WaitForAppliedRevisionAsync(env, "generators", $"main@sha1:{commit}");

        var expected = Tide.Engine.Yaml.YamlJson.ParseAll(oracle).OfType<System.Text.Json.Nodes.JsonObject>().ToList();
        foreach (var (kind, name) in new[] { ("configmap", "envs-configmap"), ("configmap", "files-configmap"), ("secret", "envs-secret"), ("secret", "files-secret") })
        {
            var want = expected.Single(o => o["metadata"]!["name"]!.GetValue<string>() == name)["data"]!.ToJsonString();
            var applied = await env.Kubectl.RunAsync("get", $"{kind}/{name}", "-n", "default", "-o", "json");
            var got = System.Text.Json.Nodes.JsonNode.Parse(applied)!["data"]!.ToJsonString();
            Assert.Equal(want, got);
        }
    }
}
