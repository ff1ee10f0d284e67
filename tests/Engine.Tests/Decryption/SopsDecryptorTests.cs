using System.Text;
using System.Text.Json.Nodes;
using Tide.Engine.Decryption;
using Tide.Engine.Manifests;

namespace Tide.Engine.Tests.Decryption;

public sealed class SopsDecryptorTests
{
    private const string FluxSops = "flux-kustomize-controller/internal/controller/testdata/sops/";
    private const string AgeYaml = FluxSops + "algorithms/age.yaml";
    private static readonly SopsDecryptor Age = SopsDecryptor.Create([SopsCorpus.KeyEntry(FluxSops + "keys/age.txt")]);
    private static readonly SopsDecryptor AgeVerifying = SopsDecryptor.Create(
        [SopsCorpus.KeyEntry(FluxSops + "keys/age.txt")], new SopsDecryptionOptions { VerifyMac = true });

    private static string AgeYamlText => File.ReadAllText(SopsCorpus.PathOf(AgeYaml));

    private static JsonObject Read(string yaml) => ManifestReader.Read(yaml, "test.yaml").Single();

    [Fact]
    public void DecryptDocument_EncryptedSecret_ReturnsPlaintextWithoutSopsAndLeavesInputAlone()
    {
        var secret = Read(AgeYamlText);

        var decrypted = Age.DecryptDocument(secret);

        Assert.Equal("value", decrypted["stringData"]!["key"]!.GetValue<string>());
        Assert.False(decrypted.ContainsKey("sops"));
        Assert.True(SopsDecryptor.IsEncrypted(secret));
        Assert.StartsWith("ENC[AES256_GCM,", secret["stringData"]!["key"]!.GetValue<string>());
    }

    [Fact]
    public void DecryptDocument_ChangedPlaintextField_DecryptsButFailsMacVerification()
    {
        // kustomize renames and relabels objects before Flux decrypts them: that is why MAC checks are off by default.
        var secret = Read(AgeYamlText);
        secret["metadata"]!["name"] = "prefix-" + secret["metadata"]!["name"]!.GetValue<string>();

        Assert.Equal("value", Age.DecryptDocument(secret)["stringData"]!["key"]!.GetValue<string>());
        var e = Assert.Throws<SopsDecryptionException>(() => AgeVerifying.DecryptDocument(secret));
        Assert.Matches("failed to verify sops data integrity: expected mac '[0-9A-F]{128}', got '[0-9A-F]{128}'$", e.Message);
    }

    [Fact]
    public void DecryptFile_ChangedCiphertext_FailsWithoutRevealingAnyPlaintext()
    {
        const string file = "getsops/example.yaml";
        var decryptor = SopsDecryptor.Create([SopsCorpus.KeyEntry("getsops/pgp/sops_functional_tests_key.asc")]);
        var text = File.ReadAllText(SopsCorpus.PathOf(file));
        // Values before the tampered one decrypt fine; none of them may reach the message either.
        var third = text.IndexOf("ENC[AES256_GCM,data:", text.IndexOf("ENC[AES256_GCM,data:", text.IndexOf("ENC[AES256_GCM,data:", StringComparison.Ordinal) + 1, StringComparison.Ordinal) + 1, StringComparison.Ordinal);
        var tampered = text[..third] + "ENC[AES256_GCM,data:AAAA" + text[(third + "ENC[AES256_GCM,data:".Length)..];

        var e = Assert.Throws<SopsDecryptionException>(() => decryptor.DecryptFile(Encoding.UTF8.GetBytes(tampered), file));

        Assert.Contains("message authentication failed", e.Message);
        var plaintexts = File.ReadAllLines(SopsCorpus.PathOf(file + ".expected"))
            .Select(l => l.Contains(':') ? l[(l.IndexOf(':') + 1)..].Trim() : l.Trim().TrimStart('-', ' '))
            .Where(v => v.Length >= 4 && !v.StartsWith('#'));
        foreach (var plaintext in plaintexts)
            Assert.DoesNotContain(plaintext, e.Message);
    }

