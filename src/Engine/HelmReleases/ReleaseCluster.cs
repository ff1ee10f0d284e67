using System.Text.Json.Nodes;
using Tide.Engine.Api;
using Tide.Engine.Apply;
using Tide.Engine.Kube;
using Tide.Engine.Reconcilers;

namespace Tide.Engine.HelmReleases;

/// <summary>
/// The cluster a HelmRelease's release lives in, as the HelmRelease acts there (<see cref="TargetCluster"/>: its
/// spec.kubeConfig, its ServiceAccount): the release storage, the hooks, and the applies, dry-runs and deletions of
/// the release's objects all go through <see cref="Client"/>.
/// </summary>
internal sealed class ReleaseCluster : IDisposable
{
    public const string RestClientErrorReason = "RESTClientError";

    private readonly TargetCluster _target;
    private readonly HelmReleaseReconcilerOptions _options;

    private ReleaseCluster(TargetCluster target, HelmRelease hr, HelmReleaseReconcilerOptions options)
    {
        _target = target;
        _options = options;
        Storage = new ReleaseStorage(target.Client, ReleaseNames.Storage(hr), options.Time);
    }

    /// <exception cref="ReconcileFailure">RESTClientError (helm-controller's reason): the kubeconfig Secret is
    /// missing or unusable.</exception>
    public static async Task<ReleaseCluster> OpenAsync(KubeClient kube, HelmRelease hr, HelmReleaseReconcilerOptions options, CancellationToken ct)
    {
        try
        {
            return new(await TargetCluster.OpenAsync(kube, options.Clusters, hr.Metadata.NamespaceProperty ?? "default", hr.Spec.ServiceAccountName, hr.Spec.KubeConfig,
                options.DefaultServiceAccount, ct), hr, options);
        }
        catch (ReconcileFailure e)
        {
            throw new ReconcileFailure(RestClientErrorReason, e.Message, e.Terminal, e);
        }
    }

    public KubeClient Client => _target.Client;

    public ReleaseStorage Storage { get; }

    public HookRunner Hooks => new(Client, _options);

    /// <summary>Whether the impersonated ServiceAccount exists (true without one).</summary>
    public Task<bool> ServiceAccountExistsAsync(CancellationToken ct) => _target.ServiceAccountExistsAsync(ct);

    /// <summary>What Helm does to each object before it applies it: the release namespace on namespaced objects that
    /// name none, and the ownership metadata by which helm recognizes its release's objects.</summary>
    public async Task<IReadOnlyList<JsonObject>> PrepareAsync(IReadOnlyList<JsonObject> objects, string release, string @namespace, CancellationToken ct)
    {
        var prepared = new List<JsonObject>();
        foreach (var source in objects)
        {
            var obj = source.DeepClone().AsObject();
            var target = ObjectRef.Of(obj);
            var metadata = obj["metadata"] as JsonObject ?? (JsonObject)(obj["metadata"] = new JsonObject());
            if (target.Namespace.Length == 0 && (await Client.ResolveAsync(target.ApiVersion, target.Kind, ct)).Namespaced)
                metadata["namespace"] = @namespace;
            var labels = metadata["labels"] as JsonObject ?? (JsonObject)(metadata["labels"] = new JsonObject());
            labels["app.kubernetes.io/managed-by"] = "Helm";
            var annotations = metadata["annotations"] as JsonObject ?? (JsonObject)(metadata["annotations"] = new JsonObject());
            annotations["meta.helm.sh/release-name"] = release;
            annotations["meta.helm.sh/release-namespace"] = @namespace;
            prepared.Add(obj);
        }
        return prepared;
    }

