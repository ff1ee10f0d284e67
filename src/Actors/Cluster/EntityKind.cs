using Tide.Actors.Entities;

namespace Tide.Actors.Cluster;

/// <summary>A kind Tide reconciles: its API version, whether it is a source (publishes artifacts) or a consumer
/// (subscribes to a source), and the handler that does its work.</summary>
public sealed record EntityKind(string Kind, string ApiVersion, bool IsSource, IReconcileHandler Handler);
