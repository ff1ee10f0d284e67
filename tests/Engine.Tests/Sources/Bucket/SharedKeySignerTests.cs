using Tide.Engine.Sources.Bucket;

namespace Tide.Engine.Tests.Sources.Bucket;

/// <summary>The string to sign against the examples of Microsoft's "Authorize with Shared Key" page; the signatures
/// themselves are checked by Azurite in the reconciler tests.</summary>
public sealed class SharedKeySignerTests
{
    [Fact]
    public void StringToSign_BodylessGet_HasElevenEmptyHeadersSortedMsHeadersAndSortedQuery()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://myaccount.blob.core.windows.net/mycontainer?restype=container&comp=metadata&timeout=20");
        request.Headers.Add("x-ms-version", "2015-02-21");
        request.Headers.Add("x-ms-date", "Fri, 26 Jun 2015 23:39:12 GMT");

        Assert.Equal(
            "GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:Fri, 26 Jun 2015 23:39:12 GMT\nx-ms-version:2015-02-21\n" +
            "/myaccount/mycontainer\ncomp:metadata\nrestype:container\ntimeout:20",
            SharedKeySigner.StringToSign(request, "myaccount"));
    }

    [Fact]
    public void StringToSign_RepeatedParameter_JoinsItsSortedValues_PutCarriesLengthAndType()
    {
        using var list = new HttpRequestMessage(HttpMethod.Get, "https://myaccount.blob.core.windows.net/mycontainer?restype=container&comp=list&include=snapshots&include=metadata&include=uncommittedblobs");
        using var put = new HttpRequestMessage(HttpMethod.Put, "http://127.0.0.1:10000/devstoreaccount1/c/dir/a%20b.yaml")
        {
            Content = new ByteArrayContent("hello"u8.ToArray()),
        };
        put.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain");
        put.Headers.Add("x-ms-blob-type", "BlockBlob");

        Assert.EndsWith("/myaccount/mycontainer\ncomp:list\ninclude:metadata,snapshots,uncommittedblobs\nrestype:container",
            SharedKeySigner.StringToSign(list, "myaccount"));
        Assert.Equal("PUT\n\n\n5\n\ntext/plain\n\n\n\n\n\n\nx-ms-blob-type:BlockBlob\n/devstoreaccount1/devstoreaccount1/c/dir/a%20b.yaml",
            SharedKeySigner.StringToSign(put, "devstoreaccount1"));
    }
}
