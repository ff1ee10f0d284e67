using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json.Nodes;
using Tide.Engine.Api;
using Tide.Engine.Apply;
using Tide.Engine.Artifacts;
using Tide.Engine.Kube;
using Tide.Engine.Kustomize;
using Tide.Engine.Decryption;
using Tide.Engine.Health;
using Tide.Engine.Manifests;
using Tide.Engine.Substitution;

namespace Tide.Engine.Reconcilers;

/// <summary>
/// Reconciles a Kustomization: fetch the source artifact, build the path, apply in stages with server-side apply,
/// prune what left the source, and say so in status. Each phase fails with one Flux reason; the status is always
/// written from what happened, in one place.
/// </summary>
public sealed class KustomizationReconciler(KubeClient kube, ArtifactCache artifacts, KustomizationReconcilerOptions options)
{
    public const string NameLabel = "kustomize.toolkit.fluxcd.io/name";
    public const string NamespaceLabel = "kustomize.toolkit.fluxcd.io/namespace";
    public const string Finalizer = "finalizers.fluxcd.io";

    /// <summary>The meter of <see cref="BuildsCounterName"/>, for whoever measures a node (tide-bench).</summary>
    public const string MeterName = "Tide.Engine.Kustomizations";

    /// <summary>Counts builds: each one that got its artifact and starts the kustomize build.</summary>
    public const string BuildsCounterName = "tide.kustomization.builds";

    private static readonly Counter<long> Builds = new Meter(MeterName).CreateCounter<long>(BuildsCounterName);

