using System.Text;
using System.Text.Json.Nodes;

namespace Tide.Engine.Decryption;

/// <summary>
/// SOPS decryption as Flux's kustomize-controller does it with <c>decryption.provider: sops</c>: age identities
/// (<c>*.agekey</c> entries) and unprotected OpenPGP keys (<c>*.asc</c> entries) unwrap the data key (age first, then
/// PGP); values are AES-256-GCM with their key path as additional data; YAML, JSON, dotenv, INI and binary documents.
/// </summary>
public sealed class SopsDecryptor
{
    public const string DecryptAnnotation = "kustomize.toolkit.fluxcd.io/decrypt";

    private readonly IReadOnlyList<IAgeIdentity> _ageIdentities;
    private readonly PgpKeyRing _pgpKeys;
    private readonly SopsDecryptionOptions _options;

    private SopsDecryptor(IReadOnlyList<IAgeIdentity> ageIdentities, PgpKeyRing pgpKeys, SopsDecryptionOptions options)
    {
        _ageIdentities = ageIdentities;
        _pgpKeys = pgpKeys;
        _options = options;
    }

    /// <summary>
    /// A decryptor with the keys among <paramref name="keyFiles"/> (name and content, e.g. the decoded data entries of
    /// the <c>decryption.secretRef</c> Secret): names ending in <c>.agekey</c> are age identity files, names ending in
    /// <c>.asc</c> armored OpenPGP keyrings; other entries (cloud KMS credentials) are ignored.
    /// </summary>
    /// <exception cref="SopsDecryptionException">a key file that cannot be read (the message names the entry)</exception>
    public static SopsDecryptor Create(IEnumerable<(string Name, byte[] Content)> keyFiles, SopsDecryptionOptions? options = null)
    {
        var age = new List<IAgeIdentity>();
        var pgp = new PgpKeyRing();
        foreach (var (name, content) in keyFiles)
        {
            if (name.EndsWith(".agekey", StringComparison.Ordinal))
                age.AddRange(AgeFile.ParseIdentities(name, Encoding.UTF8.GetString(content)));
            else if (name.EndsWith(".asc", StringComparison.Ordinal))
                pgp.Import(name, content);
        }
        return new SopsDecryptor(age, pgp, options ?? new SopsDecryptionOptions());
    }

    /// <summary>The key files of a Secret as the API server returns it (base64 <c>data</c>).</summary>
    public static IEnumerable<(string Name, byte[] Content)> KeyFilesOf(JsonObject secret)
    {
        foreach (var (name, value) in secret["data"] as JsonObject ?? [])
            if (value is JsonValue v && v.TryGetValue<string>(out var base64))
                yield return (name, Convert.FromBase64String(base64));
    }

    /// <summary>A resource that is itself a SOPS document: it has a <c>sops</c> map with a non-empty <c>mac</c>.</summary>
    public static bool IsEncrypted(JsonObject resource) =>
        resource["sops"] is JsonObject sops && sops["mac"] is JsonValue mac && mac.TryGetValue<string>(out var text) && text.Length > 0;

    /// <summary>Whether file content holds the marker of an encrypted document of <paramref name="format"/>.</summary>
    public static bool IsEncrypted(ReadOnlySpan<byte> content, SopsFormat format) =>
        content.IndexOf(SopsStores.Marker(format)) >= 0;

    /// <summary>The annotation <c>kustomize.toolkit.fluxcd.io/decrypt: disabled</c> (any case) opts a resource out.</summary>
    public static bool IsDecryptionDisabled(JsonObject resource) =>
        resource["metadata"]?["annotations"]?[DecryptAnnotation] is JsonValue v && v.TryGetValue<string>(out var s) &&
        string.Equals(s, "disabled", StringComparison.OrdinalIgnoreCase);

    /// <summary>The store for a file name: <c>.yaml</c>/<c>.yml</c>, <c>.json</c> (and <c>.dockerconfigjson</c>), <c>.env</c>, <c>.ini</c>, else binary.</summary>
    public static SopsFormat FormatForPath(string path) => SopsStores.FormatForPath(path);

    /// <summary>
    /// Decrypts a built resource as Flux does before applying it: a SOPS-encrypted resource becomes its plaintext
    /// (without the <c>sops</c> map); a Secret whose <c>data</c> values are base64 SOPS documents (detected by their
    /// markers) gets each of them decrypted, written in the format its key's extension names, and re-encoded.
    /// Anything else, and resources annotated <c>decrypt: disabled</c>, come back as they are. The input is not modified.
    /// </summary>
    /// <exception cref="SopsDecryptionException">the message names the resource and never a decrypted value</exception>
    public JsonObject DecryptDocument(JsonObject resource)
    {
        if (IsDecryptionDisabled(resource))
            return resource;
        var name = $"'{resource["metadata"]?["namespace"]?.GetValue<string>()}/{resource["metadata"]?["name"]?.GetValue<string>()}'";
        var kind = resource["kind"]?.GetValue<string>();
        if (IsEncrypted(resource))
        {
            try
            {
                var (tree, metadata) = SopsStores.SplitMetadata((JsonObject)resource.DeepClone());
                return DecryptTree(tree, metadata!);
            }
            catch (SopsDecryptionException e)
            {
                throw new SopsDecryptionException($"failed to decrypt and format {name} {kind} data: {e.Message}", e);
            }
        }
        if (kind != "Secret" || resource["data"] is not JsonObject data)
            return resource;
        JsonObject? result = null;
        foreach (var (key, value) in data)
        {
            if (value is not JsonValue v || !v.TryGetValue<string>(out var base64) || !TryFromBase64(base64, out var bytes))
                continue; // Flux leaves undecodable values to fail later, in the build.
            if (DetectFormat(bytes) is not { } input)
                continue;
            byte[] plaintext;
            try
            {
                plaintext = Decrypt(bytes, input, FormatForPath(key));
            }
            catch (SopsDecryptionException e)
            {
                throw new SopsDecryptionException($"failed to decrypt and format {name} Secret field '{key}': {e.Message}", e);
            }
            result ??= (JsonObject)resource.DeepClone();
            result["data"]![key] = Convert.ToBase64String(plaintext);
        }
        return result ?? resource;
    }