    public async Task<IReadOnlyList<ChangeSetEntry>> ApplyAsync(IReadOnlyList<JsonObject> objects, HelmRelease hr, CancellationToken ct) =>
        await new Applier(Client).ApplyStagedAsync(objects, new ApplierOptions
        {
            FieldManager = _options.FieldManager,
            Force = hr.Spec.Upgrade?.Force == true,
            OwnerLabels = new Dictionary<string, string>
            {
                [HelmReleaseReconciler.NameLabel] = hr.Metadata.Name,
                [HelmReleaseReconciler.NamespaceLabel] = hr.Metadata.NamespaceProperty ?? "default",
            },
        }, ct);

    /// <summary>The chart's CustomResourceDefinitions (crds/) by helm-controller's policy: Skip applies none, Create
    /// the ones the cluster lacks (existing ones are left as they are), CreateReplace all of them.</summary>
    public async Task ApplyCrdsAsync(IReadOnlyList<JsonObject> crds, string policy, HelmRelease hr, CancellationToken ct)
    {
        if (policy == CrdPolicy.Skip)
            return;
        var selected = new List<JsonObject>();
        foreach (var crd in crds)
            if (policy == CrdPolicy.CreateReplace || await Client.GetAsync(ObjectRef.Of(crd), ct) is null)
                selected.Add(crd);
        if (selected.Count > 0)
            await ApplyAsync(selected, hr, ct);
    }

    /// <summary>The release's objects as drift detection sees them (<see cref="DriftIgnore"/>), each against the
    /// cluster's copy; the ones left out entirely are not returned.</summary>
    public async Task<IReadOnlyList<JsonObject>> MaskDriftAsync(IReadOnlyList<JsonObject> objects, DriftIgnore ignore, CancellationToken ct)
    {
        var masked = new List<JsonObject>();
        foreach (var obj in objects)
            if (ignore.Mask(obj, await Client.GetAsync(ObjectRef.Of(obj), ct)) is { } seen)
                masked.Add(seen);
        return masked;
    }

    /// <summary>driftDetection.mode warn: which objects a server-side dry-run apply would change.</summary>
    public async Task<IReadOnlyList<ChangeSetEntry>> DiffAsync(IReadOnlyList<JsonObject> objects, CancellationToken ct)
    {
        var changes = new List<ChangeSetEntry>();
        foreach (var obj in objects)
        {
            var target = ObjectRef.Of(obj);
            var live = await Client.GetAsync(target, ct);
            if (live is null)
            {
                changes.Add(new ChangeSetEntry(target, ChangeAction.Created));
                continue;
            }
            var dryRun = await Client.ApplyAsync(obj.DeepClone().AsObject(), new ApplyOptions { FieldManager = _options.FieldManager, Force = true, DryRun = true }, ct);
            changes.Add(new ChangeSetEntry(target, JsonNode.DeepEquals(live["spec"], dryRun["spec"]) && JsonNode.DeepEquals(live["data"], dryRun["data"])
                ? ChangeAction.Unchanged : ChangeAction.Configured));
        }
        return changes;
    }

    /// <summary>Deletes what the previous release had and the new one does not (Helm's upgrade does).</summary>
    public async Task DeleteRemovedAsync(Release previous, IReadOnlyList<JsonObject> current, CancellationToken ct)
    {
        var kept = current.Select(o => ObjectRef.Of(o).InventoryId).ToHashSet(StringComparer.Ordinal);
        foreach (var obj in ReleaseRenderer.ObjectsOf(previous.Manifest).Select(o => HelmReleaseReconciler.WithNamespace(o, previous.Namespace)))
        {
            var target = ObjectRef.Of(obj);
            if (!kept.Contains(target.InventoryId))
                await Client.DeleteAsync(target, "Background", ct);
        }
    }

    public async Task CreateNamespaceAsync(string @namespace, CancellationToken ct)
    {
        if (await Client.GetAsync(new ObjectRef("v1", "Namespace", "", @namespace), ct) is null)
            await Client.ApplyAsync(new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Namespace",
                ["metadata"] = new JsonObject { ["name"] = @namespace },
            }, new ApplyOptions { FieldManager = _options.FieldManager }, ct);
    }

    public void Dispose() => _target.Dispose();
}
