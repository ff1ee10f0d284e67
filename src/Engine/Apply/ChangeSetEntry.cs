using Tide.Engine.Kube;

namespace Tide.Engine.Apply;

/// <summary>One object's outcome; <see cref="ToString"/> reads like Flux's log lines ("Deployment/ns/app configured").</summary>
public sealed record ChangeSetEntry(ObjectRef Object, ChangeAction Action)
{
    /// <summary>The <see cref="ObjectFingerprint"/> of the object as this apply left it (<see
    /// cref="ObjectFingerprint.Deleted"/> for what it pruned; null for objects never read), so a later change can be
    /// told apart from Tide's own write.</summary>
    public string? Fingerprint { get; init; }

    /// <summary>The object as the API server answered the apply (or the read that found nothing to apply); null when
    /// it was not read. Health checks take it instead of reading the object again when it already shows it ready.</summary>
    public System.Text.Json.Nodes.JsonObject? Live { get; init; }

    /// <summary>An outcome whose object the server answered with <paramref name="live"/>.</summary>
    public static ChangeSetEntry Of(ObjectRef target, ChangeAction action, System.Text.Json.Nodes.JsonObject live) =>
        new(target, action) { Fingerprint = ObjectFingerprint.Of(live), Live = live };

    public override string ToString() => $"{Object} {Action.ToString().ToLowerInvariant()}";
}
