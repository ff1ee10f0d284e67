using System.Text.Json.Nodes;
using Tide.Actors.Entities;
using Tide.Actors.Watchers;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Kube;
using Tide.Engine.Reconcilers;
using Tide.Engine.Reconcilers.Kustomizations;

namespace Tide.Actors.Handlers;

/// <summary>Runs the Kustomization reconciler for an entity (within the apply limit of its target cluster: the node's,
/// or its remote cluster's bulkhead) and writes the status, whatever happened.</summary>
public sealed class KustomizationHandler(KustomizationReconciler reconciler, StatusWriter status, StageLimiter applies,
    Action<string>? progress = null, ClusterBulkheads? remoteClusters = null) : IReconcileHandler
{
    private const string Controller = "kustomize-controller";

    /// <summary>How often a deletion with deletionPolicy WaitForTermination looks whether its objects are gone
    /// (kustomize-controller polls every 2s); no apply slot is held in between.</summary>
    public static readonly TimeSpan TerminationTick = TimeSpan.FromSeconds(2);

    public async Task<ReconcileOutcome> ReconcileAsync(JsonObject obj, ArtifactLocation? artifact, CancellationToken ct)
    {
        var ks = FluxJson.FromNode<Kustomization>(obj);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        ReconcileResult<KustomizationStatus> result;
        try
        {
            result = await LimiterOf(ks).RunAsync(() => reconciler.ReconcileAsync(ks, artifact, ct), ct);
        }
        catch (Exception e) when (StatusWriter.IsUnexpected(e, ct))
        {
            var failed = await status.WriteUnexpectedFailureAsync(obj, e, UnexpectedFailure.Kustomization, Controller);
            return ReconcileOutcome.From(Requeue.AfterRetryInterval(ks.Spec.GetRetryInterval()), artifact)
                with { Written = failed, Error = e, Message = e.Message };
        }
        var written = await status.WriteAsync(obj, FluxJson.ToNode(result.Status),
            WithFinished(ks, result, System.Diagnostics.Stopwatch.GetElapsedTime(started)), Controller);
        var appliedKinds = (result.Status.Inventory?.Entries ?? [])
            .Select(e => ObjectRef.FromInventory(e.Id, e.Version))
            .Select(r => new AppliedKind(r.ApiVersion, r.Kind))
            .Distinct()
            .ToList();
        return ReconcileOutcome.From(result.Requeue, result.Input)
            with { AppliedKinds = appliedKinds, Applied = result.Applied, Written = written };
    }

    public async Task<TimeSpan?> FinalizeAsync(JsonObject obj, CancellationToken ct)
    {
        var ks = FluxJson.FromNode<Kustomization>(obj);
        var finalized = await LimiterOf(ks).RunAsync(() => reconciler.FinalizeAsync(ks, ct), ct);
        var name = $"Kustomization/{ks.Metadata.NamespaceProperty}/{ks.Metadata.Name}";
        if (finalized.Changes.Count > 0)
            progress?.Invoke($"{name}: deleting; {string.Join("; ", finalized.Changes)}");
        if (finalized.Terminating.Count == 0)
            return null;
        // Said once, in the round that deleted them; later rounds only look.
        if (finalized.Changes.Count > 0)
            progress?.Invoke($"{name}: waiting for termination of {string.Join(", ", finalized.Terminating)}");
        return TerminationTick;
    }

    private StageLimiter LimiterOf(Kustomization ks) => remoteClusters?.For(ks) ?? applies;

    public async Task<ReconcileOutcome> CheckHealthAsync(JsonObject obj, DateTimeOffset waitStarted, CancellationToken ct)
    {
        var ks = FluxJson.FromNode<Kustomization>(obj);
        var result = await reconciler.CheckHealthAsync(ks, waitStarted, ct);
        var written = await status.WriteAsync(obj, FluxJson.ToNode(result.Status),
            WithFinished(ks, result, DateTimeOffset.UtcNow - waitStarted), Controller);
        return ReconcileOutcome.From(result.Requeue) with { Written = written };
    }

    /// <summary>The events of a reconcile, plus kustomize-controller's "Reconciliation finished" when it ended Ready:
    /// marked as a commit status update, it is what Git providers report as success (chat providers skip it).</summary>
    private static IReadOnlyList<ReconcileEvent> WithFinished(Kustomization ks, ReconcileResult<KustomizationStatus> result,
        TimeSpan took)
    {
        if (ks.Spec.Suspend == true || result.Requeue.Mode != RequeueMode.Interval ||
            result.Status.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready) is not { Status: ConditionStatus.True } ready)
            return result.Events;
        var metadata = new Dictionary<string, string> { [Kustomization.Group + "/commit_status"] = "update" };
        if (result.Status.LastAppliedRevision is { } revision)
            metadata[Kustomization.Group + "/revision"] = revision;
        return [.. result.Events, new ReconcileEvent(ReconcileEvent.Normal, ready.Reason,
            $"Reconciliation finished in {GoDuration.Format(took)}, next run in {GoDuration.Format(ks.Spec.Interval.Value)}", metadata)];
    }
}
