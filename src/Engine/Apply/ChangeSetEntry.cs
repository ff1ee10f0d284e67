using Tide.Engine.Kube;

namespace Tide.Engine.Apply;

/// <summary>One object's outcome; <see cref="ToString"/> reads like Flux's log lines ("Deployment/ns/app configured").</summary>
public sealed record ChangeSetEntry(ObjectRef Object, ChangeAction Action)
{
    /// <summary>The <see cref="ObjectFingerprint"/> of the object as this apply left it (<see
    /// cref="ObjectFingerprint.Deleted"/> for what it pruned; null for objects never read), so a later change can be
    /// told apart from Tide's own write.</summary>
    public string? Fingerprint { get; init; }

    public override string ToString() => $"{Object} {Action.ToString().ToLowerInvariant()}";
}
