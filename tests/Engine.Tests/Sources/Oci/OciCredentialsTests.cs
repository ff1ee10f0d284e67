using System.Text;
using Tide.Engine.Sources.Oci;

namespace Tide.Engine.Tests.Sources.Oci;

public sealed class OciCredentialsTests
{
    [Theory]
    [InlineData("ghcr.io")]
    [InlineData("https://ghcr.io")]
    [InlineData("https://ghcr.io/v1/")]
    public void FromDockerConfigJson_MatchesHostOrUrlKeys(string key)
    {
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes("bot:pa:ss"));
        var json = "{\"auths\":{\"other.io\":{\"username\":\"x\",\"password\":\"y\"},\"" + key + "\":{\"auth\":\"" + auth + "\"}}}";

        Assert.Equal(new OciCredentials("bot", "pa:ss"), OciCredentials.FromDockerConfigJson(json, "ghcr.io"));
    }

    [Fact]
    public void FromDockerConfigJson_OtherRegistry_IsNull() =>
        Assert.Null(OciCredentials.FromDockerConfigJson("""{"auths":{"ghcr.io":{"username":"x","password":"y"}}}""", "127.0.0.1:5000"));

    [Theory]
    [InlineData("oci://127.0.0.1:5000/team/app", "127.0.0.1:5000", "team/app", null, null)]
    [InlineData("oci://ghcr.io/org/app:v1.0.0", "ghcr.io", "org/app", "v1.0.0", null)]
    [InlineData("oci://ghcr.io/app@sha256:abc", "ghcr.io", "app", null, "sha256:abc")]
    public void OciReference_Parse_SplitsHostRepositoryTagAndDigest(string url, string host, string repository, string? tag, string? digest) =>
        Assert.Equal(new OciReference(host, repository, tag, digest), OciReference.Parse(url));

    [Theory]
    [InlineData("https://ghcr.io/app")]
    [InlineData("oci://ghcr.io")]
    [InlineData("oci://ghcr.io/Upper")]
    public void OciReference_Parse_RejectsNonOciUrls(string url) =>
        Assert.Throws<FormatException>(() => OciReference.Parse(url));
}
