using System.Text.Json.Nodes;

namespace Tide.Engine.Kube;

/// <summary>What an <see cref="Informer"/> tells its consumer.</summary>
public abstract record InformerEvent
{
    private InformerEvent()
    {
    }

    /// <summary>Every object there is now (after the first list, a relist, or a 410 Gone): objects known before and
    /// missing here were deleted meanwhile.</summary>
    public sealed record Listed(IReadOnlyList<JsonObject> Items) : InformerEvent;

    /// <summary>An object was added or modified.</summary>
    public sealed record Changed(JsonObject Object) : InformerEvent;

    /// <summary>An object was deleted (its last state).</summary>
    public sealed record Deleted(JsonObject Object) : InformerEvent;

    /// <summary>Listing or watching failed; the informer tries again after <paramref name="Delay"/>.</summary>
    public sealed record Retrying(string Error, TimeSpan Delay) : InformerEvent;
}