    [Fact]
    public void DecryptDocument_RenamedKeyAboveEncryptedValue_FailsAuthentication()
    {
        // The key path is the additional data of each value: moving a value to another key is detected.
        var secret = Read(AgeYamlText);
        var stringData = secret["stringData"]!.AsObject();
        var value = stringData["key"]!.DeepClone();
        stringData.Remove("key");
        stringData["password"] = value;

        var e = Assert.Throws<SopsDecryptionException>(() => Age.DecryptDocument(secret));
        Assert.Contains("'stringData:password:'", e.Message);
        Assert.Contains("message authentication failed", e.Message);
    }

    [Fact]
    public void DecryptDocument_DecryptDisabledAnnotation_ReturnsResourceUntouched()
    {
        var secret = Read(AgeYamlText);
        secret["metadata"]!["annotations"] = new JsonObject { [SopsDecryptor.DecryptAnnotation] = "Disabled" };

        Assert.Same(secret, Age.DecryptDocument(secret));
    }

    [Fact]
    public void DecryptDocument_PlainResources_ComeBackAsTheyAre()
    {
        var configMap = Read("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n");
        var secret = Read("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {a: YWJj, b: not-base64!}\n");
        var emptyMac = Read("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nsops: {mac: ''}\n");

        Assert.Same(configMap, Age.DecryptDocument(configMap));
        Assert.Same(secret, Age.DecryptDocument(secret));
        Assert.False(SopsDecryptor.IsEncrypted(emptyMac));
        Assert.Same(emptyMac, Age.DecryptDocument(emptyMac));
    }

    [Theory]
    [InlineData(FluxSops + "envs/env.env", "secret.env", "key=value\n")]
    [InlineData(FluxSops + "envs/env.env", "secret.json", "{\n\t\"key\": \"value\"\n}\n")]
    [InlineData(AgeYaml, "manifest.yaml", null)]
    [InlineData(FluxSops + "files/file.txt", "file.txt", "value")]
    public void DecryptDocument_SecretDataEntries_AreDecryptedIntoTheFormatOfTheirKeyName(string encryptedFile, string key, string? expected)
    {
        var encrypted = Convert.ToBase64String(SopsCorpus.Bytes(encryptedFile));
        var secret = Read($"apiVersion: v1\nkind: Secret\nmetadata: {{name: generated}}\ndata:\n  plain: YWJj\n  {key}: {encrypted}\n");

        var decrypted = Age.DecryptDocument(secret);

        var text = Encoding.UTF8.GetString(Convert.FromBase64String(decrypted["data"]![key]!.GetValue<string>()));
        if (expected is not null)
            Assert.Equal(expected, text);
        else
            Assert.Equal("value", Read(text)["stringData"]!["key"]!.GetValue<string>());
        Assert.Equal("YWJj", decrypted["data"]!["plain"]!.GetValue<string>());
        Assert.Equal(encrypted, secret["data"]![key]!.GetValue<string>());
    }

    [Fact]
    public void DecryptDocument_SecretDataEntryWithoutKey_FailsNamingTheField()
    {
        var encrypted = Convert.ToBase64String(SopsCorpus.Bytes(FluxSops + "global/secret.yaml"));
        var secret = Read($"apiVersion: v1\nkind: Secret\nmetadata: {{name: s, namespace: apps}}\ndata:\n  creds.yaml: {encrypted}\n");

        var e = Assert.Throws<SopsDecryptionException>(() => Age.DecryptDocument(secret));
        Assert.StartsWith("failed to decrypt and format 'apps/s' Secret field 'creds.yaml': cannot get sops data key", e.Message);
        Assert.Contains("age1henwn645drkd3fa34t27t2w2x0nsgw3w4h62gmg5x5xflyjpy38s5cncph", e.Message);
    }

    [Fact]
    public void DecryptFile_UnencryptedFile_IsReturnedUnchanged()
    {
        var plain = Encoding.UTF8.GetBytes("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n");
        Assert.Same(plain, Age.DecryptFile(plain, "patch.yaml"));
    }

