using Tide.Engine.Kube;

namespace Tide.Engine.Apply;

/// <summary>One object's outcome; <see cref="ToString"/> reads like Flux's log lines ("Deployment/ns/app configured").</summary>
public sealed record ChangeSetEntry(ObjectRef Object, ChangeAction Action)
{
    public override string ToString() => $"{Object} {Action.ToString().ToLowerInvariant()}";
}
