using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Tide.Engine.Api;
using Tide.Engine.Apply;
using Tide.Engine.Artifacts;
using Tide.Engine.Helm.Charts;
using Tide.Engine.Helm.Rendering;
using Tide.Engine.Helm.Yaml;
using Tide.Engine.Kube;
using Tide.Engine.Reconcilers;
using Tide.Engine.Sources.Helm;

namespace Tide.Engine.HelmReleases;

/// <summary>The phases of <see cref="HelmReleaseReconciler"/> and the pieces its actions share.</summary>
public sealed partial class HelmReleaseReconciler
{
    private async Task EnsureFinalizerAsync(HelmRelease hr, CancellationToken ct)
    {
        var finalizers = hr.Metadata.Finalizers ?? [];
        if (finalizers.Contains(Finalizer))
            return;
        await kube.PatchAsync(Ref(hr), new JsonObject
        {
            ["metadata"] = new JsonObject { ["finalizers"] = new JsonArray(finalizers.Append(Finalizer).Select(f => (JsonNode)f).ToArray()) },
        }, ct);
    }

    /// <summary>Where the chart comes from: "namespace/name" of the owned HelmChart (status.helmChart; null with
    /// chartRef), the artifact, and whether its revision's digest is tracked in the chart version.</summary>
    private sealed record ChartSource(string? HelmChart, ArtifactLocation Artifact, bool TracksDigest);

    /// <summary>The chart's artifact: spec.chart makes Tide own the HelmChart "&lt;namespace&gt;-&lt;name&gt;" in the
    /// source's namespace (written by server-side apply, so the spec follows the template); spec.chartRef names any
    /// source kind that publishes status.artifact (HelmChart, OCIRepository, ExternalArtifact), judged ready as
    /// helm-controller judges it: its latest generation observed, not stalled, an artifact.</summary>
    private async Task<ChartSource> RequireChartAsync(HelmRelease hr, ArtifactLocation? known, CancellationToken ct)
    {
        if ((hr.Spec.Chart is null) == (hr.Spec.ChartRef is null))
            throw new ReconcileFailure(HelmReleaseReasons.InvalidChartReference,
                "invalid Chart reference: exactly one of spec.chart and spec.chartRef must be set", terminal: true);
        ObjectRef source;
        if (hr.Spec.Chart is { } template)
        {
            var (ns, name) = ReleaseNames.HelmChart(hr);
            source = new ObjectRef(HelmChart.ApiVersionV1, HelmChart.KindName, ns, name);
            RequireAccess(hr, source);
            await kube.ApplyAsync(HelmChartObject(hr, template, ns, name), new ApplyOptions { FieldManager = options.FieldManager, Force = true }, ct);
        }
        else
        {
            var chartRef = hr.Spec.ChartRef!;
            source = new ObjectRef(chartRef.ApiVersion ?? HelmChart.ApiVersionV1, chartRef.Kind,
                chartRef.Namespace ?? hr.Metadata.NamespaceProperty ?? "default", chartRef.Name);
            RequireAccess(hr, source);
            await DeleteOwnedHelmChartAsync(hr, ct);
        }
        var found = await kube.GetAsync(source, ct)
            ?? throw new ReconcileFailure(HelmReleaseReasons.ArtifactFailed,
                $"could not get Source object: {source.Kind} '{source.Namespace}/{source.Name}' not found");
        if (ChartSourceReadiness.NotReady(found) is { } notReady)
            throw new ReconcileFailure(HelmReleaseReasons.SourceNotReady, $"{source.Kind} '{source.Namespace}/{source.Name}' is not ready: {notReady}");
        var artifact = (JsonObject)found["status"]!["artifact"]!;
        var location = new ArtifactLocation((string)artifact["revision"]!, (string)artifact["digest"]!, (string)artifact["url"]!);
        // A message may have brought a newer artifact than the status read here shows: take the message's.
        if (known is not null && known.Digest != location.Digest && known.Revision == location.Revision)
            location = known;
        return new ChartSource(hr.Spec.Chart is null ? null : $"{source.Namespace}/{source.Name}", location,
            source.Kind != HelmChart.KindName && ChartDigestTracking.Tracks(location.Revision));
    }

    /// <summary>With no-cross-namespace-refs, the chart must come from the HelmRelease's own namespace (helm-controller's
    /// AccessDenied, stalled until the spec or the setting changes).</summary>
    private void RequireAccess(HelmRelease hr, ObjectRef source)
    {
        if (options.NoCrossNamespaceRefs && source.Namespace != (hr.Metadata.NamespaceProperty ?? "default"))
            throw new ReconcileFailure(HelmReleaseReasons.AccessDenied,
                $"cross-namespace references are not allowed: cannot access {source.Kind} {source.Namespace}/{source.Name}", terminal: true);
    }