    [Fact]
    public void DecryptFile_EnvsEntryWithOtherExtension_IsReadAsDotenv()
    {
        var content = SopsCorpus.Bytes(FluxSops + "envs/env.env");
        Assert.Equal("key=value\n", Encoding.UTF8.GetString(Age.DecryptFile(content, "secrets.txt", SopsFormat.Dotenv)));
    }

    [Fact]
    public void DecryptFile_AboveSizeLimit_IsRefused()
    {
        var decryptor = SopsDecryptor.Create([SopsCorpus.KeyEntry(FluxSops + "keys/age.txt")], new SopsDecryptionOptions { MaxFileSize = 100 });
        var e = Assert.Throws<SopsDecryptionException>(() => decryptor.DecryptFile(SopsCorpus.Bytes(AgeYaml), "age.yaml"));
        Assert.Contains("exceeds the limit (100)", e.Message);
    }

    [Fact]
    public void Create_IgnoresOtherEntries_AndRejectsBadKeysNamingTheEntry()
    {
        var decryptor = SopsDecryptor.Create([("sops.vault-token", "token"u8.ToArray()), ("readme.txt", "AGE-SECRET-KEY-1"u8.ToArray())]);
        Assert.Throws<SopsDecryptionException>(() => decryptor.DecryptFile(SopsCorpus.Bytes(AgeYaml), "age.yaml"));

        var corrupted = File.ReadAllText(SopsCorpus.PathOf(FluxSops + "keys/age.txt")).Replace("AM\n", "AQ\n", StringComparison.Ordinal);
        var e = Assert.Throws<SopsDecryptionException>(() => SopsDecryptor.Create([("identity.agekey", Encoding.UTF8.GetBytes(corrupted))]));
        Assert.Equal("failed to import 'identity.agekey' age identities: invalid Bech32 checksum", e.Message);
    }

    [Fact]
    public void Create_FromSecretData_UsesAgekeyAndAscEntries()
    {
        var secret = new JsonObject
        {
            ["data"] = new JsonObject
            {
                ["identity.agekey"] = Convert.ToBase64String(SopsCorpus.Bytes(FluxSops + "keys/age.txt")),
                ["pgp.asc"] = Convert.ToBase64String(SopsCorpus.Bytes(FluxSops + "keys/pgp.asc")),
            },
        };
        var decryptor = SopsDecryptor.Create(SopsDecryptor.KeyFilesOf(secret));

        foreach (var file in new[] { AgeYaml, FluxSops + "algorithms/pgp.yaml" })
            Assert.Equal("value", Read(Encoding.UTF8.GetString(decryptor.DecryptFile(SopsCorpus.Bytes(file), file)))["stringData"]!["key"]!.GetValue<string>());
    }

    [Fact]
    public void Create_PublicKeysOnly_CannotDecrypt()
    {
        var keyFile = File.ReadAllText(SopsCorpus.PathOf("getsops/pgp/sops_functional_tests_key.asc"));
        var publicOnly = keyFile[keyFile.IndexOf("-----BEGIN PGP PUBLIC KEY BLOCK-----", StringComparison.Ordinal)..];
        var decryptor = SopsDecryptor.Create([("public.asc", Encoding.ASCII.GetBytes(publicOnly))]);

        var e = Assert.Throws<SopsDecryptionException>(() =>
            decryptor.DecryptFile(SopsCorpus.Bytes("getsops/example.json"), "example.json"));
        Assert.Contains("pgp key FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4: no matching secret key among 0", e.Message);
    }

    [Theory]
    [InlineData("a.yaml", SopsFormat.Yaml)]
    [InlineData("a.yml", SopsFormat.Yaml)]
    [InlineData("a.json", SopsFormat.Json)]
    [InlineData(".dockerconfigjson", SopsFormat.Json)]
    [InlineData("a.env", SopsFormat.Dotenv)]
    [InlineData("a.ini", SopsFormat.Ini)]
    [InlineData("a.txt", SopsFormat.Binary)]
    [InlineData("key", SopsFormat.Binary)]
    public void FormatForPath_FollowsFlux(string path, SopsFormat format) =>
        Assert.Equal(format, SopsDecryptor.FormatForPath(path));
}
