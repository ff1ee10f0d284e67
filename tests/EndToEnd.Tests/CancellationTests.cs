using System.Net;
using System.Net.Sockets;
using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>Work that became stale stops: a new generation of an object cancels its fetch under way, so the entity
/// is not stuck behind it (Tide's one cancellation source per entity).</summary>
public sealed class CancellationTests
{
    [Fact]
    public async Task NewGeneration_StopsAHangingFetch_AndTheNewSpecIsFetchedAtOnce()
    {
        await using var env = await TideEnvironment.StartAsync();
        var repo = await env.CreateRepositoryAsync("app");
        repo.Write("cm.yaml", Manifests.ConfigMap("default", "app", "v1"));
        var commit = await repo.CommitAndPushAsync("app");
        // A git server that accepts connections and never answers.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var accepted = silent.AcceptTcpClientAsync();
        await env.Kubectl.ApplyAsync(Manifests.FluxSystem);
        // With credentials the fetch goes through the git CLI, whose process a cancellation stops. (libgit2, used
        // without credentials, cannot be interrupted mid-request.)
        await env.Kubectl.ApplyAsync("""
            apiVersion: v1
            kind: Secret
            metadata:
              name: creds
              namespace: flux-system
            stringData:
              username: git
              password: secret
            """);
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("app", $"http://127.0.0.1:{port}/app.git", interval: "10m")
            + "\n  timeout: 5m\n  secretRef:\n    name: creds\n");
        using var hanging = await accepted.WaitAsync(TimeSpan.FromSeconds(60));

        // The user fixes the URL while the fetch hangs (it would for spec.timeout, five minutes).
        await env.Kubectl.ApplyAsync(Manifests.GitRepository("app", env.Git.RepositoryUrl("app"), interval: "10m") + "\n  timeout: 5m\n");

        await Eventually.WaitAsync(() => env.Kubectl.JsonPathAsync("gitrepository/app", "flux-system", "{.status.artifact.revision}"),
            revision => revision == $"main@sha1:{commit}", TimeSpan.FromSeconds(30), "the new URL to be fetched");
    }
}
