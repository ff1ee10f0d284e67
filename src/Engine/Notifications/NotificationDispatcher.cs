using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tide.Engine.Api;
using Tide.Engine.Kube;
using Tide.Engine.Notifications.Providers;
using Tide.Engine.Reconcilers;

namespace Tide.Engine.Notifications;

/// <summary>
/// notification-controller's event server inside a Tide node: every event a reconciler records is published here
/// (without waiting), rate limited, matched against the Alerts (eventSources by kind, name or '*', namespace,
/// matchLabels; eventSeverity; inclusionList and exclusionList), combined with each Alert's metadata and sent
/// through its Provider. What fails (a missing Provider, a refused or unreachable service after the retries, an
/// invalid regular expression) is logged and recorded as a Warning event on the Alert, as Flux does; the node goes
/// on. Beyond Flux, nothing is lost: a reconciler's Kubernetes Event is recorded in the outbox (labelled pending) and
/// leaves it only once every Alert it matched got it; the cluster's leader sends what stays there (a Provider that
/// was down, a node that died mid-send) every redelivery interval.
/// </summary>
public sealed partial class NotificationDispatcher : IAsyncDisposable
{
    public const string Controller = "notification-controller";
    public const string DispatchFailedReason = "NotificationDispatchFailed";
    public const string InvalidConfigReason = "InvalidConfig";
    public const string MetadataAppendFailedReason = "MetadataAppendFailed";
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    private readonly KubeClient _kube;
    private readonly ProviderSender _sender;
    private readonly EventRecorder _events;
    private readonly NotificationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly EventRateLimiter _limiter;
    private readonly Channel<(FluxEvent Event, ObjectRef? Outbox)> _queue = Channel.CreateBounded<(FluxEvent, ObjectRef?)>(
        new BoundedChannelOptions(4096) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly ConcurrentDictionary<Task, bool> _sending = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly Task _redelivery;
    private readonly Func<bool> _redelivers;
    /// <summary>Outbox Events this node is dispatching now (redelivery leaves them alone).</summary>
    private readonly ConcurrentDictionary<ObjectRef, bool> _inFlight = new();
    /// <summary>Whether the last listing found any Alert (until then: assumed).</summary>
    private bool _alertsExist = true;

    /// <param name="redelivers">Whether this node is the one that redelivers the outbox (the cluster's leader);
    /// null: it is.</param>
    public NotificationDispatcher(KubeClient kube, ProviderSender sender, EventRecorder events, NotificationOptions options,
        TimeProvider time, ILogger? log = null, Func<bool>? redelivers = null)
    {
        _kube = kube;
        _sender = sender;
        _events = events;
        _options = options;
        _time = time;
        _log = log ?? NullLogger.Instance;
        _limiter = new EventRateLimiter(options.RateLimitInterval, time);
        _redelivers = redelivers ?? (() => true);
        _loop = Task.Run(RunAsync);
        _redelivery = Task.Run(RedeliverLoopAsync);
    }

    /// <summary>The labels that put a new Kubernetes Event in the outbox: it stays there until every Alert it matched
    /// got it (an Event outlives the node, so a node that dies with sends under way loses nothing).</summary>
    public static IReadOnlyDictionary<string, string> OutboxLabels { get; } = new Dictionary<string, string> { [PendingLabel] = "true" };

    /// <summary>Marks an outbox Event as waiting (the cluster's leader redelivers it).</summary>
    public const string PendingLabel = "notification.tide.dev/pending";

    /// <summary>On a pending outbox Event: the Alerts (namespace/name, comma-separated) still to get it; absent: every
    /// Alert it matches.</summary>
    public const string AlertsAnnotation = "notification.tide.dev/alerts";

    /// <summary>Queues the notification of an event recorded on <paramref name="involved"/>; never waits.</summary>
    /// <param name="outbox">The Kubernetes Event recorded with <see cref="OutboxLabels"/>, settled once sent.</param>
    public void Publish(JsonObject involved, ReconcileEvent recorded, string controller, ObjectRef? outbox = null)
    {
        // notification-controller records its own events (Receivers, Alerts) without sending them.
        if (controller == Controller ||
            EventMetadata.FromRecorded(involved, recorded, controller, _options.ReportingInstance, _time.GetUtcNow()) is not { } e)
            return;
        if (outbox is not null)
            _inFlight[outbox] = true;
        if (_queue.Writer.TryWrite((e, outbox)))
            return;
        // Still pending in the outbox: the redelivery sends it.
        if (outbox is not null)
            _inFlight.TryRemove(outbox, out _);
        LogQueueFull(_log, e.InvolvedObject.ToString());
    }

    /// <summary>The labels an Event of <paramref name="controller"/> is recorded with: the outbox's, unless
    /// notification-controller's own (not sent).
    /// Nor while the cluster has no Alert at all (as last seen): then there is nothing to keep.</summary>
    public IReadOnlyDictionary<string, string>? OutboxLabelsFor(string controller) =>
        controller == Controller || !Volatile.Read(ref _alertsExist) ? null : OutboxLabels;

    /// <summary>Routes one event to the Alerts it matches and starts sending it; the sends run on.</summary>
    public Task DispatchAsync(FluxEvent e, CancellationToken ct) => DispatchAsync(e, null, null, rateLimited: true, ct);

    /// <param name="outbox">The event's outbox Event, settled when the sends end (null: none).</param>
    /// <param name="only">The Alerts still to get it (null: every one it matches).</param>
    private async Task DispatchAsync(FluxEvent e, ObjectRef? outbox, IReadOnlySet<string>? only, bool rateLimited,
        CancellationToken ct)
    {
        var sends = new List<(string Alert, Task<bool> Sent)>();
        var routed = false;
        try
        {
            if (rateLimited && !_limiter.TryAcquire(e))
            {
                LogRateLimited(_log, e.InvolvedObject.ToString(), e.Reason);
                routed = true;
                return;
            }
            e = EventMetadata.WithoutInternal(e);
            var alerts = new List<(JsonObject Json, Alert Alert)>();
            var all = (await _kube.ListAsync(Alert.ApiVersionV1Beta3, Alert.KindName, null, null, ct)).Items;
            Volatile.Write(ref _alertsExist, all.Count > 0);
            foreach (var json in all)
            {
                var alert = FluxJson.FromNode<Alert>(json);
                if (alert.Spec.Suspend != true && (only is null || only.Contains(Name(alert))) && await MatchesAsync(e, json, alert, ct))
                    alerts.Add((json, alert));
            }
            routed = true;
            if (alerts.Count == 0)
            {
                LogNoAlerts(_log, e.InvolvedObject.ToString());
                return;
            }
            foreach (var (json, alert) in alerts)
            {
                try
                {
                    if (await DispatchToAsync(e, json, alert, ct) is { } sent)
                        sends.Add((Name(alert), sent));
                }
                catch (NotifierException failure)
                {
                    // A configuration error (no Provider, ...): reported, not retried, as in Flux.
                    await ReportAsync(json, alert, DispatchFailedReason, $"failed to dispatch notification for {e.InvolvedObject}: {failure.Message}", ct);
                }
            }
        }
        finally
        {
            // Routing that failed (the Alerts could not be listed) leaves the event pending for the redelivery.
            if (outbox is not null && routed)
                Track(SettleAsync(outbox, sends));
            else if (outbox is not null)
                _inFlight.TryRemove(outbox, out _);
        }
    }

    private static string Name(Alert alert) => $"{alert.Metadata.NamespaceProperty}/{alert.Metadata.Name}";

    /// <summary>Once the sends ended: the outbox Event leaves the outbox, or names the Alerts still to get it.</summary>
    private async Task SettleAsync(ObjectRef outbox, List<(string Alert, Task<bool> Sent)> sends)
    {
        var failed = new List<string>();
        foreach (var (alert, sent) in sends)
            if (!await sent)
                failed.Add(alert);
        var done = failed.Count == 0;
        try
        {
            await _kube.PatchAsync(outbox, new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["labels"] = new JsonObject { [PendingLabel] = done ? null : "true" },
                    ["annotations"] = new JsonObject { [AlertsAnnotation] = done ? null : string.Join(',', failed) },
                },
            }, _stop.Token);
        }
        catch (Exception e) when (e is KubeApiException or HttpRequestException or OperationCanceledException)
        {
            // The Event expired or the API server is away: a pending one is tried again by the redelivery.
        }
        finally
        {
            _inFlight.TryRemove(outbox, out _);
        }
    }

    /// <summary>The leader sends what the outbox still holds (Events older than the interval: the newer ones may still
    /// be under way on the node that recorded them), every redelivery interval.</summary>
    private async Task RedeliverLoopAsync()
    {
        try
        {
            while (true)
            {
                await Task.Delay(_options.RedeliveryInterval, _time, _stop.Token);
                if (_redelivers())
                    await RedeliverAsync(_stop.Token);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>One round of redelivery of the outbox's Events.</summary>
    public async Task RedeliverAsync(CancellationToken ct)
    {
        IReadOnlyList<JsonObject> pending;
        try
        {
            pending = (await _kube.ListAsync("v1", "Event", null, $"{PendingLabel}=true", ct)).Items;
        }
        catch (Exception e) when (e is KubeApiException or HttpRequestException)
        {
            LogDispatchFailed(_log, e, "the outbox");
            return;
        }
        var cutoff = _time.GetUtcNow() - _options.RedeliveryInterval;
        foreach (var recorded in pending)
        {
            var outbox = ObjectRef.Of(recorded);
            if (_inFlight.ContainsKey(outbox))
                continue;
            if (Recorded(recorded) is not { } e)
            {
                Track(SettleAsync(outbox, []));
                continue;
            }
            if (e.Timestamp > cutoff)
                continue;
            var only = recorded["metadata"]?["annotations"]?[AlertsAnnotation]?.ToString() is { Length: > 0 } list
                ? list.Split(',').ToHashSet(StringComparer.Ordinal) : null;
            _inFlight[outbox] = true;
            LogRedelivering(_log, e.InvolvedObject.ToString(), e.Reason);
            try
            {
                await DispatchAsync(e, outbox, only, rateLimited: false, ct);
            }
            catch (Exception failure) when (failure is KubeApiException or HttpRequestException)
            {
                LogDispatchFailed(_log, failure, e.InvolvedObject.ToString());
            }
        }
    }

    /// <summary>The event an outbox Event stands for, as its controller sent it.</summary>
    private FluxEvent? Recorded(JsonObject recorded)
    {
        var involved = recorded["involvedObject"] as JsonObject;
        var annotations = (recorded["metadata"]?["annotations"] as JsonObject ?? [])
            .Where(a => a.Key != AlertsAnnotation && a.Value is not null)
            .ToDictionary(a => a.Key, a => a.Value!.ToString());
        var at = DateTimeOffset.TryParse(recorded["lastTimestamp"]?.ToString(), System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var last) ? last : _time.GetUtcNow();
        return EventMetadata.FromRecorded(new JsonObject
            {
                ["apiVersion"] = involved?["apiVersion"]?.DeepClone(),
                ["kind"] = involved?["kind"]?.DeepClone(),
                ["metadata"] = new JsonObject
                {
                    ["namespace"] = involved?["namespace"]?.DeepClone(),
                    ["name"] = involved?["name"]?.DeepClone(),
                    ["uid"] = involved?["uid"]?.DeepClone(),
                },
            },
            new ReconcileEvent(recorded["type"]?.ToString() ?? ReconcileEvent.Normal, recorded["reason"]?.ToString() ?? "",
                recorded["message"]?.ToString() ?? "", annotations),
            recorded["reportingComponent"]?.ToString() ?? recorded["source"]?["component"]?.ToString() ?? "",
            _options.ReportingInstance, at);
    }

    private void Track(Task work)
    {
        _sending[work] = true;
        _ = work.ContinueWith(t => _sending.TryRemove(t, out _), TaskScheduler.Default);
    }

    /// <summary>Starts sending to one Alert's Provider: the send's task (false when it should be tried again), or
    /// null when the Provider takes nothing of this event.</summary>
    private async Task<Task<bool>?> DispatchToAsync(FluxEvent e, JsonObject alertJson, Alert alert, CancellationToken ct)
    {
        var alertNs = alert.Metadata.NamespaceProperty ?? "";
        if (_options.NoCrossNamespaceRefs && e.InvolvedObject.Namespace != alertNs)
            throw new NotifierException($"discarding event, access denied to cross-namespace sources: alert '{alertNs}/{alert.Metadata.Name}' " +
                $"can't process event from '{e.InvolvedObject}', cross-namespace references have been blocked");
        JsonObject? providerJson;
        try
        {
            providerJson = await _kube.GetAsync(new ObjectRef(Provider.ApiVersionV1Beta3, Provider.KindName, alertNs, alert.Spec.ProviderRef.Name), ct);
        }
        catch (KubeApiException failure)
        {
            throw new NotifierException($"failed to read provider: {failure.Message}", failure);
        }
        if (providerJson is null)
            throw new NotifierException($"failed to read provider: providers.notification.toolkit.fluxcd.io \"{alert.Spec.ProviderRef.Name}\" not found");
        var provider = FluxJson.FromNode<Provider>(providerJson);
        if (provider.Spec.Suspend == true)
            return null;
        var type = provider.Spec.Type;
        var group = e.InvolvedObject.Group;
        var commitStatusUpdate = e.Metadata.GetValueOrDefault($"{group}/commit_status") == "update";
        // Commit status updates are for Git providers (and generic ones, which forward everything); Git providers
        // take events about a commit, commit status updates and errors.
        if (!NotifierFactory.IsCommitStatusType(type) && !NotifierFactory.IsGenericType(type) && commitStatusUpdate)
            return null;
        if (NotifierFactory.IsCommitStatusType(type) && !e.Metadata.ContainsKey($"{FluxEvent.Group}/commit") && !commitStatusUpdate && !e.IsError)
        {
            LogCommitStatusDropped(_log, e.InvolvedObject.ToString(), $"{alertNs}/{alert.Metadata.Name}");
            return null;
        }
        var (notification, conflicts) = EventMetadata.Combine(e, alert.Spec);
        if (conflicts.Count > 0)
        {
            const string message = "metadata key conflicts detected (please refer to the Alert API docs and Flux RFC 0008 for more information)";
            LogMetadataConflicts(_log, $"{alertNs}/{alert.Metadata.Name}", string.Join(", ", conflicts.Keys));
            await _events.RecordAsync(alertJson, new ReconcileEvent(ReconcileEvent.Warning, MetadataAppendFailedReason, message,
                conflicts), Controller, ct);
        }
        LogDispatching(_log, e.InvolvedObject.ToString(), $"{alertNs}/{alert.Metadata.Name}", provider.Metadata.Name);
        // Sending runs on (retries included) so that one slow service does not hold back the next event.
        var send = Task.Run(async () =>
        {
            try
            {
                await _sender.SendAsync(provider, notification, alert, _stop.Token);
                LogSent(_log, e.InvolvedObject.ToString(), provider.Metadata.Name, type);
                return true;
            }
            catch (NotifierException failure)
            {
                await ReportAsync(alertJson, alert, DispatchFailedReason,
                    $"failed to send notification for {e.InvolvedObject}: {failure.Message}", _stop.Token);
                // Only a service that was away is worth trying again; a refusal would be refused again.
                return !failure.Transient;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // The node stops: the outbox keeps the event for the next leader.
                return false;
            }
        }, CancellationToken.None);
        Track(send);
        return send;
    }

    private async Task<bool> MatchesAsync(FluxEvent e, JsonObject alertJson, Alert alert, CancellationToken ct)
    {
        var matched = false;
        foreach (var source in alert.Spec.EventSources)
        {
            if (await SourceMatchesAsync(e, alertJson, alert, source, ct))
            {
                matched = true;
                break;
            }
        }
        if (!matched)
            return false;
        if (alert.Spec.InclusionList is { Count: > 0 } include &&
            !await AnyMatchAsync(include, "inclusion", e.Message, alertJson, alert, ct))
            return false;
        return alert.Spec.ExclusionList is not { Count: > 0 } exclude ||
            !await AnyMatchAsync(exclude, "exclusion", e.Message, alertJson, alert, ct);
    }

    private async Task<bool> SourceMatchesAsync(FluxEvent e, JsonObject alertJson, Alert alert, ReceiverResourceReference source,
        CancellationToken ct)
    {
        var o = e.InvolvedObject;
        var ns = string.IsNullOrEmpty(source.Namespace) ? alert.Metadata.NamespaceProperty ?? "" : source.Namespace;
        var severity = alert.Spec.GetEventSeverity();
        if (o.Namespace != ns || o.Kind != source.Kind)
            return false;
        if (e.Severity != severity && severity != FluxEvent.SeverityInfo)
            return false;
        if (source.Name != "*" && source.Name != o.Name)
            return false;
        if (source.MatchLabels is not { Count: > 0 } wanted)
            return true;
        JsonObject? obj;
        try
        {
            obj = await _kube.GetAsync(new ObjectRef(o.ApiVersion, o.Kind, o.Namespace, o.Name), ct);
        }
        catch (KubeApiException)
        {
            obj = null;
        }
        if (obj is null)
        {
            await ReportAsync(alertJson, alert, InvalidConfigReason, $"error getting source object {o}", ct);
            return false;
        }
        var labels = obj["metadata"]?["labels"] as JsonObject;
        return wanted.All(l => labels?[l.Key]?.ToString() == l.Value);
    }

    private async Task<bool> AnyMatchAsync(IReadOnlyList<string> patterns, string list, string message, JsonObject alertJson,
        Alert alert, CancellationToken ct)
    {
        foreach (var pattern in patterns)
        {
            Regex regex;
            try
            {
                regex = new Regex(pattern, RegexOptions.CultureInvariant, RegexTimeout);
            }
            catch (ArgumentException)
            {
                await ReportAsync(alertJson, alert, InvalidConfigReason, $"failed to compile {list} regex: {pattern}", ct);
                continue;
            }
            try
            {
                if (regex.IsMatch(message))
                    return true;
            }
            catch (RegexMatchTimeoutException)
            {
                await ReportAsync(alertJson, alert, InvalidConfigReason, $"{list} regex took too long: {pattern}", ct);
            }
        }
        return false;
    }

    private async Task ReportAsync(JsonObject alertJson, Alert alert, string reason, string message, CancellationToken ct)
    {
        LogAlertFailed(_log, $"{alert.Metadata.NamespaceProperty}/{alert.Metadata.Name}", reason, message);
        await _events.RecordAsync(alertJson, new ReconcileEvent(ReconcileEvent.Warning, reason, message), Controller, ct);
    }

    private async Task RunAsync()
    {
        try
        {
            await foreach (var (e, outbox) in _queue.Reader.ReadAllAsync(_stop.Token))
            {
                try
                {
                    await DispatchAsync(e, outbox, null, rateLimited: true, _stop.Token);
                }
                catch (Exception failure) when (failure is KubeApiException or HttpRequestException or NotifierException)
                {
                    LogDispatchFailed(_log, failure, e.InvolvedObject.ToString());
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Completes when the sends started so far (retries included) have ended.</summary>
    public Task IdleAsync() => Task.WhenAll(_sending.Keys);

    /// <summary>Stops taking events and gives the sends under way a moment to finish.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            // Events still queued are dropped with the node, as notification-controller drops them on shutdown.
        }
        await _stop.CancelAsync();
        await Task.WhenAll(_sending.Keys).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        await _loop.ContinueWith(_ => { }, TaskScheduler.Default);
        await _redelivery.ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "discarding event of {Object} ({Reason}): rate limiting duplicate events")]
    private static partial void LogRateLimited(ILogger log, string @object, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "discarding event of {Object}: no alerts found for the involved object")]
    private static partial void LogNoAlerts(ILogger log, string @object);

    [LoggerMessage(Level = LogLevel.Information, Message = "dispatching event of {Object} to alert {Alert} (provider {Provider})")]
    private static partial void LogDispatching(ILogger log, string @object, string alert, string provider);

    [LoggerMessage(Level = LogLevel.Debug, Message = "notification for {Object} sent through provider {Provider} ({Type})")]
    private static partial void LogSent(ILogger log, string @object, string provider, string type);

    [LoggerMessage(Level = LogLevel.Information, Message = "event of {Object} dropped for commit status provider of alert {Alert}: no commit metadata key")]
    private static partial void LogCommitStatusDropped(ILogger log, string @object, string alert);

    [LoggerMessage(Level = LogLevel.Information, Message = "alert {Alert}: metadata key conflicts detected: {Keys}")]
    private static partial void LogMetadataConflicts(ILogger log, string alert, string keys);

    [LoggerMessage(Level = LogLevel.Error, Message = "alert {Alert}: {Reason}: {Message}")]
    private static partial void LogAlertFailed(ILogger log, string alert, string reason, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "failed to dispatch the event of {Object}")]
    private static partial void LogDispatchFailed(ILogger log, Exception error, string @object);

    [LoggerMessage(Level = LogLevel.Information, Message = "redelivering the event of {Object} ({Reason}) from the outbox")]
    private static partial void LogRedelivering(ILogger log, string @object, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "notification queue full: event of {Object} dropped")]
    private static partial void LogQueueFull(ILogger log, string @object);
}
