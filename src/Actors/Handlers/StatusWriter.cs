using System.Text.Json.Nodes;
using Tide.Engine.Api;
using Tide.Engine.Kube;
using Tide.Engine.Notifications;
using Tide.Engine.Reconcilers;

namespace Tide.Actors.Handlers;

/// <summary>
/// The one way an entity's status reaches the server: written whole (a server-side apply of /status as Tide's field
/// manager, so a field the reconciler no longer sets disappears), then the reconcile's events recorded (and published to
/// the node's Alerts). Also writes
/// the status of a reconcile that ended with an exception no failure mapping knows: as Flux always finalizes status,
/// the user then sees Ready=False with the message instead of nothing.
/// </summary>
public sealed class StatusWriter(KubeClient kube, string fieldManager, EventRecorder events, TimeProvider time,
    Action<string>? progress = null, NotificationDispatcher? notifications = null)
{
    /// <summary>How long a status write (and its events) may take. Not the entity's token: a reconcile that finished
    /// reports what it did even when newer news arrived meanwhile (its inventory must reach the server).</summary>
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Writes <paramref name="status"/> as the object's whole status and records
    /// <paramref name="recorded"/>; returns the object as the server holds it after the write, or null when the
    /// object is gone (deleted while it was reconciled: there is nothing left to report on).</summary>
    public async Task<JsonObject?> WriteAsync(JsonObject obj, JsonNode status, IReadOnlyList<ReconcileEvent> recorded,
        string controller)
    {
        using var timeout = new CancellationTokenSource(WriteTimeout, time);
        var ct = timeout.Token;
        var target = ObjectRef.Of(obj);
        JsonObject written;
        try
        {
            written = await kube.ApplyStatusAsync(target, status.AsObject(), fieldManager, ct);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            return null;
        }
        foreach (var e in recorded)
        {
            progress?.Invoke($"{target}: {e.Message.Replace("\n", "; ")}");
            // As Flux's controllers post every event to notification-controller, which routes it to Alerts; the
            // Event is the outbox that keeps it until every Alert got it.
            var outboxLabels = notifications?.OutboxLabelsFor(controller);
            var outbox = await events.RecordAsync(obj, e, controller, ct, outboxLabels);
            notifications?.Publish(written, e, controller, outboxLabels is null ? null : outbox);
        }
        return written;
    }

    /// <summary>Whether <paramref name="error"/> is a failure to report in status: anything but the caller's own
    /// cancellation (the entity cancelled the work for newer news) and running out of memory.</summary>
    public static bool IsUnexpected(Exception error, CancellationToken ct) =>
        error is not OutOfMemoryException && !(error is OperationCanceledException && ct.IsCancellationRequested);

    /// <summary>
    /// Writes the status of a reconcile that threw <paramref name="error"/>: the object's last status with Ready=False
    /// for <paramref name="failure"/>'s reason (and its kind's abnormal condition, e.g. FetchFailed) and the error's
    /// message, Reconciling=True (ProgressingWithRetry); everything else as it was. Returns the written object (null:
    /// the object is gone).
    /// </summary>
    public async Task<JsonObject?> WriteUnexpectedFailureAsync(JsonObject obj, Exception error, UnexpectedFailure failure,
        string controller)
    {
        var message = error.Message;
        var status = obj["status"]?.DeepClone() as JsonObject ?? new JsonObject();
        var generation = obj["metadata"]?["generation"]?.GetValue<long>() ?? 0;
        var previous = status["conditions"] is JsonArray existing ? FluxJson.FromNode<List<Condition>>(existing) : null;
        var conditions = new ConditionSet(previous, generation, time);
        if (failure.Condition is { } condition)
            conditions.MarkTrue(condition, failure.Reason, message);
        conditions.MarkFalse(ConditionTypes.Ready, failure.Reason, message);
        conditions.MarkReconciling(ConditionReasons.ProgressingWithRetry, message);
        status["conditions"] = FluxJson.ToNode(conditions.ToList());
        return await WriteAsync(obj, status, [new ReconcileEvent(ReconcileEvent.Warning, failure.Reason, message)], controller);
    }
}
