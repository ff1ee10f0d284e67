using Tide.Actors.Entities;

namespace Tide.Actors.Cluster;

/// <summary>A kind Tide reconciles: its API version, whether it is a source (publishes artifacts) or a consumer
/// (subscribes to a source), and the handler that does its work (null: a relay, see <see cref="Relay"/>).</summary>
public sealed record EntityKind(string Kind, string ApiVersion, bool IsSource, IReconcileHandler? Handler)
{
    /// <summary>A source kind nothing reconciles: its entities publish the artifact its producer wrote to its status
    /// (<see cref="ExternalArtifactEntity"/>).</summary>
    public static EntityKind Relay(string kind, string apiVersion) => new(kind, apiVersion, IsSource: true, Handler: null);
}
