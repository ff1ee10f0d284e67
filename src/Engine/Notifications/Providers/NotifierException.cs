namespace Tide.Engine.Notifications.Providers;

/// <summary>A notification could not be prepared or sent; the message is safe to show (no secret in it).</summary>
/// <param name="transient">The service could not be reached or answered 5xx/429 (retrying later may succeed), as
/// opposed to a refusal or an event the Provider cannot take.</param>
public sealed class NotifierException(string message, Exception? inner = null, bool transient = false) : Exception(message, inner)
{
    public bool Transient { get; } = transient;
}
