using Tide.Engine.Sources.Bucket;

namespace Tide.Engine.Tests.Sources.Bucket;

public sealed class AzureBlobClientTests
{
    [Theory]
    [InlineData("https://myaccount.blob.core.windows.net", "myaccount")]
    [InlineData("https://myaccount.blob.core.windows.net/", "myaccount")]
    [InlineData("https://other.blob.core.chinacloudapi.cn", "other")]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1", "devstoreaccount1")]
    [InlineData("http://localhost:10000/devstoreaccount1/", "devstoreaccount1")]
    [InlineData("http://[::1]:10000/devstoreaccount1", "devstoreaccount1")]
    [InlineData("http://127.0.0.1:10000", null)]
    [InlineData("https://blob.example", null)]
    public void AccountName_IsTheHostsFirstLabel_OrThePathsFirstSegmentForAnAddress(string endpoint, string? account) =>
        Assert.Equal(account, AzureBlobClient.AccountName(new Uri(endpoint)));
}
