using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Tide.Engine.Api;
using Tide.Engine.Canaries;
using Tide.Testing;

namespace Tide.Engine.Tests.Canaries;

/// <summary>Flagger's webhook calls against a loopback listener: the payload, the answer read as yes or no, and
/// the retries of connection errors and 5xx.</summary>
public sealed class CanaryWebhookCallerTests : IAsyncLifetime
{
    private readonly LoopbackHttpListener _listener;
    private readonly Queue<HttpStatusCode> _answers = new();
    private readonly List<JsonObject> _received = [];
    private readonly CanaryWebhookCaller _caller = new(new HttpClient(), TimeProvider.System);

    public CanaryWebhookCallerTests() => _listener = LoopbackHttpListener.Start(AnswerAsync);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _listener.DisposeAsync();

    private static readonly Canary Podinfo = FluxJson.FromYaml<Canary>("""
        apiVersion: flagger.app/v1beta1
        kind: Canary
        metadata: {name: podinfo, namespace: test}
        spec:
          targetRef: {name: podinfo}
          service: {port: 9898}
        status:
          phase: Progressing
          lastAppliedSpec: 5c9bd8f7
        """);

    private CanaryWebhook Hook(int retries = 0) => new()
    {
        Name = "gate", Url = _listener.Url + "/gate", Retries = retries, Metadata = new Dictionary<string, string> { ["cmd"] = "test" },
    };

    [Fact]
    public async Task Call_PostsFlaggersPayload_And2xxIsYes()
    {
        _answers.Enqueue(HttpStatusCode.Accepted);

        Assert.Null(await _caller.CallAsync(Podinfo, "Progressing", Hook(), CancellationToken.None));
        var payload = Assert.Single(_received);
        Assert.Equal(("podinfo", "test", "Progressing", "test"),
            ((string?)payload["name"], (string?)payload["namespace"], (string?)payload["phase"], (string?)payload["metadata"]!["cmd"]));
        Assert.Equal(CanaryWebhookCaller.Checksum(Podinfo.Status), (string?)payload["checksum"]);
    }

    [Fact]
    public async Task Call_RetriesServerErrors_UpToRetries_AndAnAnswerAbove202IsNoWithItsBody()
    {
        _answers.Enqueue(HttpStatusCode.InternalServerError);
        _answers.Enqueue(HttpStatusCode.OK);
        Assert.Null(await _caller.CallAsync(Podinfo, "Progressing", Hook(retries: 1), CancellationToken.None));
        Assert.Equal(2, _received.Count);

        _answers.Enqueue(HttpStatusCode.Forbidden);
        Assert.Equal("Forbidden says no", await _caller.CallAsync(Podinfo, "Progressing", Hook(retries: 3), CancellationToken.None));
        Assert.Equal(3, _received.Count);
    }

    [Fact]
    public async Task CallEvent_CarriesTheEventInTheMetadata()
    {
        _answers.Enqueue(HttpStatusCode.OK);

        Assert.Null(await _caller.CallEventAsync(Podinfo, "Progressing", Hook(), "Advance podinfo.test canary weight 10", "Normal", CancellationToken.None));
        var metadata = Assert.Single(_received)["metadata"]!;
        Assert.Equal(("Advance podinfo.test canary weight 10", "Normal", "test"),
            ((string?)metadata["eventMessage"], (string?)metadata["eventType"], (string?)metadata["cmd"]));
        Assert.True(long.TryParse((string?)metadata["timestamp"], out _));
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        using (var reader = new StreamReader(context.Request.InputStream))
            _received.Add(JsonNode.Parse(await reader.ReadToEndAsync())!.AsObject());
        var status = _answers.TryDequeue(out var next) ? next : HttpStatusCode.OK;
        context.Response.StatusCode = (int)status;
        await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(status == HttpStatusCode.OK ? "" : $"{status} says no"));
    }
}
