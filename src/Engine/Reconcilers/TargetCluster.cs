using System.Text.Json.Nodes;
using Tide.Engine.Api;
using Tide.Engine.Apply;
using Tide.Engine.Kube;

namespace Tide.Engine.Reconcilers;

/// <summary>
/// The cluster a Kustomization's or HelmRelease's objects go to, and as whom. With <c>spec.kubeConfig.secretRef</c>
/// another cluster (the kubeconfig in that Secret, key <c>value</c> or <c>value.yaml</c> unless named); else this one.
/// With a ServiceAccount (spec.serviceAccountName, else the configured default) every apply, dry-run, prune, health
/// check and (for a HelmRelease) release storage access acts as that account of the object's namespace
/// (impersonation), so the cluster's RBAC decides what a tenant may see and change. Sources, dependencies, values,
/// substitution variables and decryption keys are always read from this cluster as Tide itself, as in Flux.
/// </summary>
public sealed class TargetCluster : IDisposable
{
    private readonly RemoteCluster? _remote;
    private readonly KubeClient? _impersonated;

    private TargetCluster(KubeClient cluster, RemoteCluster? remote, string? serviceAccount, string @namespace, string? remoteName)
    {
        _remote = remote;
        ServiceAccount = serviceAccount;
        Namespace = @namespace;
        Cluster = remote?.Client ?? cluster;
        RemoteName = remoteName;
        _impersonated = serviceAccount is null ? null
            : Cluster.Impersonating($"system:serviceaccount:{@namespace}:{serviceAccount}");
        Client = _impersonated ?? Cluster;
    }

    /// <summary>The client that acts for the Kustomization (impersonating its ServiceAccount when it has one).</summary>
    public KubeClient Client { get; }

    /// <summary>The ServiceAccount impersonated; null: Tide's own identity.</summary>
    public string? ServiceAccount { get; }

    /// <summary>How messages name a remote cluster (its kubeconfig Secret and API server); null: this cluster.</summary>
    public string? RemoteName { get; }

    private KubeClient Cluster { get; }

    private string Namespace { get; }

    /// <param name="clusters">The pool of remote clusters' clients.</param>
    /// <param name="defaultServiceAccount">Flux's --default-service-account (empty: none).</param>
    public static Task<TargetCluster> OpenAsync(KubeClient kube, RemoteClusters clusters, Kustomization ks,
        string defaultServiceAccount, CancellationToken ct) =>
        OpenAsync(kube, clusters, ks.Metadata.NamespaceProperty ?? "", ks.Spec.ServiceAccountName, ks.Spec.KubeConfig,
            defaultServiceAccount, ct);

    /// <param name="clusters">The pool of remote clusters' clients.</param>
    /// <param name="namespace">The namespace of the object acting: its ServiceAccount's and its kubeconfig Secret's.</param>
    /// <param name="defaultServiceAccount">Flux's --default-service-account (empty: none).</param>
    public static async Task<TargetCluster> OpenAsync(KubeClient kube, RemoteClusters clusters, string @namespace,
        string? serviceAccountName, KubeConfigReference? kubeConfig, string defaultServiceAccount, CancellationToken ct)
    {
        var account = serviceAccountName is { Length: > 0 } named ? named
            : defaultServiceAccount is { Length: > 0 } fallback ? fallback
            : null;
        if (kubeConfig is null)
            return new TargetCluster(kube, null, account, @namespace, null);
        // Never this cluster in place of the one asked for: what cannot be reached is a configuration error.
        if (kubeConfig.SecretRef is not { } secretRef || kubeConfig.ConfigMapRef is not null)
            throw new ReconcileFailure(ConditionReasons.ReconciliationFailed, kubeConfig.SecretRef is null && kubeConfig.ConfigMapRef is not null
                ? "spec.kubeConfig.configMapRef (cloud provider authentication) is not supported by Tide; use spec.kubeConfig.secretRef"
                : "exactly one of spec.kubeConfig.configMapRef or spec.kubeConfig.secretRef must be set", terminal: true);
        var remote = await OpenRemoteAsync(kube, clusters, @namespace, secretRef, ct);
        return new TargetCluster(kube, remote, account, @namespace, $"'{@namespace}/{secretRef.Name}' ({remote.Server})");
    }

    /// <summary>The pooled client of the cluster whose kubeconfig the Secret <paramref name="secretRef"/> of
    /// <paramref name="ns"/> holds (key <c>value</c> or <c>value.yaml</c> unless named), read as Tide from this
    /// cluster. A missing Secret is retried; one without a usable kubeconfig is a configuration error.</summary>
    public static async Task<RemoteCluster> OpenRemoteAsync(KubeClient kube, RemoteClusters clusters, string ns,
        SecretKeyReference secretRef, CancellationToken ct)
    {
        var secret = await kube.GetAsync(new ObjectRef("v1", "Secret", ns, secretRef.Name), ct)
            ?? throw new ReconcileFailure(ConditionReasons.ReconciliationFailed, $"kubeconfig Secret '{ns}/{secretRef.Name}' not found");
        var data = secret["data"] as JsonObject;
        var keys = secretRef.Key is { } key ? [key] : new[] { "value", "value.yaml" };
        var encoded = keys.Select(k => data?[k]?.GetValue<string>()).FirstOrDefault(v => v is not null)
            ?? throw new ReconcileFailure(ConditionReasons.ReconciliationFailed,
                $"kubeconfig Secret '{ns}/{secretRef.Name}' has no key {string.Join(" or ", keys.Select(k => $"'{k}'"))}", terminal: true);
        try
        {
            return await clusters.OpenAsync(Convert.FromBase64String(encoded), ct);
        }
        catch (Exception e) when (e is FormatException or k8s.Exceptions.KubeConfigException or YamlDotNet.Core.YamlException)
        {
            throw new ReconcileFailure(ConditionReasons.ReconciliationFailed,
                $"kubeconfig Secret '{ns}/{secretRef.Name}' does not hold a usable kubeconfig: {e.Message}", terminal: true);
        }
    }

    /// <summary>Whether the impersonated ServiceAccount exists (true without one), read as Tide on the target cluster.</summary>
    public async Task<bool> ServiceAccountExistsAsync(CancellationToken ct) =>
        ServiceAccount is null || await Cluster.GetAsync(new ObjectRef("v1", "ServiceAccount", Namespace, ServiceAccount), ct) is not null;

    /// <summary>A failure to reach a remote cluster, named so the status says which cluster (a Kustomization's
    /// message must tell one slow or unreachable cluster from another); null for this cluster and other failures.</summary>
    public ReconcileFailure? Unreachable(Exception e)
    {
        if (RemoteName is null)
            return null;
        var cause = e is ApplyException { InnerException: { } inner } ? inner : e;
        return cause switch
        {
            HttpRequestException or IOException => new ReconcileFailure(ConditionReasons.ReconciliationFailed,
                $"cluster {RemoteName} could not be reached: {cause.Message}", inner: e),
            KubeApiException { Status: >= System.Net.HttpStatusCode.InternalServerError } => new ReconcileFailure(
                ConditionReasons.ReconciliationFailed, $"cluster {RemoteName} failed: {e.Message}", inner: e),
            _ => null,
        };
    }

    public void Dispose()
    {
        _impersonated?.Dispose();
        _remote?.Dispose();
    }
}
