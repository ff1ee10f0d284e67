using System.Text.Json.Nodes;
using Tide.Actors.Handlers;
using Tide.ApiServer;
using Tide.Engine.Api;
using Tide.Engine.Kube;
using Tide.Host.Runtime;
using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>The embedded API server with Tide's CRDs and a flux-system namespace, without Tide nodes: for tests of
/// the handlers that write status (one per test class).</summary>
public sealed class FluxCluster : IAsyncLifetime
{
    private readonly TempDirectory _dir = new("tide-flux-cluster-");
    private ApiServerHost _server = null!;

    public KubeClient Kube { get; private set; } = null!;

    public StatusWriter Status => new(Kube, "tide", new EventRecorder(Kube, TimeProvider.System), TimeProvider.System);

    public string Combine(string name) => _dir.Combine(name);

    public async Task InitializeAsync()
    {
        _server = await ApiServerHost.StartAsync(new ApiServerOptions());
        Kube = KubeClient.FromKubeconfig(_server.WriteKubeconfig(_dir.Combine("kubeconfig")));
        await CrdInstaller.InstallMissingAsync(Kube, CancellationToken.None);
        await Kube.CreateAsync(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = "flux-system" } },
            CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        Kube.Dispose();
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    public Task<JsonObject> CreateGitRepositoryAsync(string name) => Kube.CreateAsync(FluxJson.ToNode(new GitRepository
    {
        Metadata = new k8s.Models.V1ObjectMeta { Name = name, NamespaceProperty = "flux-system" },
        Spec = new GitRepositorySpec { Url = "https://example.invalid/app.git", Interval = GoDuration.Parse("1m") },
    }).AsObject(), CancellationToken.None);
}
