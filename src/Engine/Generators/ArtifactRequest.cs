using Tide.Engine.Api;

namespace Tide.Engine.Generators;

/// <summary>One ExternalArtifact to build: its spec (placeholders rendered) and the labels a pathPattern captured.</summary>
internal sealed record ArtifactRequest(OutputArtifact Artifact, IReadOnlyDictionary<string, string> Labels);
