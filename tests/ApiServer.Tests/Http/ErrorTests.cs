using System.Net;
using System.Net.Http.Headers;
using System.Text;
using k8s;
using k8s.Models;

namespace Tide.ApiServer.Tests.Http;

/// <summary>Bad requests get a Kubernetes Status with the right code and reason, never a 500 or a dropped connection.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class ErrorTests(ApiServerFixture fixture)
{
    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body = null, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue(contentType));
        return fixture.Http.SendAsync(request);
    }

    [Fact]
    public async Task GetMissing_IsNotFound()
    {
        var status = await StatusAssert.StatusOfAsync(await SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/configmaps/missing"),
            HttpStatusCode.NotFound, "NotFound");
        Assert.Equal("configmaps \"missing\" not found", status["message"]!.GetValue<string>());
        Assert.Equal("missing", status["details"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateTwice_IsAlreadyExists()
    {
        var ns = await fixture.NewNamespaceAsync();
        var body = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"twice"}}""";
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", body)).StatusCode);
        await StatusAssert.StatusOfAsync(await SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", body),
            HttpStatusCode.Conflict, "AlreadyExists");
    }

    [Theory]
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"Not_DNS"}}""", HttpStatusCode.UnprocessableEntity, "Invalid")]
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{}}""", HttpStatusCode.UnprocessableEntity, "Invalid")]
    [InlineData("""{"apiVersion":"v2","kind":"ConfigMap","metadata":{"name":"x"}}""", HttpStatusCode.BadRequest, "BadRequest")]
    [InlineData("""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"}}""", HttpStatusCode.BadRequest, "BadRequest")]
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}""", HttpStatusCode.BadRequest, "BadRequest")]
    [InlineData("""[1,2,3]""", HttpStatusCode.BadRequest, "BadRequest")]
    [InlineData("", HttpStatusCode.BadRequest, "BadRequest")]
    public async Task CreateMalformed_IsAClear4xx(string body, HttpStatusCode code, string reason)
    {
        await StatusAssert.StatusOfAsync(await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", body), code, reason);
    }

    [Fact]
    public async Task InvalidName_NamesTheFieldInCauses()
    {
        var status = await StatusAssert.StatusOfAsync(await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps",
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"UPPER"}}"""), HttpStatusCode.UnprocessableEntity, "Invalid");
        Assert.Equal("metadata.name", status["details"]!["causes"]![0]!["field"]!.GetValue<string>());
        Assert.Contains("RFC 1123", status["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task BodyOver3MiB_IsRequestEntityTooLarge()
    {
        var big = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big"},"data":{"x":""" + "\"" +
            new string('a', 3 * 1024 * 1024 + 10) + "\"}}";
        await StatusAssert.StatusOfAsync(await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", big),
            HttpStatusCode.RequestEntityTooLarge, "RequestEntityTooLarge");
    }

    [Fact]
    public async Task UnknownResourceOrGroup_IsNotFound()
    {
        await StatusAssert.StatusOfAsync(await SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/widgets"), HttpStatusCode.NotFound, "NotFound");
        await StatusAssert.StatusOfAsync(await SendAsync(HttpMethod.Get, "/apis/example.com/v1"), HttpStatusCode.NotFound, "NotFound");
    }

    [Fact]
    public async Task WrongMethod_IsMethodNotAllowed()
    {
        await StatusAssert.StatusOfAsync(await SendAsync(HttpMethod.Put, "/api/v1/namespaces/default/configmaps", "{}"),
            HttpStatusCode.MethodNotAllowed, "MethodNotAllowed");
    }

    [Fact]
    public async Task UnsupportedPatchType_IsUnsupportedMediaType()
    {
        await StatusAssert.StatusOfAsync(await SendAsync(HttpMethod.Patch, "/api/v1/namespaces/default", "{}", "text/plain"),
            HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType");
    }

    [Fact]
    public async Task WrongToken_IsUnauthorized_AndImpersonationIsAccepted()
    {
        using var client = new HttpClient { BaseAddress = fixture.Server.Url };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong");
        await StatusAssert.StatusOfAsync(await client.GetAsync("/api/v1/namespaces"), HttpStatusCode.Unauthorized, "Unauthorized");

        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces/default");
        request.Headers.Add("Impersonate-User", "jane");
        request.Headers.Add("Impersonate-Group", "developers");
        Assert.Equal(HttpStatusCode.OK, (await fixture.Http.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task UpdateWithMismatchedName_IsBadRequest()
    {
        var ns = await fixture.NewNamespaceAsync();
        await fixture.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "a" } }, ns);
        await StatusAssert.StatusOfAsync(await SendAsync(HttpMethod.Put, $"/api/v1/namespaces/{ns}/configmaps/a",
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b"}}"""), HttpStatusCode.BadRequest, "BadRequest");
    }
}
