namespace Tide.Engine.Decryption;

/// <summary>How <see cref="SopsDecryptor"/> treats documents.</summary>
public sealed record SopsDecryptionOptions
{
    /// <summary>
    /// Verify each document's MAC. Off by default as in Flux: kustomize changes plaintext fields (names, namespaces,
    /// labels) of resources before they are decrypted, which invalidates their MAC.
    /// </summary>
    public bool VerifyMac { get; init; }

    /// <summary>Encrypted files above this size are refused (Flux: 5 MiB).</summary>
    public long MaxFileSize { get; init; } = 5 << 20;
}
