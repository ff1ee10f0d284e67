namespace Tide.Engine.Generators;

/// <summary>A copy rule could not be applied; the message is source-watcher's.</summary>
internal sealed class CopyFailedException(string message, Exception? inner = null) : Exception(message, inner);
