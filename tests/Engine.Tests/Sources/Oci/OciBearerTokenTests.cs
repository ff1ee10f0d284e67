using System.Text;
using System.Text.Json.Nodes;
using k8s.Models;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Reconcilers;
using Tide.Engine.Sources.Oci;
using Tide.Engine.Tests.Fixtures;

namespace Tide.Engine.Tests.Sources.Oci;

/// <summary>The Bearer flow: the registry (token auth) sends the client to a token service named in its
/// WWW-Authenticate challenge; the client fetches a token for the scope with its credentials and retries.</summary>
public sealed class OciBearerTokenTests : IAsyncLifetime
{
    private const string Username = "robot";
    private const string Password = "t0ken-pass";
    private readonly TempDirectory _temp = new();
    private readonly HttpClient _http = new();
    private OciTokenServer _tokens = null!;
    private OciRegistryServer _registry = null!;

    public async Task InitializeAsync()
    {
        _tokens = OciTokenServer.Start((Username, Password));
        _registry = await OciRegistryServer.StartAsync(tokens: _tokens);
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        await _tokens.DisposeAsync();
        _http.Dispose();
        _temp.Dispose();
    }

    private OciRepository Repository() => new()
    {
        Metadata = new V1ObjectMeta { Name = "app", NamespaceProperty = "apps", Generation = 1 },
        Spec = new OciRepositorySpec
        {
            Url = _registry.UrlFor("team/app"),
            Interval = GoDuration.Parse("1m"),
            SecretRef = new LocalObjectReference { Name = "registry-auth" },
            Insecure = true,
        },
    };

    private ReferencedSecrets DockerConfigSecret(string password) => new()
    {
        Auth = new Dictionary<string, byte[]> { [".dockerconfigjson"] = Encoding.UTF8.GetBytes(DockerConfigJson(password)) },
    };

    private string DockerConfigJson(string password) => new JsonObject
    {
        ["auths"] = new JsonObject { [_registry.Host] = new JsonObject { ["username"] = Username, ["password"] = password } },
    }.ToJsonString();

    private OciRepositoryReconciler Reconciler(TimeProvider time) => new(_http, new ArtifactStore(_temp.Combine("store"), time),
        new SourceReconcilerOptions { ArtifactBaseUrl = "http://127.0.0.1:9090", WorkDirectory = _temp.Combine("work") }, time);

    [Fact]
    public async Task PushAndReconcile_WithCredentials_UseTokensFromTheRealm()
    {
        _temp.Write("src/app.yaml", "kind: ConfigMap\n");
        var client = new OciClient(_http, _registry.Host, insecure: true, new OciCredentials(Username, Password));
        var digest = await FluxArtifact.PushAsync(client, OciReference.Parse(_registry.UrlFor("team/app")), _temp.Combine("src"),
            null, null, DateTimeOffset.UtcNow, CancellationToken.None);
        var issuedForPush = _tokens.TokensIssued;

        var result = await Reconciler(TimeProvider.System).ReconcileAsync(Repository(), DockerConfigSecret(Password), CancellationToken.None);

        Assert.True(issuedForPush >= 1);
        Assert.True(_tokens.TokensIssued > issuedForPush);
        Assert.Equal($"latest@{digest}", result.Status.Artifact!.Revision);
    }

    [Fact]
    public async Task Reconcile_TokenServiceRefusesCredentials_FailsWithAuthenticationFailed()
    {
        var result = await Reconciler(TimeProvider.System).ReconcileAsync(Repository(), DockerConfigSecret("wrong"), CancellationToken.None);

        var ready = result.Status.Conditions!.Single(c => c.Type == ConditionTypes.Ready);
        Assert.Equal((ConditionStatus.False, ConditionReasons.AuthenticationFailed), (ready.Status, ready.Reason));
        Assert.Contains($"127.0.0.1:{_tokens.Port}/token", ready.Message);
        Assert.Equal(0, _tokens.TokensIssued);
    }
}
