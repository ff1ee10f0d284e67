namespace Tide.Engine.Artifacts;

/// <summary>An artifact could not be fetched, verified or unpacked; the message says which and why.</summary>
public sealed class ArtifactException(string message, Exception? inner = null) : Exception(message, inner);
