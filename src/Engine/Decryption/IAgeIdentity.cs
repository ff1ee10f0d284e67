namespace Tide.Engine.Decryption;

/// <summary>An age identity: opens the recipient stanzas of its type that were made for it.</summary>
internal interface IAgeIdentity
{
    /// <summary>The 16-byte file key, or null when the stanza is of another type or for another recipient.</summary>
    byte[]? Unwrap(AgeStanza stanza);
}
