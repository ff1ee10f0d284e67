using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Event;
using Tide.Actors.Sharding;
using Tide.Engine.Kube;

namespace Tide.Actors.Watchers;

/// <summary>
/// Watches the objects Kustomizations applied (one watch per kind, by the kustomize.toolkit.fluxcd.io/name label) and
/// tells a Kustomization at once when someone changes or deletes one of its objects, so drift is reverted without
/// waiting for the interval. Changes to status alone are not drift. A cluster singleton: one watch per kind for the
/// whole cluster. Kustomizations tell it which kinds they applied.
/// </summary>
public sealed class DriftWatcher : ReceiveActor
{
    public const string NameLabel = "kustomize.toolkit.fluxcd.io/name";
    public const string NamespaceLabel = "kustomize.toolkit.fluxcd.io/namespace";

    private readonly Dictionary<(string ApiVersion, string Kind), CancellationTokenSource> _watches = new();
    private readonly KubeClient _kube;
    private readonly ShardRegions _regions;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public DriftWatcher(KubeClient kube, ShardRegions regions)
    {
        _kube = kube;
        _regions = regions;
        Receive<WatchKinds>(m =>
        {
            foreach (var kind in m.Kinds)
                Start(kind.ApiVersion, kind.Kind);
        });
    }

    public static Props Props(KubeClient kube, ShardRegions regions) =>
        Akka.Actor.Props.Create(() => new DriftWatcher(kube, regions));

    private void Start(string apiVersion, string kind)
    {
        if (_watches.ContainsKey((apiVersion, kind)))
            return;
        var stop = new CancellationTokenSource();
        _watches[(apiVersion, kind)] = stop;
        _ = Task.Run(() => WatchAsync(apiVersion, kind, stop.Token));
    }

    private Task WatchAsync(string apiVersion, string kind, CancellationToken ct)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        return new Informer(_kube, apiVersion, kind, NameLabel).RunAsync(e =>
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
                    _log.Warning("drift watch of {0} failed: {1}; retrying in {2}", kind, retrying.Error, retrying.Delay);
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
        foreach (var stop in _watches.Values)
        {
            stop.Cancel();
            stop.Dispose();
        }
        base.PostStop();
    }

    /// <summary>Kinds a Kustomization applied: each gets a watch if it has none yet.</summary>
    public sealed record WatchKinds(IReadOnlyList<AppliedKind> Kinds);
}

/// <summary>An apiVersion and kind that some Kustomization applied.</summary>
public sealed record AppliedKind(string ApiVersion, string Kind);
