namespace Tide.Engine.Artifacts;

/// <summary>An artifact could not be downloaded, verified or unpacked; consumers report it as ArtifactFailed.</summary>
public sealed class ArtifactFetchException(string message, Exception? inner = null) : Exception(message, inner);