    /// <summary>A HelmRelease that moved from spec.chart to spec.chartRef no longer owns a HelmChart: the one it made
    /// goes, as helm-controller cleans it up.</summary>
    private async Task DeleteOwnedHelmChartAsync(HelmRelease hr, CancellationToken ct)
    {
        if (hr.Status?.HelmChart is not { } owned || owned.Split('/') is not [var ns, var name])
            return;
        await kube.DeleteAsync(new ObjectRef(HelmChart.ApiVersionV1, HelmChart.KindName, ns, name), "Background", ct);
    }

    private JsonObject HelmChartObject(HelmRelease hr, HelmChartTemplate template, string ns, string name)
    {
        var spec = template.Spec;
        var chart = new HelmChart
        {
            Metadata = new k8s.Models.V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = ns,
                Labels = new Dictionary<string, string>(template.Metadata?.Labels ?? new Dictionary<string, string>())
                {
                    [NameLabel] = hr.Metadata.Name,
                    [NamespaceLabel] = hr.Metadata.NamespaceProperty ?? "default",
                },
                Annotations = template.Metadata?.Annotations is { } annotations ? new Dictionary<string, string>(annotations) : null,
            },
            Spec = new HelmChartSpec
            {
                Chart = spec.Chart,
                Version = spec.Version ?? "*",
                SourceRef = new LocalHelmChartSourceReference { Kind = spec.SourceRef.Kind, Name = spec.SourceRef.Name, ApiVersion = spec.SourceRef.ApiVersion },
                Interval = spec.Interval ?? hr.Spec.Interval,
                ReconcileStrategy = spec.ReconcileStrategy ?? HelmChart.StrategyChartVersion,
                ValuesFiles = spec.ValuesFiles,
                IgnoreMissingValuesFiles = spec.IgnoreMissingValuesFiles,
                Verify = spec.Verify,
            },
        };
        return FluxJson.ToNode(chart).AsObject();
    }

    private async Task<Dictionary<string, object?>> ComposeValuesAsync(HelmRelease hr, CancellationToken ct)
    {
        try
        {
            return await ValuesComposer.ComposeAsync(kube, hr, ct);
        }
        catch (ValuesException e)
        {
            throw new ReconcileFailure(HelmReleaseReasons.ValuesError, e.Message);
        }
    }

    /// <summary>The chart of the artifact (downloaded once per node and verified by digest), read under the archive
    /// rules.</summary>
    private async Task<Chart> LoadChartAsync(ArtifactLocation artifact, CancellationToken ct)
    {
        try
        {
            var path = await artifacts.GetAsync(artifact.Url, artifact.Digest, ct);
            return ChartLoader.LoadFiles(await ChartArchive.ReadAsync(await File.ReadAllBytesAsync(path, ct), options.UnpackLimits, ct));
        }
        catch (Exception e) when (e is ArtifactException or UnsafeArchiveException or ChartException or FormatException)
        {
            throw new ReconcileFailure(HelmReleaseReasons.ArtifactFailed, $"Could not load chart: artifact '{artifact.Revision}': {e.Message}");
        }
    }

    private static RenderedRelease Render(ReleaseContext context, int version, bool upgrade)
    {
        var validate = upgrade ? context.Hr.Spec.Upgrade?.DisableSchemaValidation != true : context.Hr.Spec.Install?.DisableSchemaValidation != true;
        return ReleaseRenderer.Render(context.Chart, context.Values, context.Name, context.Namespace, version, upgrade, validate,
            context.Hr.Spec.PostRenderers);
    }

    /// <summary>Keeps the newest <paramref name="max"/> revisions (0: all), as Helm's MaxHistory; the deployed one always.</summary>
    private static async Task PruneHistoryAsync(ReleaseStorage storage, string name, int max, CancellationToken ct)
    {
        if (max <= 0)
            return;
        var history = await storage.HistoryAsync(name, ct);
        foreach (var old in history.SkipLast(max).Where(r => r.Info.Status != ReleaseStatus.Deployed))
            await storage.DeleteAsync(old, ct);
    }

    private static TimeSpan ActionTimeout(HelmRelease hr, bool upgrade) =>
        (upgrade ? hr.Spec.Upgrade?.Timeout : hr.Spec.Install?.Timeout)?.Value ?? hr.Spec.GetTimeout();

    /// <summary>The message of a failed action; null for what is not an action failure (the caller's cancellation).</summary>
    private static string? ActionError(Exception e) => e switch
    {
        RenderException r => r.Message,
        Kustomize.KustomizeException k => "post-renderer: " + k.Message,
        ChartException c => c.Message,
        HookFailedException h => h.Message,
        ApplyException a => a.Message,
        KubeApiException k => k.ApiMessage,
        HttpRequestException h => "the API server could not be reached: " + h.Message,
        _ => null,
    };

    /// <summary>The digest of a stored release's values, computed as for the values a reconcile composes.</summary>
    private static string ConfigDigestOf(Release release) => DigestOf(GoJson.Marshal(ReleaseRenderer.FromJson(release.Config)));

    internal static string DigestOf(string text) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>status.history: the stored revisions, newest first, as helm-controller's snapshots.</summary>
    private static IReadOnlyList<HelmReleaseSnapshot> Snapshots(IReadOnlyList<Release> history, HelmRelease hr) =>
        history.OrderByDescending(r => r.Version).Take(Math.Max(hr.Spec.GetMaxHistory(), 1)).Select(r => new HelmReleaseSnapshot
        {
            ApiVersion = "helm.toolkit.fluxcd.io/v2",
            Digest = DigestOf(ReleaseCodec.Encode(r)),
            Name = r.Name,
            Namespace = r.Namespace,
            Version = r.Version,
            Status = r.Info.Status,
            ChartName = r.ChartName,
            ChartVersion = r.ChartVersion,
            AppVersion = r.AppVersion,
            ConfigDigest = ConfigDigestOf(r),
            FirstDeployed = Seconds(ReleaseCodec.ParseTime(r.Info.FirstDeployed)),
            LastDeployed = Seconds(ReleaseCodec.ParseTime(r.Info.LastDeployed)),
            Deleted = r.Info.Deleted is { } deleted ? Seconds(ReleaseCodec.ParseTime(deleted)) : null,
            TestHooks = (r.Hooks ?? []).Where(h => h.Events.Contains("test") && h.LastRun.Phase.Length > 0)
                .ToDictionary(h => h.Name, h => new TestHookStatus
                {
                    Phase = h.LastRun.Phase,
                    LastStarted = h.LastRun.StartedAt is { } s ? Seconds(ReleaseCodec.ParseTime(s)) : null,
                    LastCompleted = h.LastRun.CompletedAt is { } c ? Seconds(ReleaseCodec.ParseTime(c)) : null,
                }) is { Count: > 0 } tests ? tests : null,
        }).ToList();

    private static DateTimeOffset Seconds(DateTimeOffset time) => new(time.Ticks - time.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

    private static ResourceInventory Inventory(Release release) => new()
    {
        Entries = ReleaseRenderer.ObjectsOf(release.Manifest)
            .Select(o => ObjectRef.Of(WithNamespace(o, release.Namespace)))
            .Select(r => new ResourceRef { Id = r.InventoryId, Version = r.Version })
            .DistinctBy(r => r.Id).OrderBy(r => r.Id, StringComparer.Ordinal).ToList(),
    };

    /// <summary>The namespace a stored manifest's object lives in (for lookups; cluster-scoped kinds ignore it on the
    /// server, and the API server answers for them without a namespace in the path only when it is empty).</summary>
    internal static JsonObject WithNamespace(JsonObject obj, string @namespace)
    {
        var copy = obj.DeepClone().AsObject();
        if (copy["metadata"] is JsonObject metadata && metadata["namespace"] is null && !ClusterScoped.Contains((string?)copy["kind"] ?? ""))
            metadata["namespace"] = @namespace;
        return copy;
    }

    private static readonly HashSet<string> ClusterScoped =
    [
        "Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PersistentVolume", "StorageClass",
        "PriorityClass", "IngressClass", "APIService", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "Node",
    ];

    private static void MarkReady(ConditionSet conditions, string reason, string message)
    {
        conditions.Delete(ConditionTypes.Reconciling);
        conditions.Delete(ConditionTypes.Stalled);
        conditions.MarkTrue(ConditionTypes.Ready, reason, message);
    }

    private static ReconcileResult<HelmReleaseStatus> Result(HelmReleaseStatus status, ConditionSet conditions, List<ReconcileEvent> events, Requeue requeue) =>
        new(status with { Conditions = conditions.ToList() }, events, requeue);

    private static string? Annotation(HelmRelease hr, string key) =>
        hr.Metadata.Annotations is { } annotations && annotations.TryGetValue(key, out var value) ? value : null;

    private static ObjectRef Ref(HelmRelease hr) =>
        new(HelmRelease.ApiVersionV2, HelmRelease.KindName, hr.Metadata.NamespaceProperty ?? "default", hr.Metadata.Name);
}
