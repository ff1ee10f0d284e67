using Tide.Engine.Api;
using Tide.Engine.Apply;
using Tide.Engine.Artifacts;
using Tide.Engine.Decryption;
using Tide.Engine.Health;
using Tide.Engine.Kube;
using Tide.Engine.Manifests;
using Tide.Engine.Reconcilers.Kustomizations;
using Tide.Engine.Substitution;

namespace Tide.Engine.Reconcilers;

/// <summary>
/// Reconciles a Kustomization as Flux's kustomize-controller does, phase by phase, each phase a type of its own
/// (<see cref="Kustomizations"/>): finalizer, dependency gate, artifact and build, target cluster and impersonation,
/// apply and prune, health. Each phase fails with one Flux reason; the status is always made here, in one place,
/// from what happened (<see cref="Failure"/> is the one mapper).
/// </summary>
public sealed class KustomizationReconciler
{
    private readonly KubeClient _kube;
    private readonly KustomizationReconcilerOptions _options;
    private readonly KustomizationFinalizer _finalizer;
    private readonly DependencyGate _dependencies;
    private readonly KustomizationBuilder _builder;
    private readonly KustomizationApplier _applier;
    private readonly HealthGate _health;
    private readonly RemoteClusters _clusters;

    /// <param name="clusters">The clients of remote clusters (spec.kubeConfig); null: a pool of this reconciler's own,
    /// without limits.</param>
    public KustomizationReconciler(KubeClient kube, ArtifactCache artifacts, KustomizationReconcilerOptions options,
        RemoteClusters? clusters = null)
    {
        _kube = kube;
        _options = options;
        _clusters = clusters ?? new RemoteClusters();
        _finalizer = new KustomizationFinalizer(kube, _clusters, options.DefaultServiceAccount);
        _dependencies = new DependencyGate(kube);
        _builder = new KustomizationBuilder(kube, artifacts, options);
        _applier = new KustomizationApplier(options.FieldManager);
        _health = new HealthGate(options.Time);
    }

