namespace Tide.Engine.Notifications;

/// <summary>One call to a Receiver's webhook: its headers (looked up case-insensitively) and its body.</summary>
public sealed record WebhookCall(Func<string, string?> Header, byte[] Body);
