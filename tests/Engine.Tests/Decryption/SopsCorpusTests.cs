using Tide.Engine.Yaml;
using System.Text;
using System.Text.Json.Nodes;
using Tide.Engine.Decryption;
using Tide.Engine.Manifests;

namespace Tide.Engine.Tests.Decryption;

/// <summary>Every encrypted file of the SOPS corpus against its independently produced plaintext.</summary>
public sealed class SopsCorpusTests
{
    public static TheoryData<SopsCorpus.Case> DecryptableCases()
    {
        var data = new TheoryData<SopsCorpus.Case>();
        foreach (var c in SopsCorpus.Cases.Where(c => c.Expected.EndsWith(".expected", StringComparison.Ordinal)))
            data.Add(c);
        return data;
    }

    [Theory]
    [MemberData(nameof(DecryptableCases))]
    public void Decrypt_CorpusFile_GivesExpectedPlaintextAndStoredMacVerifies(SopsCorpus.Case c)
    {
        var decryptor = SopsDecryptor.Create([SopsCorpus.KeyEntry(c.KeyFile)], new SopsDecryptionOptions { VerifyMac = true });
        var expected = SopsCorpus.Bytes(c.Expected);
        var content = SopsCorpus.Bytes(c.EncryptedFile);
        switch (c.Format)
        {
            case "flux-secret-data":
                var secret = ManifestReader.Read(Encoding.UTF8.GetString(content), c.EncryptedFile).Single();
                var decrypted = decryptor.DecryptDocument(secret);
                var expectedSecret = ManifestReader.Read(Encoding.UTF8.GetString(expected), c.Expected).Single();
                Assert.True(JsonNode.DeepEquals(expectedSecret, decrypted), decrypted.ToJsonString());
                break;
            case "yaml":
                var yaml = decryptor.DecryptFile(content, c.EncryptedFile);
                AssertSameYaml(expected, yaml);
                break;
            case "json":
                var json = decryptor.DecryptFile(content, c.EncryptedFile);
                Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(json)), Encoding.UTF8.GetString(json));
                break;
            case "ini":
                var ini = decryptor.DecryptFile(content, c.EncryptedFile);
                Assert.Equal(IniEntries(expected), IniEntries(ini));
                break;
            case "dotenv" or "binary":
                Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(decryptor.DecryptFile(content, c.EncryptedFile)));
                break;
            default:
                Assert.Fail($"unknown format {c.Format}");
                break;
        }
    }

    [Theory]
    [InlineData("getsops/functional-tests/res/format.enc.yaml")]
    [InlineData("getsops/functional-tests/res/format.enc.json")]
    [InlineData("getsops/functional-tests/res/format.enc.env")]
    [InlineData("getsops/functional-tests/res/format.enc.ini")]
    [InlineData("getsops/functional-tests/res/format-2.enc.ini")]
    [InlineData("getsops/example.txt")]
    [InlineData("flux-kustomize-controller/internal/controller/testdata/sops/files/file.txt")]
    public void Decrypt_FilesConfirmedByteExactUpstream_AreByteExact(string file)
    {
        var c = SopsCorpus.Cases.Single(x => x.EncryptedFile == file);
        var decryptor = SopsDecryptor.Create([SopsCorpus.KeyEntry(c.KeyFile)]);
        Assert.Equal(SopsCorpus.Bytes(c.Expected), decryptor.DecryptFile(SopsCorpus.Bytes(file), file));
    }

    [Fact]
    public void Decrypt_FileWithoutMac_FailsUnderVerification_AndDecryptsWhenIgnored()
    {
        const string file = "getsops/functional-tests/res/no_mac.yaml";
        var key = SopsCorpus.KeyEntry("getsops/pgp/sops_functional_tests_key.asc");
        var content = SopsCorpus.Bytes(file);
        var verifying = SopsDecryptor.Create([key], new SopsDecryptionOptions { VerifyMac = true });

        var e = Assert.Throws<SopsDecryptionException>(() => verifying.Decrypt(content, SopsFormat.Yaml, SopsFormat.Yaml));
        Assert.Contains("failed to verify sops data integrity: expected mac 'no MAC'", e.Message);

        var ignoring = SopsDecryptor.Create([key]);
        AssertSameYaml(SopsCorpus.Bytes(file + ".ignore-mac.expected"), ignoring.Decrypt(content, SopsFormat.Yaml, SopsFormat.Yaml));
        // Flux only decrypts files with the "mac: ENC[" marker, so DecryptFile leaves this one as it is.
        Assert.Same(content, ignoring.DecryptFile(content, file));
    }

    [Theory]
    [InlineData("flux-kustomize-controller/internal/controller/testdata/sops/global/secret.yaml", "flux-kustomize-controller/internal/controller/testdata/sops/keys/age.txt")]
    [InlineData("flux-kustomize-controller/internal/controller/testdata/sops/algorithms/pgp.yaml", "flux-kustomize-controller/internal/controller/testdata/sops/keys/age.txt")]
    [InlineData("getsops/example.yaml", "flux-kustomize-controller/internal/controller/testdata/sops/keys/pgp.asc")]
    [InlineData("flux-kustomize-controller/internal/controller/testdata/sops/algorithms/age.yaml", "getsops/pgp/sops_functional_tests_key.asc")]
    public void Decrypt_WithKeyForOtherRecipients_FailsNamingTheStanzas(string file, string keyFile)
    {
        var decryptor = SopsDecryptor.Create([SopsCorpus.KeyEntry(keyFile)]);
        var e = Assert.Throws<SopsDecryptionException>(() => decryptor.DecryptFile(SopsCorpus.Bytes(file), file));
        Assert.Contains("cannot get sops data key", e.Message);
        Assert.Contains(file, e.Message);
    }

    [Fact]
    public void Decrypt_AllKeysOfTheFluxSecret_DecryptEveryFluxFixture()
    {
        var keys = new[] { "age.txt", "age-global.txt", "age-pq.txt", "pgp.asc" }
            .Select(k => SopsCorpus.KeyEntry("flux-kustomize-controller/internal/controller/testdata/sops/keys/" + k));
        var decryptor = SopsDecryptor.Create(keys);
        foreach (var c in SopsCorpus.Cases.Where(c => c.EncryptedFile.StartsWith("flux-", StringComparison.Ordinal) && c.Format is "yaml"))
        {
            var obj = ManifestReader.Read(File.ReadAllText(SopsCorpus.PathOf(c.EncryptedFile)), c.EncryptedFile).Single();
            Assert.True(SopsDecryptor.IsEncrypted(obj), c.EncryptedFile);
            var decrypted = decryptor.DecryptDocument(obj);
            Assert.False(decrypted.ContainsKey("sops"));
            var expected = ManifestReader.Read(File.ReadAllText(SopsCorpus.PathOf(c.Expected)), c.Expected).Single();
            Assert.True(JsonNode.DeepEquals(expected, decrypted), c.EncryptedFile);
        }
    }

    private static void AssertSameYaml(byte[] expected, byte[] actual)
    {
        var e = YamlJson.ParseAll(Encoding.UTF8.GetString(expected));
        var a = YamlJson.ParseAll(Encoding.UTF8.GetString(actual));
        Assert.Equal(e.Count, a.Count);
        for (var i = 0; i < e.Count; i++)
            Assert.True(JsonNode.DeepEquals(e[i], a[i]), Encoding.UTF8.GetString(actual));
    }

    /// <summary>(section, key, value) of INI text; comments and layout do not count.</summary>
    private static List<string> IniEntries(byte[] ini)
    {
        var entries = new List<string>();
        var section = "";
        foreach (var raw in Encoding.UTF8.GetString(ini).Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is ';' or '#')
                continue;
            if (line[0] == '[')
            {
                section = line.Trim('[', ']');
                continue;
            }
            var eq = line.IndexOf('=');
            entries.Add($"{section}|{line[..eq].Trim()}|{line[(eq + 1)..].Trim()}");
        }
        return entries;
    }
}
