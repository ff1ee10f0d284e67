using System.Text.Json.Nodes;

namespace Tide.Actors.Entities;

/// <summary>The parts of an object's JSON that decide whether an entity must reconcile now.</summary>
public sealed record ObjectView(long Generation, string? RequestedAt, bool Suspended, bool Deleting)
{
    public const string RequestedAtAnnotation = "reconcile.fluxcd.io/requestedAt";

    public static ObjectView Of(JsonObject obj) => new(
        obj["metadata"]?["generation"]?.GetValue<long>() ?? 0,
        obj["metadata"]?["annotations"]?[RequestedAtAnnotation]?.GetValue<string>(),
        obj["spec"]?["suspend"]?.GetValue<bool>() ?? false,
        obj["metadata"]?["deletionTimestamp"] is not null);

    /// <summary>A change the user made that asks for a reconcile: a new spec, or a new requestedAt token.</summary>
    public bool AsksToReconcileAfter(ObjectView? previous) =>
        previous is null || previous.Generation != Generation || previous.RequestedAt != RequestedAt ||
        (previous.Suspended && !Suspended);
}