    /// <summary>
    /// Decrypts a file that a kustomization uses as generator input or patch, as Flux does before the build: the input
    /// and output format come from <paramref name="fileName"/>, except for <c>envs</c> entries, which are dotenv whatever
    /// their name. A file without the format's marker is returned unchanged.
    /// </summary>
    /// <exception cref="SopsDecryptionException">too large, or not decryptable; the message names the file</exception>
    public byte[] DecryptFile(byte[] content, string fileName, SopsFormat? format = null)
    {
        var fileFormat = format ?? FormatForPath(fileName);
        if (content.Length > _options.MaxFileSize)
            throw new SopsDecryptionException(
                $"cannot decrypt '{fileName}': its size ({content.Length} bytes) exceeds the limit ({_options.MaxFileSize})");
        if (!IsEncrypted(content, fileFormat))
            return content;
        try
        {
            return Decrypt(content, fileFormat, fileFormat);
        }
        catch (SopsDecryptionException e)
        {
            throw new SopsDecryptionException($"failed to decrypt '{fileName}': {e.Message}", e);
        }
    }

    /// <summary>Decrypts a SOPS document of <paramref name="input"/> format and writes it in <paramref name="output"/> format.</summary>
    /// <exception cref="SopsDecryptionException">no key unwraps the data key, a value does not authenticate, or (when verified) the MAC differs</exception>
    public byte[] Decrypt(byte[] content, SopsFormat input, SopsFormat output)
    {
        var (tree, metadata) = SopsStores.Load(content, input);
        var plaintext = DecryptTree(tree, metadata);
        try
        {
            return SopsStores.Emit(plaintext, output);
        }
        catch (SopsDecryptionException e) when (input != output)
        {
            throw new SopsDecryptionException($"failed to emit encrypted {SopsStores.Name(input)} file as decrypted {SopsStores.Name(output)}: {e.Message}", e);
        }
    }

    private JsonObject DecryptTree(JsonObject tree, JsonObject metadataNode)
    {
        var metadata = SopsMetadata.Parse(metadataNode);
        var dataKey = DataKey(metadata);
        var mac = SopsTree.Decrypt(tree, metadata, dataKey);
        if (_options.VerifyMac)
            VerifyMac(metadata, dataKey, mac);
        return tree;
    }

    private static void VerifyMac(SopsMetadata metadata, byte[] dataKey, string computed)
    {
        var stored = "";
        if (!string.IsNullOrEmpty(metadata.Mac))
        {
            try
            {
                stored = Encoding.UTF8.GetString(SopsValueCipher.Decrypt(metadata.Mac, dataKey, metadata.LastModified).Plaintext);
            }
            catch (SopsDecryptionException e)
            {
                throw new SopsDecryptionException($"failed to verify sops data integrity: {e.Message}", e);
            }
        }
        if (stored != computed)
            throw new SopsDecryptionException(
                $"failed to verify sops data integrity: expected mac '{(stored.Length == 0 ? "no MAC" : stored)}', got '{computed}'");
    }

    /// <summary>The data key from the first stanza one of our keys opens: age stanzas first, then PGP, as SOPS orders them.</summary>
    private byte[] DataKey(SopsMetadata metadata)
    {
        var failures = new List<string>();
        foreach (var stanza in metadata.Age)
        {
            if (AgeFile.Decrypt(stanza.Enc, _ageIdentities) is { Length: 32 } key)
                return key;
            failures.Add($"age recipient {stanza.Recipient}: no matching identity among {_ageIdentities.Count}");
        }
        foreach (var stanza in metadata.Pgp)
        {
            if (_pgpKeys.Decrypt(stanza.Enc) is { Length: 32 } key)
                return key;
            failures.Add($"pgp key {stanza.Fingerprint}: no matching secret key among {_pgpKeys.Count}");
        }
        if (failures.Count == 0)
            failures.Add("the document has no age or pgp key stanza");
        throw new SopsDecryptionException("cannot get sops data key: " + string.Join("; ", failures));
    }

    private static SopsFormat? DetectFormat(byte[] content)
    {
        // JSON before binary: their marker is the same, and either store reads the envelope.
        foreach (var format in new[] { SopsFormat.Json, SopsFormat.Dotenv, SopsFormat.Ini, SopsFormat.Yaml })
            if (IsEncrypted(content, format))
                return format;
        return null;
    }

    private static bool TryFromBase64(string text, out byte[] bytes)
    {
        bytes = new byte[text.Length];
        if (Convert.TryFromBase64String(text, bytes, out var written))
        {
            bytes = bytes[..written];
            return true;
        }
        return false;
    }
}
