using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>SOPS-encrypted Secrets in Git are decrypted with the keys of spec.decryption.secretRef before they are
/// applied (fixtures: Flux's own, from the shared corpus), and never applied encrypted.</summary>
public sealed class DecryptionTests
{
    private static readonly string Fixtures = Path.Combine(CorpusPaths.Root, "sops", "flux-kustomize-controller",
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
}