    public async Task<ReconcileResult<KustomizationStatus>> ReconcileAsync(Kustomization ks, ArtifactLocation? artifact, CancellationToken ct)
    {
        var previous = ks.Status ?? new KustomizationStatus();
        var conditions = new ConditionSet(previous.Conditions, ks.Metadata.Generation ?? 0, options.Time);
        var requestedAt = ks.Metadata.Annotations is { } annotations && annotations.TryGetValue("reconcile.fluxcd.io/requestedAt", out var at) ? at : null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ks.Spec.GetTimeout());
        var changes = new List<ChangeSetEntry>();
        var started = options.Time.GetUtcNow();
        string? buildDigest = null;
        try
        {
            await EnsureFinalizerAsync(ks, timeout.Token);
            await RequireDependenciesReadyAsync(ks, timeout.Token);
            var source = await RequireArtifactAsync(ks, artifact, timeout.Token);
            var decryptor = await DecryptorAsync(ks, timeout.Token);
            var built = await BuildAsync(ks, source, decryptor, timeout.Token);
            var objects = await SubstituteAsync(ks, Decrypt(built, decryptor), timeout.Token);
            buildDigest = ReconcileHistory.DigestOf(objects);
            using var remote = await RemoteClusterAsync(ks, timeout.Token);
            using var impersonated = Impersonate(remote ?? kube, ks);
            var target = impersonated ?? remote ?? kube;
            changes.AddRange(await ApplyAsync(target, ks, objects, timeout.Token));
            var inventory = Inventory(objects);
            if (ks.Spec.Prune)
                changes.AddRange(await PruneAsync(target, ks, previous.Inventory, inventory, timeout.Token));

            var message = $"Applied revision: {source.Revision}";
            var changed = changes.Where(c => c.Action is not (ChangeAction.Unchanged or ChangeAction.Skipped)).Select(c => c.ToString()).ToList();
            var events = changed.Count == 0 ? new List<ReconcileEvent>()
                : [new ReconcileEvent(ReconcileEvent.Normal, ConditionReasons.ReconciliationSucceeded, string.Join('\n', changed),
                    new Dictionary<string, string> { ["revision"] = source.Revision })];
            var status = previous with
            {
                ObservedGeneration = ks.Metadata.Generation,
                LastHandledReconcileAt = requestedAt ?? previous.LastHandledReconcileAt,
                LastAppliedRevision = source.Revision,
                LastAttemptedRevision = source.Revision,
                Inventory = inventory,
                History = ReconcileHistory.Record(previous.History, buildDigest, started, options.Time.GetUtcNow(),
                    ConditionReasons.ReconciliationSucceeded, new Dictionary<string, string> { ["revision"] = source.Revision }),
            };
            var applied = changes.Where(c => c.Fingerprint is not null)
                .ToDictionary(c => c.Object.ToString(), c => c.Fingerprint!, StringComparer.Ordinal);
            var targets = HealthTargets.Select(ks.Spec, changes);
            if (targets.Count == 0)
            {
                conditions.Delete(ConditionTypes.Reconciling);
                conditions.Delete(ConditionTypes.Stalled);
                conditions.MarkTrue(ConditionTypes.Ready, ConditionReasons.ReconciliationSucceeded, message);
                return new ReconcileResult<KustomizationStatus>(status with { Conditions = conditions.ToList() }, events,
                    Requeue.AfterInterval(ks.Spec.Interval.Value)) { Input = source, Applied = applied };
            }
            var health = await JudgeHealthAsync(target, ks, targets, conditions, options.Time.GetUtcNow(), source.Revision, timeout.Token);
            return new ReconcileResult<KustomizationStatus>(status with { Conditions = conditions.ToList() },
                [.. events, .. health.Events], health.Requeue) { Input = source, Applied = applied };
        }
        catch (Exception e) when (Failure(e, ct) is { } failure)
        {
            conditions.MarkFalse(ConditionTypes.Ready, failure.Reason, failure.Message);
            if (failure.Terminal)
                conditions.MarkStalled(failure.Reason, failure.Message);
            else
                conditions.MarkReconciling(ConditionReasons.ProgressingWithRetry, failure.Message);
            var status = previous with
            {
                ObservedGeneration = ks.Metadata.Generation,
                LastHandledReconcileAt = requestedAt ?? previous.LastHandledReconcileAt,
                LastAttemptedRevision = artifact?.Revision ?? previous.LastAttemptedRevision,
                Conditions = conditions.ToList(),
                // A failed build has no digest to record; a failed apply of a built set does.
                History = buildDigest is null ? previous.History
                    : ReconcileHistory.Record(previous.History, buildDigest, started, options.Time.GetUtcNow(), failure.Reason,
                        new Dictionary<string, string> { ["revision"] = artifact?.Revision ?? "" }),
            };
            return new ReconcileResult<KustomizationStatus>(status,
                [new ReconcileEvent(ReconcileEvent.Warning, failure.Reason, failure.Message)],
                failure.Terminal ? Requeue.OnChange : Requeue.WithBackoff(ks.Spec.GetRetryInterval()));
        }
    }

    /// <summary>Maps what went wrong to a Flux reason; null for cancellation of the caller (not a failure).</summary>
    private static ReconcileFailure? Failure(Exception e, CancellationToken ct) => e switch
    {
        OperationCanceledException when ct.IsCancellationRequested => null,
        ReconcileFailure f => f,
        OperationCanceledException => new ReconcileFailure(ConditionReasons.ReconciliationFailed, "timeout waiting for the reconcile to finish"),
        ArtifactException a => new ReconcileFailure(ConditionReasons.ArtifactFailed, a.Message),
        UnsafeArchiveException u => new ReconcileFailure(ConditionReasons.ArtifactFailed, "unsafe artifact: " + u.Message),
        ManifestException m => new ReconcileFailure(ConditionReasons.BuildFailed, m.Message),
        SubstitutionException s => new ReconcileFailure(ConditionReasons.BuildFailed, s.Message),
        SopsDecryptionException d => new ReconcileFailure(ConditionReasons.BuildFailed, d.Message),
        ApplyException a => new ReconcileFailure(ConditionReasons.ReconciliationFailed, a.Message),
        KubeApiException k => new ReconcileFailure(ConditionReasons.ReconciliationFailed, k.Message),
        HttpRequestException h => new ReconcileFailure(ConditionReasons.ReconciliationFailed, "the API server could not be reached: " + h.Message),
        _ => null,
    };

    /// <summary>How often health checks look again while objects are not ready yet (Flux polls every 5s).</summary>
    public static readonly TimeSpan HealthTick = TimeSpan.FromSeconds(5);

    /// <summary>
    /// One round of health checks for an applied revision (wait: everything applied; else spec.healthChecks), on a
    /// scheduled tick: nothing is held between rounds. <paramref name="waitStarted"/> is when the wait began.
    /// </summary>
    public async Task<ReconcileResult<KustomizationStatus>> CheckHealthAsync(Kustomization ks, DateTimeOffset waitStarted,
        CancellationToken ct)
    {
        var previous = ks.Status ?? new KustomizationStatus();
        var conditions = new ConditionSet(previous.Conditions, ks.Metadata.Generation ?? 0, options.Time);
        var applied = (previous.Inventory?.Entries ?? [])
            .Select(e => new ChangeSetEntry(ObjectRef.FromInventory(e.Id, e.Version), ChangeAction.Unchanged)).ToList();
        try
        {
            using var remote = await RemoteClusterAsync(ks, ct);
            using var impersonated = Impersonate(remote ?? kube, ks);
            var health = await JudgeHealthAsync(impersonated ?? remote ?? kube, ks, HealthTargets.Select(ks.Spec, applied), conditions,
                waitStarted, previous.LastAppliedRevision ?? "", ct);
            return new ReconcileResult<KustomizationStatus>(previous with { Conditions = conditions.ToList() }, health.Events, health.Requeue);
        }
        catch (Exception e) when (e is KubeApiException or HttpRequestException)
        {
            // An API server that did not answer this round is looked at again on the next tick, until the timeout;
            // one that refuses (the ServiceAccount lost its rights) will not change its mind by itself.
            var elapsed = options.Time.GetUtcNow() - waitStarted;
            var refused = e is KubeApiException { Status: HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized };
            if (!refused && elapsed < ks.Spec.GetTimeout())
                return new ReconcileResult<KustomizationStatus>(previous, [], Requeue.HealthCheckIn(HealthTick));
            var message = $"health check failed for revision {previous.LastAppliedRevision}: "
                + (e is KubeApiException api ? api.ApiMessage : e.Message);
            conditions.MarkFalse(ConditionTypes.Healthy, ConditionReasons.HealthCheckFailed, message);
            conditions.MarkReconciling(ConditionReasons.ProgressingWithRetry, message);
            conditions.MarkFalse(ConditionTypes.Ready, ConditionReasons.HealthCheckFailed, message);
            return new ReconcileResult<KustomizationStatus>(previous with { Conditions = conditions.ToList() },
                [new ReconcileEvent(ReconcileEvent.Warning, ConditionReasons.HealthCheckFailed, message)],
                Requeue.WithBackoff(ks.Spec.GetRetryInterval()));
        }
    }

    private sealed record HealthStep(IReadOnlyList<ReconcileEvent> Events, Requeue Requeue);

    /// <summary>Checks the targets once and writes Healthy/Ready as Flux does: passed, failed (the first Failed object
    /// or the timeout), or still waiting (check again on the next tick).</summary>
    private async Task<HealthStep> JudgeHealthAsync(KubeClient cluster, Kustomization ks, IReadOnlyList<ObjectRef> targets, ConditionSet conditions,
        DateTimeOffset waitStarted, string revision, CancellationToken ct)
    {
        IReadOnlyList<CelHealthCheck> expressions;
        try
        {
            expressions = (ks.Spec.HealthCheckExprs ?? []).Select(CelHealthCheck.Compile).ToList();
        }
        catch (InvalidHealthCheckExpressionException e)
        {
            conditions.MarkFalse(ConditionTypes.Ready, ConditionReasons.InvalidCelExpression, e.Message);
            conditions.MarkStalled(ConditionReasons.InvalidCelExpression, e.Message);
            return new HealthStep([new ReconcileEvent(ReconcileEvent.Warning, ConditionReasons.InvalidCelExpression, e.Message)], Requeue.OnChange);
        }
        var checker = new HealthChecker((target, token) => cluster.GetAsync(target, token), options.Time, expressions);
        var report = await checker.CheckAsync(targets, ct);
        var verdict = report.Decide(options.Time.GetUtcNow() - waitStarted, ks.Spec.GetTimeout());
        switch (verdict.Outcome)
        {
            case HealthOutcome.Healthy:
                conditions.MarkTrue(ConditionTypes.Healthy, ConditionReasons.Succeeded, verdict.Message);
                conditions.Delete(ConditionTypes.Reconciling);
                conditions.Delete(ConditionTypes.Stalled);
                conditions.MarkTrue(ConditionTypes.Ready, ConditionReasons.ReconciliationSucceeded, $"Applied revision: {revision}");
                return new HealthStep([], Requeue.AfterInterval(ks.Spec.Interval.Value));
            case HealthOutcome.Waiting:
                var waiting = $"Health check in progress for revision {revision}: {verdict.Message}";
                conditions.MarkUnknown(ConditionTypes.Healthy, ConditionReasons.Progressing, waiting);
                conditions.MarkReconciling(ConditionReasons.Progressing, waiting);
                conditions.MarkUnknown(ConditionTypes.Ready, ConditionReasons.Progressing, waiting);
                return new HealthStep([], Requeue.HealthCheckIn(HealthTick));
            default:
                conditions.MarkFalse(ConditionTypes.Healthy, ConditionReasons.HealthCheckFailed, verdict.Message);
                conditions.MarkReconciling(ConditionReasons.ProgressingWithRetry, verdict.Message);
                conditions.MarkFalse(ConditionTypes.Ready, ConditionReasons.HealthCheckFailed, verdict.Message);
                return new HealthStep([new ReconcileEvent(ReconcileEvent.Warning, ConditionReasons.HealthCheckFailed, verdict.Message)],
                    Requeue.WithBackoff(ks.Spec.GetRetryInterval()));
        }
    }

    /// <summary>
    /// The Kustomization is being deleted: with prune (and unless deletionPolicy is Orphan, or it is suspended) the
    /// objects of its inventory are deleted first, as its ServiceAccount when it has one; then the finalizer goes and
    /// the API server removes the object. As in Flux, when that ServiceAccount is gone (its tenant is being removed)
    /// nothing is deleted on its behalf and the Kustomization still goes.
    /// </summary>
    public async Task<IReadOnlyList<ChangeSetEntry>> FinalizeAsync(Kustomization ks, CancellationToken ct)
    {
        var policy = ks.Spec.DeletionPolicy ?? "MirrorPrune";
        var delete = policy is "Delete" or "WaitForTermination" || (policy == "MirrorPrune" && ks.Spec.Prune);
        IReadOnlyList<ChangeSetEntry> changes = [];
        if (delete && ks.Spec.Suspend != true && ks.Status?.Inventory is { } inventory)
        {
            using var remote = await RemoteClusterAsync(ks, ct);
            if (ServiceAccountOf(ks) is not { } account || await ServiceAccountExistsAsync(remote ?? kube, ks, account, ct))
            {
                using var impersonated = Impersonate(remote ?? kube, ks);
                var cluster = impersonated ?? remote ?? kube;
                var objects = inventory.Entries.Select(e => ObjectRef.FromInventory(e.Id, e.Version)).ToList();
                changes = await new Pruner(cluster).PruneAsync(objects, OwnerLabels(ks), ct);
                if (policy == "WaitForTermination")
                    await WaitForTerminationAsync(cluster, objects, ks.Spec.GetTimeout(), ct);
            }
        }
        var finalizers = ks.Metadata.Finalizers ?? [];
        if (finalizers.Contains(Finalizer))
            await kube.PatchAsync(Ref(ks), new JsonObject
            {
                ["metadata"] = new JsonObject { ["finalizers"] = new JsonArray(finalizers.Where(f => f != Finalizer).Select(f => (JsonNode)f).ToArray()) },
            }, ct);
        return changes;
    }

    private static ObjectRef Ref(Kustomization ks) =>
        new(Kustomization.ApiVersionV1, Kustomization.KindName, ks.Metadata.NamespaceProperty ?? "", ks.Metadata.Name);

    /// <summary>deletionPolicy WaitForTermination: the Kustomization goes only once what it applied is gone (or the
    /// timeout passes: then the finalizer stays and the next attempt waits again).</summary>
    private static async Task WaitForTerminationAsync(KubeClient cluster, IReadOnlyList<ObjectRef> objects, TimeSpan timeout,
        CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            foreach (var obj in objects)
                while (await cluster.GetAsync(obj, deadline.Token) is not null)
                    await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new ApplyException(objects[0], $"objects still terminating after {timeout}: the Kustomization is kept until they are gone");
        }
    }

    /// <summary>Flux's finalizer, so that deleting the Kustomization can clean up what it applied.</summary>
    private async Task EnsureFinalizerAsync(Kustomization ks, CancellationToken ct)
    {
        var finalizers = ks.Metadata.Finalizers ?? [];
        if (finalizers.Contains(Finalizer))
            return;
        await kube.PatchAsync(Ref(ks),
            new JsonObject { ["metadata"] = new JsonObject { ["finalizers"] = new JsonArray(finalizers.Append(Finalizer).Select(f => (JsonNode)f).ToArray()) } }, ct);
    }

    /// <summary>
    /// Flux's dependsOn: each dependency must exist, be Ready for its current generation, and have applied its
    /// source's latest revision. The dependencies tell this Kustomization when they become ready (push); this check is
    /// what a reconcile relies on.
    /// </summary>
    private async Task RequireDependenciesReadyAsync(Kustomization ks, CancellationToken ct)
    {
        foreach (var dependency in ks.Spec.DependsOn ?? [])
        {
            var ns = dependency.Namespace ?? ks.Metadata.NamespaceProperty ?? "";
            var name = $"{ns}/{dependency.Name}";
            var obj = await kube.GetAsync(new ObjectRef(Kustomization.ApiVersionV1, Kustomization.KindName, ns, dependency.Name), ct)
                ?? throw new ReconcileFailure(ConditionReasons.DependencyNotReady, $"dependency '{name}' not found");
            var other = FluxJson.FromNode<Kustomization>(obj);
            var ready = other.Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready);
            if (ready?.Status != ConditionStatus.True || other.Status?.ObservedGeneration != other.Metadata.Generation)
            {
                if (await CycleThroughAsync(ks, other, ct) is { } cycle)
                    throw new ReconcileFailure(ConditionReasons.DependencyNotReady,
                        $"dependency cycle: {cycle}: remove one of these dependsOn entries", terminal: true);
                throw new ReconcileFailure(ConditionReasons.DependencyNotReady, $"dependency '{name}' is not ready");
            }
            var source = other.Spec.SourceRef;
            var sourceObj = await kube.GetAsync(new ObjectRef(source.ApiVersion ?? "source.toolkit.fluxcd.io/v1", source.Kind,
                source.Namespace ?? ns, source.Name), ct);
            var latest = sourceObj?["status"]?["artifact"]?["revision"]?.GetValue<string>();
            if (latest is not null && latest != other.Status?.LastAppliedRevision)
                throw new ReconcileFailure(ConditionReasons.DependencyNotReady,
                    $"dependency '{name}' is not ready: it has not applied its source's revision {latest} yet");
        }
    }

    /// <summary>The path "a -> b -> a" when <paramref name="dependency"/> depends, directly or not, on
    /// <paramref name="ks"/>; null when it does not.</summary>
    private async Task<string?> CycleThroughAsync(Kustomization ks, Kustomization dependency, CancellationToken ct)
    {
        static string Id(Kustomization k) => $"{k.Metadata.NamespaceProperty}/{k.Metadata.Name}";
        var start = Id(ks);
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<(Kustomization Node, string Path)>();
        stack.Push((dependency, $"{start} -> {Id(dependency)}"));
        while (stack.Count > 0 && visited.Count < 100)
        {
            var (node, path) = stack.Pop();
            if (!visited.Add(Id(node)))
                continue;
            foreach (var next in node.Spec.DependsOn ?? [])
            {
                var ns = next.Namespace ?? node.Metadata.NamespaceProperty ?? "";
                var nextId = $"{ns}/{next.Name}";
                if (nextId == start)
                    return $"{path} -> {start}";
                if (await kube.GetAsync(new ObjectRef(Kustomization.ApiVersionV1, Kustomization.KindName, ns, next.Name), ct) is { } obj)
                    stack.Push((FluxJson.FromNode<Kustomization>(obj), $"{path} -> {nextId}"));
            }
        }
        return null;
    }

    /// <summary>spec.serviceAccountName, else the configured default ServiceAccount; null: none.</summary>
    private string? ServiceAccountOf(Kustomization ks) =>
        ks.Spec.ServiceAccountName is { Length: > 0 } account ? account
        : options.DefaultServiceAccount is { Length: > 0 } fallback ? fallback
        : null;

    /// <summary>With a ServiceAccount (<see cref="ServiceAccountOf"/>) the objects are applied, dry-run, pruned and
    /// health-checked as that account of the Kustomization's namespace (impersonation), so the cluster's RBAC decides
    /// what a tenant's Kustomization may see and change. Sources, decryption keys and substitution variables are read
    /// as Tide itself, as in Flux.</summary>
    private KubeClient? Impersonate(KubeClient cluster, Kustomization ks) =>
        ServiceAccountOf(ks) is { } account
            ? cluster.Impersonating($"system:serviceaccount:{ks.Metadata.NamespaceProperty}:{account}")
            : null;

    private static async Task<bool> ServiceAccountExistsAsync(KubeClient cluster, Kustomization ks, string account, CancellationToken ct) =>
        await cluster.GetAsync(new ObjectRef("v1", "ServiceAccount", ks.Metadata.NamespaceProperty ?? "", account), ct) is not null;

    private async Task<ArtifactLocation> RequireArtifactAsync(Kustomization ks, ArtifactLocation? artifact, CancellationToken ct)
    {
        var reference = ks.Spec.SourceRef;
        if (!CrossNamespaceSourceReference.ServedKinds.Contains(reference.Kind))
            throw new ReconcileFailure(ConditionReasons.ArtifactFailed,
                $"source '{reference.Name}' kind '{reference.Kind}' is not supported: sourceRef.kind must be one of " +
                string.Join(", ", CrossNamespaceSourceReference.ServedKinds), terminal: true);
        if (options.NoCrossNamespaceRefs && reference.Namespace is { Length: > 0 } refNamespace && refNamespace != ks.Metadata.NamespaceProperty)
            throw new ReconcileFailure(ConditionReasons.ArtifactFailed,
                $"cannot access {reference.Kind}/{refNamespace}/{reference.Name}: cross-namespace references are not allowed on this cluster (tide.no-cross-namespace-refs)",
                terminal: true);
        if (artifact is not null)
            return artifact;
        var source = ks.Spec.SourceRef;
        var sourceNamespace = source.Namespace ?? ks.Metadata.NamespaceProperty ?? "";
        var sourceRef = new ObjectRef(source.ApiVersion ?? "source.toolkit.fluxcd.io/v1", source.Kind, sourceNamespace, source.Name);
        // No message brought the artifact yet (a new Kustomization, or its source entity is moving): the source's
        // status names it, as Flux reads it.
        var found = await kube.GetAsync(sourceRef, ct);
        if (found?["status"]?["artifact"] is JsonObject stored
            && stored["revision"]?.GetValue<string>() is { } revision && stored["digest"]?.GetValue<string>() is { } digest
            && stored["url"]?.GetValue<string>() is { } url)
            return new ArtifactLocation(revision, digest, url);
        throw new ReconcileFailure(ConditionReasons.ArtifactFailed, found is not null
            ? $"Source is not ready, artifact not found"
            : $"Source '{source.Kind}/{sourceNamespace}/{source.Name}' not found");
    }

    /// <summary>Builds from the artifact unpacked in memory (shared with every Kustomization of the same revision);
    /// the overlay and decrypted inputs go to this build's own copy-on-write view of it.</summary>
    private async Task<IReadOnlyList<JsonObject>> BuildAsync(Kustomization ks, ArtifactLocation source,
        SopsDecryptor? decryptor, CancellationToken ct)
    {
        var tree = await artifacts.GetTreeAsync(source.Url, source.Digest, options.UnpackLimits, ct);
        Builds.Add(1);
        var relative = ks.Spec.Path is { Length: > 0 } p ? p : "./";
        if (LeavesRoot(relative))
            throw new ReconcileFailure(ConditionReasons.ArtifactFailed, $"path '{relative}' leaves the artifact's root", terminal: true);
        const string root = "/";
        var path = tree.Normalize(root + relative);
        if (!tree.DirectoryExists(path))
            throw new ReconcileFailure(ConditionReasons.ArtifactFailed,
                $"kustomization path not found: '{relative}' does not exist in revision {source.Revision}");
        var files = new CopyOnWriteFileTree(tree);
        if (decryptor is not null)
            KustomizationInputs.Decrypt(files, root, decryptor);
        return ManifestBuilder.Build(files, path, FluxOverlay.From(ks.Spec), loadBoundary: root);
    }

    /// <summary>Whether a path (taken as relative to the artifact's root, a leading '/' included) climbs above it.</summary>
    private static bool LeavesRoot(string relative)
    {
        var depth = 0;
        foreach (var segment in relative.Replace('\\', '/').Split('/'))
        {
            if (segment == "..")
            {
                if (--depth < 0)
                    return true;
            }
            else if (segment is not ("" or "."))
                depth++;
        }
        return false;
    }

    /// <summary>
    /// With <c>spec.kubeConfig.secretRef</c> the objects go to another cluster: a client for the kubeconfig in that
    /// Secret (key <c>value</c> or <c>value.yaml</c> unless named); null: this cluster. Sources, dependencies,
    /// substitution variables and decryption keys are always read from this cluster, as in Flux.
    /// </summary>
    private async Task<KubeClient?> RemoteClusterAsync(Kustomization ks, CancellationToken ct)
    {
        if (ks.Spec.KubeConfig?.SecretRef is not { } secretRef)
            return null;
        var ns = ks.Metadata.NamespaceProperty ?? "";
        var secret = await kube.GetAsync(new ObjectRef("v1", "Secret", ns, secretRef.Name), ct)
            ?? throw new ReconcileFailure(ConditionReasons.ReconciliationFailed, $"kubeconfig Secret '{ns}/{secretRef.Name}' not found");
        var data = secret["data"] as JsonObject;
        var keys = secretRef.Key is { } key ? [key] : new[] { "value", "value.yaml" };
        var encoded = keys.Select(k => data?[k]?.GetValue<string>()).FirstOrDefault(v => v is not null)
            ?? throw new ReconcileFailure(ConditionReasons.ReconciliationFailed,
                $"kubeconfig Secret '{ns}/{secretRef.Name}' has no key {string.Join(" or ", keys.Select(k => $"'{k}'"))}", terminal: true);
        try
        {
            using var stream = new MemoryStream(Convert.FromBase64String(encoded));
            return new KubeClient(await k8s.KubernetesClientConfiguration.BuildConfigFromConfigFileAsync(stream));
        }
        catch (Exception e) when (e is FormatException or k8s.Exceptions.KubeConfigException or YamlDotNet.Core.YamlException)
        {
            throw new ReconcileFailure(ConditionReasons.ReconciliationFailed,
                $"kubeconfig Secret '{ns}/{secretRef.Name}' does not hold a usable kubeconfig: {e.Message}", terminal: true);
        }
    }

    /// <summary>The decryptor of <c>spec.decryption</c> (keys from its secretRef), or null without decryption.</summary>
    private async Task<SopsDecryptor?> DecryptorAsync(Kustomization ks, CancellationToken ct)
    {
        if (ks.Spec.Decryption is not { } decryption)
            return null;
        var keys = Array.Empty<(string, byte[])>().AsEnumerable();
        if (decryption.SecretRef is { } secretRef)
        {
            var secret = await kube.GetAsync(new ObjectRef("v1", "Secret", ks.Metadata.NamespaceProperty ?? "", secretRef.Name), ct)
                ?? throw new ReconcileFailure(ConditionReasons.BuildFailed,
                    $"cannot get decryption Secret '{ks.Metadata.NamespaceProperty}/{secretRef.Name}': not found");
            keys = SopsDecryptor.KeyFilesOf(secret);
        }
        return SopsDecryptor.Create(keys);
    }

    /// <summary>
    /// SOPS-encrypted resources (and Secrets whose data entries are SOPS documents) decrypted; without
    /// <c>spec.decryption</c> an encrypted resource is an error, never applied.
    /// </summary>
    private static IReadOnlyList<JsonObject> Decrypt(IReadOnlyList<JsonObject> objects, SopsDecryptor? decryptor)
    {
        if (decryptor is not null)
            return objects.Select(decryptor.DecryptDocument).ToList();
        if (objects.FirstOrDefault(o => SopsDecryptor.IsEncrypted(o) && !SopsDecryptor.IsDecryptionDisabled(o)) is { } encrypted)
            throw new ReconcileFailure(ConditionReasons.BuildFailed,
                $"{ObjectRef.Of(encrypted)} is SOPS-encrypted: set spec.decryption (provider: sops) with a secretRef holding the keys",
                terminal: true);
        return objects;
    }

    /// <summary>Flux's postBuild: variables from substitute and substituteFrom (ConfigMaps and Secrets of the
    /// Kustomization's namespace) expanded in every object that does not opt out.</summary>
    private async Task<IReadOnlyList<JsonObject>> SubstituteAsync(Kustomization ks, IReadOnlyList<JsonObject> objects, CancellationToken ct)
    {
        if (ks.Spec.PostBuild is not { } postBuild)
            return objects;
        var fetched = new List<JsonObject>();
        foreach (var reference in postBuild.SubstituteFrom ?? [])
        {
            if (await kube.GetAsync(new ObjectRef("v1", reference.Kind, ks.Metadata.NamespaceProperty ?? "", reference.Name), ct) is { } found)
                fetched.Add(found);
        }
        var variables = PostBuildVariables.Resolve(postBuild, fetched);
        return PostBuildSubstitution.Apply(objects, variables, SubstitutionOptions.For(postBuild, options.StrictSubstitution));
    }

    private async Task<IReadOnlyList<ChangeSetEntry>> ApplyAsync(KubeClient cluster, Kustomization ks, IReadOnlyList<JsonObject> objects, CancellationToken ct)
    {
        var applier = new Applier(cluster);
        return await applier.ApplyStagedAsync(objects, new ApplierOptions
        {
            FieldManager = options.FieldManager,
            Force = ks.Spec.Force == true,
            OwnerLabels = OwnerLabels(ks),
        }, ct);
    }

    /// <summary>The labels Flux stamps on what a Kustomization applies, and looks for before it prunes.</summary>
    private static Dictionary<string, string> OwnerLabels(Kustomization ks) => new()
    {
        [NameLabel] = ks.Metadata.Name,
        [NamespaceLabel] = ks.Metadata.NamespaceProperty ?? "",
    };

    private async Task<IReadOnlyList<ChangeSetEntry>> PruneAsync(KubeClient cluster, Kustomization ks, ResourceInventory? previous,
        ResourceInventory current, CancellationToken ct)
    {
        if (previous is null)
            return [];
        var stale = Pruner.Stale(
            previous.Entries.Select(e => ObjectRef.FromInventory(e.Id, e.Version)),
            current.Entries.Select(e => ObjectRef.FromInventory(e.Id, e.Version)));
        try
        {
            return await new Pruner(cluster).PruneAsync(stale, OwnerLabels(ks), ct);
        }
        catch (KubeApiException e)
        {
            throw new ReconcileFailure(ConditionReasons.PruneFailed, "prune failed: " + e.ApiMessage, inner: e);
        }
    }

    private static ResourceInventory Inventory(IEnumerable<JsonObject> objects) => new()
    {
        Entries = objects.Select(ObjectRef.Of)
            .Select(r => new ResourceRef { Id = r.InventoryId, Version = r.Version })
            .DistinctBy(r => r.Id)
            .OrderBy(r => r.Id, StringComparer.Ordinal)
            .ToList(),
    };
}
