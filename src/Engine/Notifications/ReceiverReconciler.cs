using System.Text;
using Tide.Engine.Api;
using Tide.Engine.Reconcilers;

namespace Tide.Engine.Notifications;

/// <summary>
/// Reconciles a Receiver as notification-controller does: reads the token from its Secret and publishes the webhook
/// path it gives in status.webhookPath, Ready=True ("Receiver initialized for path: ..."). A missing token is retried
/// (TokenNotFound); a type Tide does not support, or a resourceFilter that does not compile, stalls until the object
/// changes.
/// </summary>
public sealed class ReceiverReconciler(TimeProvider time)
{
    public const string TokenNotFoundReason = "TokenNotFound";
    public const string UnsupportedTypeReason = "UnsupportedReceiverType";

    /// <param name="secret">The data of spec.secretRef's Secret; null when it does not exist.</param>
    public ReconcileResult<ReceiverStatus> Reconcile(Receiver receiver, IReadOnlyDictionary<string, byte[]>? secret)
    {
        var meta = receiver.Metadata;
        var generation = meta.Generation ?? 0;
        var conditions = new ConditionSet(receiver.Status?.Conditions, generation, time);
        var status = new ReceiverStatus
        {
            ObservedGeneration = generation,
            WebhookPath = receiver.Status?.WebhookPath,
            LastHandledReconcileAt = meta.Annotations is { } a && a.TryGetValue(SourceReconcileSteps.ReconcileRequestAnnotation, out var at)
                ? at : receiver.Status?.LastHandledReconcileAt,
        };

        string? stalled = null, stalledReason = null;
        if (!ReceiverTypes.Supported.Contains(receiver.Spec.Type))
            (stalledReason, stalled) = (UnsupportedTypeReason,
                $"Receiver type '{receiver.Spec.Type}' is not supported by Tide; supported types: {string.Join(", ", ReceiverTypes.Supported)}");
        else if (ResourceFilter.Validate(receiver.Spec.ResourceFilter) is { } invalid)
            (stalledReason, stalled) = (ConditionReasons.InvalidCelExpression, invalid);
        if (stalled is not null)
        {
            conditions.MarkFalse(ConditionTypes.Ready, stalledReason!, stalled);
            conditions.MarkStalled(stalledReason!, stalled);
            return Result(status with { WebhookPath = null }, conditions, ReconcileEvent.Warning, stalledReason!, stalled, Requeue.OnChange);
        }

        var secretName = $"{meta.NamespaceProperty}/{receiver.Spec.SecretRef.Name}";
        if (secret is null || !secret.TryGetValue("token", out var tokenBytes))
        {
            var message = secret is null
                ? $"unable to read token from secret '{secretName}': not found"
                : $"invalid '{secretName}' secret data: required field 'token'";
            conditions.MarkFalse(ConditionTypes.Ready, TokenNotFoundReason, message);
            conditions.MarkReconciling(ConditionReasons.ProgressingWithRetry, message);
            return Result(status, conditions, ReconcileEvent.Warning, TokenNotFoundReason, message, Requeue.WithBackoff(TimeSpan.Zero));
        }

        var path = ReceiverTypes.WebhookPath(Encoding.UTF8.GetString(tokenBytes), meta.Name, meta.NamespaceProperty ?? "");
        var ready = $"Receiver initialized for path: {path}";
        var changed = conditions.Get(ConditionTypes.Ready) is not { Status: ConditionStatus.True } || status.WebhookPath != path;
        conditions.Delete(ConditionTypes.Reconciling);
        conditions.Delete(ConditionTypes.Stalled);
        conditions.MarkTrue(ConditionTypes.Ready, ConditionReasons.Succeeded, ready);
        var result = Result(status with { WebhookPath = path }, conditions, ReconcileEvent.Normal, ConditionReasons.Succeeded,
            ready, Requeue.AfterInterval(receiver.Spec.GetInterval()));
        return changed ? result : result with { Events = [] };
    }

    private static ReconcileResult<ReceiverStatus> Result(ReceiverStatus status, ConditionSet conditions, string eventType,
        string reason, string message, Requeue requeue) =>
        new(status with { Conditions = conditions.ToList() }, [new ReconcileEvent(eventType, reason, message)], requeue);
}
