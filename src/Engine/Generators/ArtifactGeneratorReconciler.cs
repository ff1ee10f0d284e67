using System.Text.Json.Nodes;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Kube;
using Tide.Engine.Reconcilers;
using Tide.Engine.Sources.Ignore;

namespace Tide.Engine.Generators;

/// <summary>
/// Reconciles an ArtifactGenerator as Flux's source-watcher does: validate the spec (Stalled on a configuration
/// error), observe the sources' artifacts, and unless nothing drifted (same generation, same sources digest, every
/// artifact in storage and every ExternalArtifact as the inventory says) unpack the sources, build each artifact by
/// its copy rules, store it, and write its ExternalArtifact (labels, sourceRef, status.artifact). The revision is
/// "latest@&lt;digest&gt;" of the reproducible tarball, so a rebuild with the same content yields the same revision
/// and its consumers are not woken. ExternalArtifacts no longer generated are deleted with their storage.
/// </summary>
public sealed class ArtifactGeneratorReconciler(KubeClient kube, ArtifactCache artifacts, ArtifactStore store,
    ArtifactGeneratorOptions options, TimeProvider time)
{
    /// <summary>The name source-watcher gives itself: the managed-by label of what it generates, its events' source.</summary>
    public const string ControllerName = "source-watcher";

    /// <summary>source-watcher requeues a generator hourly (sources wake it up sooner).</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    private const string InProgress = "Reconciliation in progress";

    public async Task<ReconcileResult<ArtifactGeneratorStatus>> ReconcileAsync(ArtifactGenerator generator, CancellationToken ct)
    {
        var previous = generator.Status ?? new ArtifactGeneratorStatus();
        var generation = generator.Metadata.Generation ?? 0;
        var conditions = new ConditionSet(previous.Conditions, generation, time);
        var status = previous with
        {
            LastHandledReconcileAt = SourceReconcileSteps.LastHandledReconcileAt(generator.Metadata, previous.LastHandledReconcileAt),
        };
        var events = new List<ReconcileEvent>();
        await EnsureFinalizerAsync(generator, ct);
        if (generator.IsDisabled)
        {
            if (!conditions.Has(ConditionTypes.Ready))
                conditions.MarkTrue(ConditionTypes.Ready, ArtifactGenerator.ReconciliationDisabledReason, "Initialized with reconciliation suspended");
            return new ReconcileResult<ArtifactGeneratorStatus>(status with { Conditions = conditions.ToList() }, events, Requeue.OnChange);
        }
        try
        {
            Validate(generator);
            var observed = await ObserveSourcesAsync(generator, ct);
            var sourcesDigest = ObservedSource.Hash(observed);
            if (!await HasDriftedAsync(generator, conditions, sourcesDigest, ct))
                return new ReconcileResult<ArtifactGeneratorStatus>(status with { Conditions = conditions.ToList() }, events,
                    Requeue.AfterInterval(Interval));

            conditions.MarkReconciling(ConditionReasons.Progressing, InProgress);
            conditions.MarkUnknown(ConditionTypes.Ready, ConditionReasons.Progressing, InProgress);
            var work = options.Sources.NewWorkDirectory("ag");
            try
            {
                var sources = await FetchSourcesAsync(observed, Path.Combine(work, "sources"), ct);
                var references = new List<ExternalArtifactReference>();
                foreach (var request in PathPatternExpander.Expand(generator.Spec, sources))
                    references.Add(await GenerateAsync(generator, request, observed, sources,
                        Path.Combine(work, "artifacts", request.Artifact.Name), ct));
                await DeleteOrphansAsync(previous.Inventory ?? [], references, ct);
                foreach (var reference in references)
                    store.CollectGarbage(Owner(reference.Namespace, reference.Name), options.Sources.ArtifactRetention,
                        $"{Owner(reference.Namespace, reference.Name).Directory}/{reference.Filename}");

                var changed = references.Where(r => !InInventory(previous.Inventory, r.Name, r.Namespace, r.Digest))
                    .Select(r => $"{r.Namespace}/{r.Name} ({r.Digest})").ToList();
                if (changed.Count > 0)
                    events.Add(new ReconcileEvent(ReconcileEvent.Normal, ConditionTypes.Ready,
                        "external artifacts reconciled: " + string.Join('\n', changed)));
                conditions.Delete(ConditionTypes.Reconciling);
                conditions.Delete(ConditionTypes.Stalled);
                conditions.MarkTrue(ConditionTypes.Ready, ConditionReasons.Succeeded,
                    $"reconciliation succeeded, generated {references.Count} artifact(s)");
                return new ReconcileResult<ArtifactGeneratorStatus>(
                    status with { Conditions = conditions.ToList(), Inventory = references, ObservedSourcesDigest = sourcesDigest },
                    events, Requeue.AfterInterval(Interval));
            }
            finally
            {
                if (Directory.Exists(work))
                    Directory.Delete(work, recursive: true);
            }
        }
        catch (ReconcileFailure failure)
        {
            conditions.MarkFalse(ConditionTypes.Ready, failure.Reason, failure.Message);
            events.Add(new ReconcileEvent(ReconcileEvent.Warning, failure.Reason, failure.Message));
            Requeue requeue;
            if (failure.Terminal)
            {
                conditions.MarkStalled(failure.Reason, failure.Message);
                conditions.Delete(ConditionTypes.Reconciling);
                requeue = Requeue.OnChange;
            }
            else
            {
                conditions.Delete(ConditionTypes.Stalled);
                // As source-watcher's summary: a failed attempt that was reconciling now retries.
                if (conditions.Get(ConditionTypes.Reconciling) is { } reconciling)
                    conditions.MarkReconciling(ConditionReasons.ProgressingWithRetry, reconciling.Message);
                requeue = failure.WaitsOnDependency
                    ? Requeue.AfterRetryInterval(options.DependencyRequeueInterval)
                    : Requeue.WithBackoff(Interval);
            }
            return new ReconcileResult<ArtifactGeneratorStatus>(status with { Conditions = conditions.ToList() }, events, requeue);
        }
    }

    /// <summary>The generator is being deleted: its ExternalArtifacts and their storage go, then the finalizer.</summary>
    public async Task FinalizeAsync(ArtifactGenerator generator, CancellationToken ct)
    {
        await DeleteOrphansAsync(generator.Status?.Inventory ?? [], [], ct);
        var finalizers = generator.Metadata.Finalizers ?? [];
        if (finalizers.Contains(ArtifactGenerator.Finalizer))
            await SetFinalizersAsync(generator, finalizers.Where(f => f != ArtifactGenerator.Finalizer), ct);
    }

    /// <summary>Duplicate aliases or artifact names, cross-namespace sources when forbidden, a revision naming no
    /// alias: terminal, as source-watcher's validateSpec.</summary>
    private void Validate(ArtifactGenerator generator)
    {
        var ns = generator.Metadata.NamespaceProperty ?? "";
        var aliases = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in generator.Spec.Sources)
        {
            if (!aliases.Add(source.Alias))
                throw Invalid($"duplicate source alias '{source.Alias}' found");
            if (options.NoCrossNamespaceRefs && source.Namespace is { Length: > 0 } sourceNamespace && sourceNamespace != ns)
                throw new ReconcileFailure(ArtifactGenerator.AccessDeniedReason,
                    $"cross-namespace reference to source {source.Kind}/{sourceNamespace}/{source.Name} is not allowed", terminal: true);
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var artifact in generator.Spec.Artifacts)
        {
            if (!names.Add(artifact.Name))
                throw Invalid($"duplicate artifact name '{artifact.Name}' found");
            // With a pathPattern the name is a template, checked once rendered.
            if (generator.Spec.PathPattern is not { Length: > 0 } && !ArtifactNames.IsDnsSubdomain(artifact.Name))
                throw Invalid($"artifact name \"{artifact.Name}\" is not a valid Kubernetes object name: {ArtifactNames.DnsSubdomainRule}");
            if (artifact.Revision is { Length: > 0 } revision && !aliases.Contains(revision.TrimStart('@')))
                throw Invalid($"artifact {artifact.Name} revision source alias '{revision.TrimStart('@')}' not found");
        }
    }

    private static ReconcileFailure Invalid(string message) =>
        new(ArtifactGenerator.ValidationFailedReason, message, terminal: true);

    /// <summary>Each source's artifact (digest, revision, URL, origin revision) by alias, from its status.</summary>
    private async Task<Dictionary<string, ObservedSource>> ObserveSourcesAsync(ArtifactGenerator generator, CancellationToken ct)
    {
        var observed = new Dictionary<string, ObservedSource>(StringComparer.Ordinal);
        foreach (var source in generator.Spec.Sources)
        {
            var ns = source.Namespace is { Length: > 0 } sourceNamespace ? sourceNamespace : generator.Metadata.NamespaceProperty ?? "";
            JsonObject? found;
            try
            {
                found = await kube.GetAsync(new ObjectRef(GitRepository.ApiVersionV1, source.Kind, ns, source.Name), ct);
            }
            catch (Exception e) when (e is KubeApiException or HttpRequestException or InvalidOperationException)
            {
                throw SourcesFailed($"get sources failed: unable to get source '{ns}/{source.Name}': {e.Message}");
            }
            if (found is null)
                throw SourcesFailed($"get sources failed: {Plural(source.Kind)}.{GitRepository.Group} \"{source.Name}\" not found");
            var artifact = found["status"]?["artifact"] is JsonObject node ? FluxJson.FromNode<Artifact>(node) : null;
            if (artifact is null)
                throw SourcesFailed($"get sources failed: source '{source.Kind}/{ns}/{source.Name}' is not ready");
            observed[source.Alias] = new ObservedSource(artifact.Digest, artifact.Revision, artifact.Url,
                artifact.Metadata?.GetValueOrDefault(ArtifactGenerator.OriginRevisionAnnotation));
        }
        return observed;
    }

    private static ReconcileFailure SourcesFailed(string message) =>
        new(ArtifactGenerator.SourceFetchFailedReason, message) { WaitsOnDependency = true };

    private static string Plural(string kind) => kind.ToLowerInvariant() switch
    {
        "gitrepository" => "gitrepositories",
        "ocirepository" => "ocirepositories",
        var other => other + "s",
    };

    /// <summary>source-watcher's detectDrift: anything that asks for a new build.</summary>
    private async Task<bool> HasDriftedAsync(ArtifactGenerator generator, ConditionSet conditions, string sourcesDigest,
        CancellationToken ct)
    {
        var status = generator.Status;
        var ready = conditions.Get(ConditionTypes.Ready);
        if (status is null || ready is null || ready.Status != ConditionStatus.True || ready.ObservedGeneration != generator.Metadata.Generation)
            return true;
        var inventory = status.Inventory ?? [];
        // With a pathPattern the number of artifacts follows the directories found, not the spec.
        if (status.ObservedSourcesDigest != sourcesDigest ||
            (generator.Spec.PathPattern is not { Length: > 0 } && inventory.Count != generator.Spec.Artifacts.Count))
            return true;
        foreach (var reference in inventory)
        {
            var path = $"{Owner(reference.Namespace, reference.Name).Directory}/{reference.Filename}";
            if (!await store.VerifyAsync(path, reference.Digest, ct))
                return true;
        }
        var inCluster = await kube.ListAsync(ExternalArtifact.ApiVersionV1, ExternalArtifact.KindName,
            generator.Metadata.NamespaceProperty, $"{ArtifactGenerator.GeneratorLabel}={generator.Metadata.Uid}", ct);
        return inCluster.Items.Count != inventory.Count || inCluster.Items.Any(ea =>
            !InInventory(inventory, ea["metadata"]?["name"]?.GetValue<string>(), ea["metadata"]?["namespace"]?.GetValue<string>(),
                ea["status"]?["artifact"]?["digest"]?.GetValue<string>()));
    }

    private static bool InInventory(IReadOnlyList<ExternalArtifactReference>? inventory, string? name, string? ns, string? digest) =>
        inventory?.Any(r => r.Name == name && r.Namespace == ns && r.Digest == digest) == true;

    /// <summary>Downloads (verified by digest) and unpacks each source into its alias's directory.</summary>
    private async Task<Dictionary<string, string>> FetchSourcesAsync(IReadOnlyDictionary<string, ObservedSource> observed,
        string root, CancellationToken ct)
    {
        var directories = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (alias, source) in observed)
        {
            var directory = Path.Combine(root, alias);
            try
            {
                var tarball = await artifacts.GetAsync(source.Url, source.Digest, ct);
                await using var file = File.OpenRead(tarball);
                await TarballUnpacker.UnpackAsync(file, directory, options.Sources.UnpackLimits, ct);
            }
            catch (Exception e) when (e is ArtifactException or UnsafeArchiveException or IOException or HttpRequestException)
            {
                throw SourcesFailed($"fetch sources failed: {e.Message}");
            }
            directories[alias] = directory;
        }
        return directories;
    }

    /// <summary>Builds one artifact into the store and writes its ExternalArtifact.</summary>
    private async Task<ExternalArtifactReference> GenerateAsync(ArtifactGenerator generator, ArtifactRequest request,
        IReadOnlyDictionary<string, ObservedSource> observed, IReadOnlyDictionary<string, string> sources, string staging,
        CancellationToken ct)
    {
        var output = request.Artifact;
        var ns = generator.Metadata.NamespaceProperty ?? "";
        Artifact artifact;
        try
        {
            Directory.CreateDirectory(staging);
            await new ArtifactCopier(sources, staging, options.Sources.UnpackLimits).ApplyAsync(output.Copy, ct);
            var ignore = SourceIgnore.Defaults();
            var stored = await store.PutAsync(Owner(ns, output.Name),
                (stream, token) => TarballPacker.PackAsync(staging, stream, ignore.IsExcluded, token), ct);
            artifact = new Artifact
            {
                Digest = stored.Digest,
                Path = stored.Path,
                Url = options.Sources.ArtifactUrl(stored.Path),
                Revision = "latest@" + stored.Digest,
                Size = stored.Size,
                LastUpdateTime = SourceReconcileSteps.Seconds(time.GetUtcNow()),
            };
        }
        catch (CopyFailedException e)
        {
            throw new ReconcileFailure(ConditionReasons.BuildFailed, $"{output.Name} build failed: failed to apply copy operations: {e.Message}", inner: e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ReconcileFailure(ConditionReasons.BuildFailed, $"{output.Name} build failed: failed to create artifact: {e.Message}", inner: e);
        }
        artifact = WithRevisions(artifact, output, observed);
        try
        {
            await WriteExternalArtifactAsync(generator, output.Name, request.Labels, artifact, ct);
        }
        catch (Exception e) when (e is KubeApiException or HttpRequestException)
        {
            throw new ReconcileFailure(ConditionReasons.ReconciliationFailed, $"{output.Name} reconcile failed: {e.Message}", inner: e);
        }
        return new ExternalArtifactReference { Name = output.Name, Namespace = ns, Digest = artifact.Digest, Filename = Path.GetFileName(artifact.Path) };
    }

    /// <summary>revision "@alias" takes that source's revision; originRevision "@alias" records its origin revision
    /// (or its revision) in the metadata.</summary>
    private static Artifact WithRevisions(Artifact artifact, OutputArtifact output, IReadOnlyDictionary<string, ObservedSource> observed)
    {
        if (output.Revision is { Length: > 0 } revision && observed.TryGetValue(revision.TrimStart('@'), out var revisionSource))
            artifact = artifact with { Revision = revisionSource.Revision };
        if (output.OriginRevision is { Length: > 0 } origin)
        {
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            if (observed.TryGetValue(origin.TrimStart('@'), out var originSource))
                metadata[ArtifactGenerator.OriginRevisionAnnotation] = originSource.OriginRevision ?? originSource.Revision;
            artifact = artifact with { Metadata = metadata };
        }
        return artifact;
    }

    /// <summary>Applies the ExternalArtifact (labels, annotations, sourceRef) and its status. An artifact equal to the
    /// one the status holds keeps its lastUpdateTime, so an unchanged rebuild changes nothing a consumer sees.</summary>
    private async Task WriteExternalArtifactAsync(ArtifactGenerator generator, string name, IReadOnlyDictionary<string, string> captured,
        Artifact artifact, CancellationToken ct)
    {
        var ns = generator.Metadata.NamespaceProperty ?? "";
        var labels = new JsonObject();
        foreach (var (key, value) in (generator.Spec.CommonMetadata?.Labels ?? new Dictionary<string, string>()).Concat(captured))
            labels[key] = value;
        labels["app.kubernetes.io/managed-by"] = ControllerName;
        labels[ArtifactGenerator.GeneratorLabel] = generator.Metadata.Uid ?? "";
        var metadata = new JsonObject { ["name"] = name, ["namespace"] = ns, ["labels"] = labels };
        if (generator.Spec.CommonMetadata?.Annotations is { Count: > 0 } annotations)
            metadata["annotations"] = new JsonObject(annotations.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value)));
        var applied = await kube.ApplyAsync(new JsonObject
        {
            ["apiVersion"] = ExternalArtifact.ApiVersionV1,
            ["kind"] = ExternalArtifact.KindName,
            ["metadata"] = metadata,
            ["spec"] = new JsonObject
            {
                ["sourceRef"] = new JsonObject
                {
                    ["apiVersion"] = ArtifactGenerator.ApiVersionV1Beta1,
                    ["kind"] = ArtifactGenerator.KindName,
                    ["name"] = generator.Metadata.Name,
                    ["namespace"] = ns,
                },
            },
        }, new ApplyOptions { FieldManager = options.FieldManager, Force = true }, ct);

        var current = FluxJson.FromNode<ExternalArtifact>(applied);
        var generation = applied["metadata"]?["generation"]?.GetValue<long>() ?? 0;
        if (current.Status?.Artifact is { } stored &&
            JsonNode.DeepEquals(FluxJson.ToNode(stored with { LastUpdateTime = artifact.LastUpdateTime }), FluxJson.ToNode(artifact)))
            artifact = artifact with { LastUpdateTime = stored.LastUpdateTime };
        var conditions = new ConditionSet(current.Status?.Conditions, generation, time);
        conditions.MarkTrue(ConditionTypes.Ready, ConditionReasons.Succeeded, "Artifact is ready");
        var status = new ExternalArtifactStatus { Artifact = artifact, Conditions = conditions.ToList() };
        if (FluxJson.ToNode(status).ToJsonString() != (applied["status"]?.ToJsonString() ?? ""))
            await kube.ApplyStatusAsync(ObjectRef.Of(applied), FluxJson.ToNode(status).AsObject(), options.FieldManager, ct);
    }

    /// <summary>Deletes the ExternalArtifacts of <paramref name="inventory"/> not in <paramref name="current"/>, and
    /// their storage.</summary>
    private async Task DeleteOrphansAsync(IReadOnlyList<ExternalArtifactReference> inventory,
        IReadOnlyList<ExternalArtifactReference> current, CancellationToken ct)
    {
        foreach (var orphan in inventory.Where(i => !current.Any(c => c.Name == i.Name && c.Namespace == i.Namespace)))
        {
            store.DeleteAll(Owner(orphan.Namespace, orphan.Name));
            await kube.DeleteAsync(new ObjectRef(ExternalArtifact.ApiVersionV1, ExternalArtifact.KindName, orphan.Namespace, orphan.Name),
                "Background", ct);
        }
    }

    private async Task EnsureFinalizerAsync(ArtifactGenerator generator, CancellationToken ct)
    {
        var finalizers = generator.Metadata.Finalizers ?? [];
        if (!finalizers.Contains(ArtifactGenerator.Finalizer))
            await SetFinalizersAsync(generator, finalizers.Append(ArtifactGenerator.Finalizer), ct);
    }

    private Task SetFinalizersAsync(ArtifactGenerator generator, IEnumerable<string> finalizers, CancellationToken ct) =>
        kube.PatchAsync(new ObjectRef(ArtifactGenerator.ApiVersionV1Beta1, ArtifactGenerator.KindName,
                generator.Metadata.NamespaceProperty ?? "", generator.Metadata.Name),
            new JsonObject { ["metadata"] = new JsonObject { ["finalizers"] = new JsonArray(finalizers.Select(f => (JsonNode)f).ToArray()) } },
            ct);

    /// <summary>Generated artifacts are stored as their ExternalArtifact's, as source-watcher lays them out.</summary>
    public static ArtifactOwner Owner(string ns, string name) => new(ExternalArtifact.KindName, ns, name);
}
