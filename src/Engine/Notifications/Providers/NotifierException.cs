namespace Tide.Engine.Notifications.Providers;

/// <summary>A notification could not be prepared or sent; the message is safe to show (no secret in it).</summary>
public sealed class NotifierException(string message, Exception? inner = null) : Exception(message, inner);
