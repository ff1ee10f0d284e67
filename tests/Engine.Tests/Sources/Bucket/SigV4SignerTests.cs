using Tide.Engine.Sources.Bucket;

namespace Tide.Engine.Tests.Sources.Bucket;

/// <summary>The signer against the worked examples of the Amazon S3 API reference ("Signature Calculations for the
/// Authorization Header", examples GET Bucket lifecycle and GET Bucket (List Objects)).</summary>
public sealed class SigV4SignerTests
{
    private static readonly S3Credentials ExampleCredentials = new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    private static readonly DateTimeOffset ExampleTime = new(2013, 5, 24, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("https://examplebucket.s3.amazonaws.com/?lifecycle", "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")]
    [InlineData("https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J", "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")]
    public void Sign_AwsDocumentationExamples_GiveTheDocumentedSignature(string url, string signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);

        SigV4Signer.Sign(request, ExampleCredentials, "us-east-1", ExampleTime);

        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, " +
            $"SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature={signature}",
            string.Join(",", request.Headers.GetValues("Authorization")));
        Assert.Equal("20130524T000000Z", request.Headers.GetValues("x-amz-date").Single());
    }

    [Theory]
    [InlineData("apps/my file.yaml", "apps%2Fmy%20file.yaml")]
    [InlineData("a-b_c.d~e", "a-b_c.d~e")]
    [InlineData("ü+=", "%C3%BC%2B%3D")]
    public void Encode_EscapesAllButUnreservedCharacters(string value, string expected) =>
        Assert.Equal(expected, SigV4Signer.Encode(value));
}
