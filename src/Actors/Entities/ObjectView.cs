using System.Text.Json.Nodes;

namespace Tide.Actors.Entities;

/// <summary>The parts of an object's JSON that decide whether an entity must reconcile now, and whether a copy is
/// newer than another.</summary>
public sealed record ObjectView(long Generation, string? RequestedAt, bool Suspended, bool Deleting, long? ResourceVersion = null)
{
    public const string RequestedAtAnnotation = "reconcile.fluxcd.io/requestedAt";

    public static ObjectView Of(JsonObject obj) => new(
        obj["metadata"]?["generation"]?.GetValue<long>() ?? 0,
        obj["metadata"]?["annotations"]?[RequestedAtAnnotation]?.GetValue<string>(),
        obj["spec"]?["suspend"]?.GetValue<bool>() ?? false,
        obj["metadata"]?["deletionTimestamp"] is not null,
        long.TryParse(ResourceVersionOf(obj), out var version) ? version : null);

    public static string? ResourceVersionOf(JsonObject obj) => obj["metadata"]?["resourceVersion"]?.GetValue<string>();

    /// <summary>A change the user made that asks for a reconcile: a new spec, or a new requestedAt token.</summary>
    public bool AsksToReconcileAfter(ObjectView? previous) =>
        previous is null || previous.Generation != Generation || previous.RequestedAt != RequestedAt ||
        (previous.Suspended && !Suspended);

    /// <summary>Whether this copy is no newer than <paramref name="other"/>: a watch event that arrives after the
    /// entity's own write (or a later read) returned a newer version. resourceVersions are compared as the numbers
    /// the API server hands out; a copy without one is always taken.</summary>
    public bool IsNoNewerThan(ObjectView? other) => IsNoNewerThan(ResourceVersion, other);

    /// <summary>Whether a change announced at <paramref name="resourceVersion"/> is no newer than the copy
    /// <paramref name="held"/>: then there is nothing to read.</summary>
    public static bool IsNoNewerThan(string? resourceVersion, ObjectView? held) =>
        IsNoNewerThan(long.TryParse(resourceVersion, out var version) ? version : null, held);

    private static bool IsNoNewerThan(long? resourceVersion, ObjectView? other) =>
        resourceVersion is { } mine && other?.ResourceVersion is { } theirs && mine <= theirs;
}
