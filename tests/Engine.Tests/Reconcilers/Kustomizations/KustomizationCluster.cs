using System.Text.Json.Nodes;
using Tide.ApiServer;
using Tide.Engine.Api;
using Tide.Engine.Api.Crds;
using Tide.Engine.Apply;
using Tide.Engine.Kube;
using Tide.Engine.Manifests;

namespace Tide.Engine.Tests.Reconcilers.Kustomizations;

/// <summary>The embedded API server with Tide's CRDs, for the Kustomization phases' tests (one per test class); each
/// test works with objects of its own names in flux-system.</summary>
public sealed class KustomizationCluster : IAsyncLifetime
{
    public const string Namespace = "flux-system";
    private readonly TempDirectory _temp = new();
    private ApiServerHost _server = null!;

    public KubeClient Kube { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _server = await ApiServerHost.StartAsync(new ApiServerOptions { WorkloadDelay = TimeSpan.FromMilliseconds(100) });
        Kube = KubeClient.FromKubeconfig(_server.WriteKubeconfig(_temp.Combine("kubeconfig")));
        await new Applier(Kube).ApplyStagedAsync([.. Crds.Manifests(), Read($"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {Namespace}\n")],
            new ApplierOptions(), CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        Kube.Dispose();
        await _server.DisposeAsync();
        _temp.Dispose();
    }

    public static JsonObject Read(string yaml) => ManifestReader.Read(yaml, "test.yaml").Single();

    /// <summary>A Kustomization as users write it (<paramref name="spec"/>: more spec lines, indented by two).</summary>
    public static Kustomization Kustomization(string name, string spec = "") => FluxJson.FromYaml<Kustomization>($"""
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata:
          name: {name}
          namespace: {Namespace}
        spec:
          interval: 10m
          retryInterval: 30s
          path: ./
          prune: true
          sourceRef:
            kind: GitRepository
            name: repo
        {spec}
        """);

    /// <summary>Creates <paramref name="ks"/> on the server with <paramref name="status"/>; returns it as stored.</summary>
    public async Task<Kustomization> CreateAsync(Kustomization ks, KustomizationStatus? status = null)
    {
        var created = await Kube.CreateAsync(FluxJson.ToNode(ks with { Status = null }).AsObject(), CancellationToken.None);
        if (status is not null)
            created = await Kube.ApplyStatusAsync(ObjectRef.Of(created), FluxJson.ToNode(status).AsObject(), "test", CancellationToken.None);
        return FluxJson.FromNode<Kustomization>(created);
    }

    public Task<JsonObject> CreateAsync(string yaml) => Kube.CreateAsync(Read(yaml), CancellationToken.None);

    public async Task<JsonObject?> GetAsync(string apiVersion, string kind, string ns, string name) =>
        await Kube.GetAsync(new ObjectRef(apiVersion, kind, ns, name), CancellationToken.None);

    /// <summary>A Ready status at the object's generation that applied <paramref name="revision"/>.</summary>
    public static KustomizationStatus ReadyStatus(long generation, string revision) => new()
    {
        ObservedGeneration = generation,
        LastAppliedRevision = revision,
        Conditions =
        [
            new Condition
            {
                Type = ConditionTypes.Ready, Status = ConditionStatus.True, Reason = ConditionReasons.ReconciliationSucceeded,
                Message = "Applied revision: " + revision, LastTransitionTime = DateTime.UtcNow, ObservedGeneration = generation,
            },
        ],
    };
}
