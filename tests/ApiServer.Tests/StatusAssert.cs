using System.Net;
using System.Text.Json.Nodes;
using k8s.Autorest;

namespace Tide.ApiServer.Tests;

/// <summary>Asserts that a call failed with a Kubernetes Status of the given code and reason.</summary>
internal static class StatusAssert
{
    public static async Task<JsonObject> FailsAsync(HttpStatusCode code, string reason, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<HttpOperationException>(call);
        Assert.Equal(code, e.Response.StatusCode);
        var status = JsonNode.Parse(e.Response.Content)!.AsObject();
        Assert.Equal("Status", status["kind"]!.GetValue<string>());
        Assert.Equal(reason, status["reason"]!.GetValue<string>());
        Assert.Equal((int)code, status["code"]!.GetValue<int>());
        return status;
    }

    public static async Task<JsonObject> StatusOfAsync(HttpResponseMessage response, HttpStatusCode code, string reason)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(code == response.StatusCode, $"expected {code}, got {response.StatusCode}: {body}");
        var status = JsonNode.Parse(body)!.AsObject();
        Assert.Equal("Status", status["kind"]!.GetValue<string>());
        Assert.Equal(reason, status["reason"]!.GetValue<string>());
        return status;
    }
}
