namespace Tide.Engine.Manifests;

/// <summary>A manifest that cannot be read; the message names the file and, where known, the line.</summary>
public sealed class ManifestException(string message, Exception? inner = null) : Exception(message, inner);
