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
    public async Task WrongToken_IsUnauthorized_AndTheImpersonatedUserIsTheOneAuthorized()
    {
        using var client = new HttpClient { BaseAddress = fixture.Server.Url };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong");
        await StatusAssert.StatusOfAsync(await client.GetAsync("/api/v1/namespaces"), HttpStatusCode.Unauthorized, "Unauthorized");

        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces/default");
        request.Headers.Add("Impersonate-User", "jane");
        request.Headers.Add("Impersonate-Group", "developers");
        var status = await StatusAssert.StatusOfAsync(await fixture.Http.SendAsync(request), HttpStatusCode.Forbidden, "Forbidden");
        Assert.Equal("namespaces \"default\" is forbidden: User \"jane\" cannot get resource \"namespaces\" in API group \"\" in the namespace \"default\"",
            status["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task UpdateWithMismatchedName_IsBadRequest()
    {
        var ns = await fixture.NewNamespaceAsync();
        await fixture.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "a" } }, ns);
        await StatusAssert.StatusOfAsync(await SendAsync(HttpMethod.Put, $"/api/v1/namespaces/{ns}/configmaps/a",
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b"}}"""), HttpStatusCode.BadRequest, "BadRequest");
    }

    [Fact]
    public async Task YamlBodies_AreRead_AndAnExpandingYamlIsRefused()
    {
        var ns = await fixture.NewNamespaceAsync();
        var created = await SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  n: '1'\n", "application/yaml");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var laughs = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i < 9; i++)
        {
            laughs.Append($"a{i}: &a{i} [").Append(string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))).Append("]\n");
        }
        var bomb = await SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/bomb?fieldManager=x",
            laughs.ToString(), "application/apply-patch+yaml");
        var status = await StatusAssert.StatusOfAsync(bomb, HttpStatusCode.BadRequest, "BadRequest");
        Assert.Contains("too many nodes", status["message"]!.GetValue<string>());

        var applied = await SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/applied?fieldManager=yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  port: \"80\"\n  on: 'yes'\n", "application/apply-patch+yaml");
        Assert.Equal(HttpStatusCode.Created, applied.StatusCode);
        var data = (await fixture.Client.CoreV1.ReadNamespacedConfigMapAsync("applied", ns)).Data;
        Assert.Equal(("80", "yes"), (data["port"], data["on"]));
    }
}
