namespace Tide.Engine.Decryption;

/// <summary>
/// A SOPS document that cannot be decrypted. Messages name formats, key paths, recipients and fingerprints, never a
/// decrypted value, so they are safe for logs, events and status.
/// </summary>
public sealed class SopsDecryptionException(string message, Exception? inner = null) : Exception(message, inner);
