using System.Text.Json.Nodes;
using System.Threading.Channels;
using Tide.Engine.Kube;
using Tide.Host.Cli;

namespace Tide.Host.Ui;

/// <summary>
/// Every Flux object of the kinds the UI shows, kept current by one <see cref="Informer"/> per kind (list, then
/// watch), and a stream of changes for each open page. A kind the cluster does not serve yet is retried by its
/// informer and appears once its CRD is installed.
/// </summary>
public sealed class FluxObjectCache : IAsyncDisposable
{
    private const int MaxPendingChanges = 10_000;

    private readonly Dictionary<string, (FluxKind Kind, JsonObject Object)> _objects = new(StringComparer.Ordinal);
    private readonly HashSet<string> _servedKinds = new(StringComparer.Ordinal);
    private readonly List<Channel<UiChange>> _subscribers = [];
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _informers;

    public FluxObjectCache(KubeClient kube, IReadOnlyList<FluxKind> kinds, TimeSpan relistInterval)
    {
        Kinds = kinds;
        _informers = kinds.Select(kind => new Informer(kube, kind.ApiVersion, kind.Kind) { RelistInterval = relistInterval }
            .RunAsync(e => Handle(kind, e), _stop.Token)).ToArray();
    }

    /// <summary>The kinds shown, in the CLI's order (sources, then appliers).</summary>
    public IReadOnlyList<FluxKind> Kinds { get; }

    /// <summary>The kinds whose objects have been listed (the cluster serves them).</summary>
    public IReadOnlyList<FluxKind> ServedKinds
    {
        get
        {
            lock (_lock)
                return Kinds.Where(k => _servedKinds.Contains(k.Kind)).ToList();
        }
    }

    public JsonObject? Find(FluxKind kind, string ns, string name)
    {
        lock (_lock)
            return _objects.TryGetValue(Key(kind.Kind, ns, name), out var found) ? found.Object : null;
    }

    /// <summary>Every object now, with its kind.</summary>
    public IReadOnlyList<(FluxKind Kind, JsonObject Object)> Objects()
    {
        lock (_lock)
            return _objects.Values.ToList();
    }

    /// <summary>The rows now and, atomically with them, every later change, until the subscription is disposed (the
    /// page closed).</summary>
    public UiSubscription Subscribe()
    {
        var channel = Channel.CreateBounded<UiChange>(new BoundedChannelOptions(MaxPendingChanges) { SingleReader = true });
        lock (_lock)
        {
            _subscribers.Add(channel);
            return new UiSubscription(Kinds.Where(k => _servedKinds.Contains(k.Kind)).ToList(),
                _objects.Values.Select(o => StatusRow.Of(o.Kind, o.Object)).ToList(), channel.Reader, () =>
                {
                    lock (_lock)
                        _subscribers.Remove(channel);
                    channel.Writer.TryComplete();
                });
        }
    }

    private ValueTask Handle(FluxKind kind, InformerEvent e)
    {
        lock (_lock)
        {
            switch (e)
            {
                case InformerEvent.Listed listed:
                    if (_servedKinds.Add(kind.Kind))
                        Publish(new UiChange.KindsChanged(Kinds.Where(k => _servedKinds.Contains(k.Kind)).ToList()));
                    var current = listed.Items.Select(o => Key(kind.Kind, FluxObjects.Namespace(o), FluxObjects.Name(o))).ToHashSet();
                    foreach (var gone in _objects.Where(o => o.Value.Kind == kind && !current.Contains(o.Key)).ToList())
                        Remove(gone.Key, gone.Value.Object);
                    foreach (var item in listed.Items)
                        Upsert(kind, item);
                    break;
                case InformerEvent.Changed changed:
                    Upsert(kind, changed.Object);
                    break;
                case InformerEvent.Deleted deleted:
                    Remove(Key(kind.Kind, FluxObjects.Namespace(deleted.Object), FluxObjects.Name(deleted.Object)), deleted.Object);
                    break;
            }
        }
        return ValueTask.CompletedTask;
    }

    private void Upsert(FluxKind kind, JsonObject obj)
    {
        var key = Key(kind.Kind, FluxObjects.Namespace(obj), FluxObjects.Name(obj));
        // A relist returns unchanged objects too: only what changed reaches the pages.
        if (_objects.TryGetValue(key, out var known) && ResourceVersion(known.Object) == ResourceVersion(obj))
            return;
        // Managed fields are most of an object's size and no page shows them.
        (obj["metadata"] as JsonObject)?.Remove("managedFields");
        _objects[key] = (kind, obj);
        Publish(new UiChange.Upserted(StatusRow.Of(kind, obj)));
    }

    private void Remove(string key, JsonObject last)
    {
        if (!_objects.Remove(key, out var known))
            return;
        Publish(new UiChange.Deleted(StatusRow.Of(known.Kind, last)));
    }

    private void Publish(UiChange change)
    {
        // A page that falls this far behind is ended rather than buffered without bound: its EventSource reconnects
        // and starts over from a fresh snapshot.
        foreach (var subscriber in _subscribers)
        {
            if (!subscriber.Writer.TryWrite(change))
                subscriber.Writer.TryComplete();
        }
    }

    private static string? ResourceVersion(JsonObject obj) => obj["metadata"]?["resourceVersion"]?.GetValue<string>();

    private static string Key(string kind, string ns, string name) => $"{kind}/{ns}/{name}";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_informers);
        _stop.Dispose();
        lock (_lock)
        {
            foreach (var subscriber in _subscribers)
                subscriber.Writer.TryComplete();
        }
    }
}
