using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Event;
using Tide.Actors.Sharding;
using Tide.Engine.Api;
using Tide.Engine.Kube;
using Tide.Engine.Reconcilers;

namespace Tide.Actors.Watchers;

/// <summary>
/// Watches the objects Kustomizations applied (one watch per target cluster and kind, by the
/// kustomize.toolkit.fluxcd.io/name label) and tells a Kustomization at once when someone changes or deletes one of
/// its objects, so drift is reverted without waiting for the interval. Changes to status alone are not drift. A
/// cluster singleton: one watch per cluster and kind for the whole Tide cluster.
/// <para>Kustomizations say what they need (<see cref="WatchKinds"/>: their target cluster, this one or a remote one
/// named by its kubeConfig Secret, and the kinds they applied) after each reconcile and renew it on a timer; a
/// deleted Kustomization withdraws it (<see cref="StopWatching"/>), and a need not renewed within
/// <see cref="NeedLease"/> lapses (its Kustomization is gone without saying so). A watch that no Kustomization needs
/// any more stops.</para>
/// </summary>
public sealed class DriftWatcher : ReceiveActor, IWithTimers
{
    public const string NameLabel = "kustomize.toolkit.fluxcd.io/name";
    public const string NamespaceLabel = "kustomize.toolkit.fluxcd.io/namespace";

    /// <summary>How often Kustomizations renew what they need.</summary>
    public static readonly TimeSpan NeedRenewal = TimeSpan.FromMinutes(1);

    /// <summary>How long a need lasts without renewal.</summary>
    public static readonly TimeSpan NeedLease = NeedRenewal * 3;

