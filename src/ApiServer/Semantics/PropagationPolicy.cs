namespace Tide.ApiServer.Semantics;

/// <summary>What happens to an object's dependents (objects whose ownerReferences name it) when it is deleted.</summary>
internal enum PropagationPolicy
{
    /// <summary>The owner goes at once; its dependents are deleted after it.</summary>
    Background,
    /// <summary>The owner stays (finalizer foregroundDeletion) until its dependents are gone.</summary>
    Foreground,
    /// <summary>The dependents stay, without the owner reference.</summary>
    Orphan,
}
