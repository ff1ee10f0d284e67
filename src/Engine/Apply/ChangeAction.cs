namespace Tide.Engine.Apply;

/// <summary>What an apply or prune did to one object (Flux's change set actions).</summary>
public enum ChangeAction
{
    Created,
    Configured,
    Unchanged,
    Deleted,
    Skipped,
}