    private readonly Dictionary<string, Need> _needs = new(StringComparer.Ordinal);
    /// <summary>The watches running, with how many Kustomizations need each.</summary>
    private readonly Dictionary<(TargetClusterRef? Cluster, AppliedKind Kind), Watch> _watches = new();
    private readonly KubeClient _kube;
    private readonly RemoteClusters _clusters;
    private readonly ShardRegions _regions;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public DriftWatcher(KubeClient kube, RemoteClusters clusters, ShardRegions regions)
    {
        _kube = kube;
        _clusters = clusters;
        _regions = regions;
        Receive<WatchKinds>(m =>
        {
            // Most messages renew what is known (every reconcile and every renewal says it again): cheap, whatever
            // the number of Kustomizations.
            if (_needs.TryGetValue(m.KustomizationId, out var known) && known.Cluster == m.Cluster && known.Kinds.SequenceEqual(m.Kinds))
            {
                known.Renewed = DateTimeOffset.UtcNow;
                return;
            }
            Withdraw(m.KustomizationId);
            if (m.Kinds.Count == 0)
                return;
            var need = new Need(m.Cluster, m.Kinds) { Renewed = DateTimeOffset.UtcNow };
            _needs[m.KustomizationId] = need;
            foreach (var kind in need.Kinds.Distinct())
                Acquire((need.Cluster, kind));
        });
        Receive<StopWatching>(m => Withdraw(m.KustomizationId));
        Receive<Sweep>(_ =>
        {
            var lapsed = DateTimeOffset.UtcNow - NeedLease;
            foreach (var id in _needs.Where(n => n.Value.Renewed < lapsed).Select(n => n.Key).ToList())
                Withdraw(id);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(KubeClient kube, RemoteClusters clusters, ShardRegions regions) =>
        Akka.Actor.Props.Create(() => new DriftWatcher(kube, clusters, regions));

    protected override void PreStart()
    {
        base.PreStart();
        Timers.StartPeriodicTimer(nameof(Sweep), Sweep.Instance, NeedRenewal);
    }

    /// <summary>One more Kustomization needs this watch: started if it is the first.</summary>
    private void Acquire((TargetClusterRef? Cluster, AppliedKind Kind) key)
    {
        if (_watches.TryGetValue(key, out var running))
        {
            running.Users++;
            return;
        }
        var watch = new Watch { Users = 1 };
        _watches[key] = watch;
        _ = Task.Run(() => WatchAsync(key.Cluster, key.Kind, watch.Stop.Token));
    }

    /// <summary>Drops what a Kustomization needed; a watch no one needs any more stops.</summary>
    private void Withdraw(string kustomizationId)
    {
        if (!_needs.Remove(kustomizationId, out var need))
            return;
        foreach (var kind in need.Kinds.Distinct())
        {
            var key = (need.Cluster, kind);
            var watch = _watches[key];
            if (--watch.Users > 0)
                continue;
            _watches.Remove(key);
            watch.Stop.Cancel();
            watch.Stop.Dispose();
        }
    }

    private async Task WatchAsync(TargetClusterRef? cluster, AppliedKind kind, CancellationToken ct)
    {
        if (cluster is null)
        {
            await WatchAsync(_kube, "", kind, ct);
            return;
        }
        var backoff = TimeSpan.FromSeconds(1);
        while (!ct.IsCancellationRequested)
        {
            RemoteCluster remote;
            try
            {
                remote = await TargetCluster.OpenRemoteAsync(_kube, _clusters, cluster.Namespace,
                    new SecretKeyReference { Name = cluster.SecretName, Key = cluster.Key }, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Its Kustomizations report the same failure in their status; the watch tries again.
                _log.Warning("drift watch of {0} in cluster {1}: {2}; retrying in {3}", kind.Kind, cluster, e.Message, backoff);
                try
                {
                    await Task.Delay(backoff, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromMinutes(1).Ticks));
                continue;
            }
            using (remote)
                await WatchAsync(remote.Client, $" in cluster {cluster}", kind, ct);
            return;
        }
    }

    private Task WatchAsync(KubeClient kube, string where, AppliedKind kind, CancellationToken ct)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        return new Informer(kube, kind.ApiVersion, kind.Kind, NameLabel).RunAsync(e =>
        {
            switch (e)
            {
                case InformerEvent.Listed listed:
                    foreach (var item in listed.Items)
                        Observe(seen, item, deleted: false, notify: false);
                    break;
                case InformerEvent.Changed changed:
                    Observe(seen, changed.Object, deleted: false, notify: true);
                    break;
                case InformerEvent.Deleted deleted:
                    Observe(seen, deleted.Object, deleted: true, notify: true);
                    break;
                case InformerEvent.Retrying retrying:
                    _log.Warning("drift watch of {0}{1} failed: {2}; retrying in {3}", kind.Kind, where, retrying.Error, retrying.Delay);
                    break;
            }
            return ValueTask.CompletedTask;
        }, ct);
    }

    private void Observe(Dictionary<string, string> seen, JsonObject obj, bool deleted, bool notify)
    {
        var labels = obj["metadata"]?["labels"];
        var owner = labels?[NameLabel]?.GetValue<string>();
        var ownerNamespace = labels?[NamespaceLabel]?.GetValue<string>();
        if (owner is null || ownerNamespace is null)
            return;
        var key = ObjectRef.Of(obj).ToString();
        var fingerprint = deleted ? ObjectFingerprint.Deleted : ObjectFingerprint.Of(obj);
        if (seen.TryGetValue(key, out var previous) && previous == fingerprint)
            return;
        if (deleted)
            seen.Remove(key);
        else
            seen[key] = fingerprint;
        if (notify)
            _regions.Tell(new DriftDetected(EntityId.Of("Kustomization", ownerNamespace, owner), key, fingerprint));
    }

    protected override void PostStop()
    {
        foreach (var watch in _watches.Values)
        {
            watch.Stop.Cancel();
            watch.Stop.Dispose();
        }
        base.PostStop();
    }

    /// <summary>What a Kustomization needs watched: the kinds it applied (none: nothing) in its target cluster (null:
    /// this one). Replaces what it needed before.</summary>
    public sealed record WatchKinds(string KustomizationId, TargetClusterRef? Cluster, IReadOnlyList<AppliedKind> Kinds);

    /// <summary>A deleted Kustomization needs nothing watched any more.</summary>
    public sealed record StopWatching(string KustomizationId);

    private sealed record Need(TargetClusterRef? Cluster, IReadOnlyList<AppliedKind> Kinds)
    {
        public DateTimeOffset Renewed { get; set; }
    }

    private sealed class Watch
    {
        public CancellationTokenSource Stop { get; } = new();

        public int Users { get; set; }
    }

    private sealed class Sweep
    {
        public static readonly Sweep Instance = new();
    }
}

/// <summary>An apiVersion and kind that some Kustomization applied.</summary>
public sealed record AppliedKind(string ApiVersion, string Kind);

/// <summary>A remote cluster as a Kustomization names it: the Secret (of the Kustomization's namespace) holding its
/// kubeconfig, and the key (null: <c>value</c> or <c>value.yaml</c>). Never the kubeconfig itself.</summary>
public sealed record TargetClusterRef(string Namespace, string SecretName, string? Key)
{
    public override string ToString() => $"'{Namespace}/{SecretName}'";
}
