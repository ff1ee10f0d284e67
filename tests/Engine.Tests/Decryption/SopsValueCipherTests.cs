using System.Text;
using Tide.Engine.Decryption;

namespace Tide.Engine.Tests.Decryption;

/// <summary>The AES-GCM layer on its own, with the data keys that the corpus unwrapped with GnuPG and age.</summary>
public sealed class SopsValueCipherTests
{
    private const string Value = "ENC[AES256_GCM,data:8CvE,iv:tjchf/lmMpXDOA1tLE/N4oY9IqJIzfQ/7NlvQlDUtoA=,tag:1aFCHIRp3j/VPNcCEsE95A==,type:str]";

    private static byte[] DataKey => Convert.FromHexString(File.ReadAllText(SopsCorpus.PathOf("getsops/functional-tests/res/format.enc.yaml.datakey")).Trim());

    [Fact]
    public void Decrypt_With32ByteIvAndKeyPath_GivesPlaintext()
    {
        var (plaintext, type) = SopsValueCipher.Decrypt(Value, DataKey, "foo:");
        Assert.Equal("bar", Encoding.UTF8.GetString(plaintext));
        Assert.Equal("str", type);
    }

    [Theory]
    [InlineData("bar:")]
    [InlineData("foo")]
    [InlineData("")]
    public void Decrypt_OtherKeyPath_FailsAuthentication(string path) =>
        Assert.Throws<SopsDecryptionException>(() => SopsValueCipher.Decrypt(Value, DataKey, path));

    [Fact]
    public void Decrypt_OtherDataKey_FailsAuthentication() =>
        Assert.Throws<SopsDecryptionException>(() => SopsValueCipher.Decrypt(Value, new byte[32], "foo:"));

    [Theory]
    [InlineData("bar")]
    [InlineData("ENC[AES256_GCM,data:8CvE]")]
    [InlineData("ENC[AES256_GCM,data:8CvE,iv:***,tag:1aFCHIRp3j/VPNcCEsE95A==,type:str]")]
    public void Decrypt_NotSopsFormat_FailsWithoutEchoingTheValue(string value)
    {
        var e = Assert.Throws<SopsDecryptionException>(() => SopsValueCipher.Decrypt(value, DataKey, "foo:"));
        Assert.DoesNotContain(value, e.Message);
    }

    [Theory]
    [InlineData(1234568000d, "1234568000")]
    [InlineData(1e21, "1000000000000000000000")]
    [InlineData(1.5e-7, "0.00000015")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(25.4, "25.4")]
    public void GoFloat_WritesNoExponent(double value, string expected) =>
        Assert.Equal(expected, SopsTree.GoFloat(value));
}
