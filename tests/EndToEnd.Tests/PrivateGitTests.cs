using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>A GitRepository over SSH whose key and known_hosts come from a Secret, with its head commit's PGP
/// signature verified against keys from another Secret, applied by a Kustomization.</summary>
public sealed class PrivateGitTests
{
    [Fact]
    public async Task SshRepository_WithSignedCommit_IsVerifiedAndApplied()
    {
        await using var ssh = await GitSshServer.StartAsync();
        using var signer = await GpgSigner.CreateAsync();
        using var files = new TempDirectory();
        var bare = await ssh.CreateBareRepositoryAsync("private.git");
        var work = await WorkRepository.InitAsync(files.Combine("work"));
        var sha = await signer.CommitAsync(work, "private app", ("app/settings.yaml", Manifests.ConfigMap("default", "from-ssh", "v1")));
        await work.PushAsync(bare);
        files.Write("identity", ssh.ClientKey);
        files.Write("known_hosts", ssh.KnownHosts);
        files.Write("signer.asc", signer.PublicKey);

        await using var env = await TideEnvironment.StartAsync();
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        await env.Kubectl.RunAsync("create", "secret", "generic", "ssh-auth", "-n", "flux-system",
            "--from-file=identity=" + files.Combine("identity"), "--from-file=known_hosts=" + files.Combine("known_hosts"));
        await env.Kubectl.RunAsync("create", "secret", "generic", "pgp-keys", "-n", "flux-system",
            "--from-file=signer.asc=" + files.Combine("signer.asc"));
        await env.Kubectl.ApplyAsync($"""
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: GitRepository
            metadata:
              name: private
              namespace: flux-system
            spec:
              url: {ssh.UrlFor("private.git")}
              interval: 1m
              ref:
                branch: main
              secretRef:
                name: ssh-auth
              verify:
                mode: HEAD
                secretRef:
                  name: pgp-keys
            """);
        await env.Kubectl.ApplyAsync(Manifests.Kustomization("private", "private", "./app"));

        var revision = await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("gitrepository/private", "flux-system", "{.status.artifact.revision}"),
            r => r == $"main@sha1:{sha}", TimeSpan.FromSeconds(60), "the private repository's artifact");
        Assert.Equal("True", await env.Kubectl.JsonPathAsync("gitrepository/private", "flux-system",
            "{.status.conditions[?(@.type==\"SourceVerified\")].status}"));
        await SingleNodeTests.WaitForAppliedRevisionAsync(env, "private", revision!);
        Assert.Equal("v1", await env.Kubectl.JsonPathAsync("configmap/from-ssh", "default", "{.data.value}"));
    }
}