    public async Task<ReconcileResult<KustomizationStatus>> ReconcileAsync(Kustomization ks, ArtifactLocation? artifact, CancellationToken ct)
    {
        var previous = ks.Status ?? new KustomizationStatus();
        var conditions = new ConditionSet(previous.Conditions, ks.Metadata.Generation ?? 0, _options.Time);
        var requestedAt = ks.Metadata.Annotations is { } annotations && annotations.TryGetValue("reconcile.fluxcd.io/requestedAt", out var at) ? at : null;
        // spec.timeout bounds the whole reconcile. Until the apply starts, the caller's token also stops it (newer news
        // made it stale; nothing was changed yet). From the apply on, it runs to its end: what it changes must reach
        // the inventory in the status, or a later prune could never find it.
        using var timeout = new CancellationTokenSource(ks.Spec.GetTimeout(), _options.Time);
        using var preparing = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        var committed = false;
        var changes = new List<ChangeSetEntry>();
        var started = _options.Time.GetUtcNow();
        string? buildDigest = null;
        try
        {
            await _finalizer.EnsureAsync(ks, preparing.Token);
            await _dependencies.RequireReadyAsync(ks, preparing.Token);
            var source = await _builder.RequireArtifactAsync(ks, artifact, preparing.Token);
            var objects = await _builder.BuildAsync(ks, source, preparing.Token);
            buildDigest = ReconcileHistory.DigestOf(objects);
            using var target = await TargetCluster.OpenAsync(_kube, _clusters, ks, _options.DefaultServiceAccount, preparing.Token);
            committed = true;
            var inventory = KustomizationApplier.Inventory(objects);
            try
            {
                changes.AddRange(await _applier.ApplyAsync(target.Client, ks, objects, timeout.Token));
                if (ks.Spec.Prune)
                    changes.AddRange(await KustomizationApplier.PruneAsync(target.Client, ks, previous.Inventory, inventory, timeout.Token));
            }
            catch (Exception e) when (target.Unreachable(e) is { } unreachable)
            {
                throw unreachable;
            }

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
                History = ReconcileHistory.Record(previous.History, buildDigest, started, _options.Time.GetUtcNow(),
                    ConditionReasons.ReconciliationSucceeded, new Dictionary<string, string> { ["revision"] = source.Revision }),
            };
            // The key (kind/namespace/name) leaves out the API group: of two objects it cannot tell apart, the first
            // stays, so what the apply left comes before what the prune deleted.
            var applied = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var change in changes.Where(c => c.Fingerprint is not null))
                applied.TryAdd(change.Object.ToString(), change.Fingerprint!);
            var targets = HealthTargets.Select(ks.Spec, changes);
            if (targets.Count == 0)
            {
                conditions.Delete(ConditionTypes.Reconciling);
                conditions.Delete(ConditionTypes.Stalled);
                conditions.MarkTrue(ConditionTypes.Ready, ConditionReasons.ReconciliationSucceeded, $"Applied revision: {source.Revision}");
                return new ReconcileResult<KustomizationStatus>(status with { Conditions = conditions.ToList() }, events,
                    Requeue.AfterInterval(ks.Spec.Interval.Value)) { Input = source, Applied = applied };
            }
            var answered = new Dictionary<ObjectRef, System.Text.Json.Nodes.JsonObject>();
            foreach (var change in changes.Where(c => c.Live is not null))
                answered.TryAdd(change.Object, change.Live!);
            var health = await _health.JudgeAsync(target.Client, ks, targets, conditions, _options.Time.GetUtcNow(), source.Revision,
                timeout.Token, answered);
            return new ReconcileResult<KustomizationStatus>(status with { Conditions = conditions.ToList() },
                [.. events, .. health.Events], health.Requeue) { Input = source, Applied = applied };
        }
        catch (Exception e) when (Failure(e, stale: ct.IsCancellationRequested && !committed) is { } failure)
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
                    : ReconcileHistory.Record(previous.History, buildDigest, started, _options.Time.GetUtcNow(), failure.Reason,
                        new Dictionary<string, string> { ["revision"] = artifact?.Revision ?? "" }),
            };
            return new ReconcileResult<KustomizationStatus>(status,
                // As kustomize-controller, with the revision it tried (what a Git provider's commit status is set on).
                [new ReconcileEvent(ReconcileEvent.Warning, failure.Reason, failure.Message,
                    artifact is null ? null : new Dictionary<string, string> { ["revision"] = artifact.Revision })],
                failure.Terminal ? Requeue.OnChange
                : Requeue.AfterRetryInterval(failure.WaitsOnDependency ? _options.DependencyRequeueInterval : ks.Spec.GetRetryInterval()));
        }
    }

    /// <summary>Maps what went wrong to a Flux reason; null for what it does not know (the caller reports it) and for
    /// work the caller cancelled as <paramref name="stale"/> (not a failure).</summary>
    private static ReconcileFailure? Failure(Exception e, bool stale) => e switch
    {
        OperationCanceledException when stale => null,
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

    /// <summary>
    /// One round of health checks for the applied revision, on a scheduled tick: nothing is held between rounds.
    /// <paramref name="waitStarted"/> is when the wait began.
    /// </summary>
    public async Task<ReconcileResult<KustomizationStatus>> CheckHealthAsync(Kustomization ks, DateTimeOffset waitStarted,
        CancellationToken ct)
    {
        var previous = ks.Status ?? new KustomizationStatus();
        var conditions = new ConditionSet(previous.Conditions, ks.Metadata.Generation ?? 0, _options.Time);
        var revision = previous.LastAppliedRevision ?? "";
        var applied = (previous.Inventory?.Entries ?? [])
            .Select(e => new ChangeSetEntry(ObjectRef.FromInventory(e.Id, e.Version), ChangeAction.Unchanged)).ToList();
        HealthStep health;
        try
        {
            using var target = await TargetCluster.OpenAsync(_kube, _clusters, ks, _options.DefaultServiceAccount, ct);
            health = await _health.JudgeAsync(target.Client, ks, HealthTargets.Select(ks.Spec, applied), conditions, waitStarted, revision, ct);
        }
        catch (Exception e) when (e is KubeApiException or HttpRequestException)
        {
            health = _health.Unreachable(ks, conditions, e, waitStarted, revision);
        }
        return new ReconcileResult<KustomizationStatus>(previous with { Conditions = conditions.ToList() }, health.Events, health.Requeue);
    }

    /// <summary>One round of the Kustomization's deletion (<see cref="KustomizationFinalizer.FinalizeAsync"/>).</summary>
    public Task<KustomizationFinalizeResult> FinalizeAsync(Kustomization ks, CancellationToken ct) => _finalizer.FinalizeAsync(ks, ct);
}
