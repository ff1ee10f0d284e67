namespace Tide.Testing;

/// <summary>
/// A throwaway key pair made by the real `openssl` CLI in a temp directory, signing as cosign does: ECDSA and RSA
/// over the SHA-256 of the message (DER signature for ECDSA, PKCS#1 v1.5 for RSA), Ed25519 over the message itself.
/// </summary>
public sealed class OpensslSigningKey : IDisposable
{
    private readonly string _directory;
    private readonly bool _ed25519;

    private OpensslSigningKey(string directory, bool ed25519, string publicKeyPem)
    {
        _directory = directory;
        _ed25519 = ed25519;
        PublicKeyPem = publicKeyPem;
    }

    /// <summary>The public key as PEM "PUBLIC KEY" (what cosign.pub holds).</summary>
    public string PublicKeyPem { get; }

    private string PrivateKey => Path.Combine(_directory, "key.pem");

    /// <summary>An ECDSA key on a named curve: prime256v1 (P-256, cosign's default) or secp384r1 (P-384).</summary>
    public static Task<OpensslSigningKey> EcdsaAsync(string curve = "prime256v1") =>
        CreateAsync(false, ["ecparam", "-name", curve, "-genkey", "-noout"]);

    public static Task<OpensslSigningKey> RsaAsync() => CreateAsync(false, ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]);

    public static Task<OpensslSigningKey> Ed25519Async() => CreateAsync(true, ["genpkey", "-algorithm", "ed25519"]);

    /// <summary>The signature over <paramref name="message"/>.</summary>
    public async Task<byte[]> SignAsync(byte[] message)
    {
        var input = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".in");
        var output = input + ".sig";
        await File.WriteAllBytesAsync(input, message);
        await ProcessRunner.RunCheckedAsync("openssl", _ed25519
            ? ["pkeyutl", "-sign", "-rawin", "-inkey", PrivateKey, "-in", input, "-out", output]
            : ["dgst", "-sha256", "-sign", PrivateKey, "-out", output, input]);
        return await File.ReadAllBytesAsync(output);
    }

    public void Dispose() => TempDirectory.DeleteQuietly(_directory);

    private static async Task<OpensslSigningKey> CreateAsync(bool ed25519, string[] generate)
    {
        var directory = Directory.CreateTempSubdirectory("tide-openssl-").FullName;
        var key = Path.Combine(directory, "key.pem");
        await ProcessRunner.RunCheckedAsync("openssl", [.. generate, "-out", key]);
        var publicKey = await ProcessRunner.RunCheckedAsync("openssl", ["pkey", "-in", key, "-pubout"]);
        return new OpensslSigningKey(directory, ed25519, publicKey);
    }
}
