namespace Tide.Engine.Api;

/// <summary>What the Receiver reconciler observed: the webhook path its token gives.</summary>
public sealed record ReceiverStatus
{
    public long? ObservedGeneration { get; init; }

    public IReadOnlyList<Condition>? Conditions { get; init; }

    /// <summary>/hook/&lt;sha256 hex of token + name + namespace&gt;.</summary>
    public string? WebhookPath { get; init; }

    public string? LastHandledReconcileAt { get; init; }
}
