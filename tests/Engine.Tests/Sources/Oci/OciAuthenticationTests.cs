using System.Text;
using System.Text.Json.Nodes;
using k8s.Models;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Reconcilers;
using Tide.Engine.Sources.Oci;
using Tide.Testing;

namespace Tide.Engine.Tests.Sources.Oci;

/// <summary>Push, pull and reconcile against a registry that requires basic authentication (htpasswd).</summary>
public sealed class OciAuthenticationTests : IAsyncLifetime
{
    private const string Username = "tide";
    private const string Password = "s3cret-p4ss";
    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly HttpClient _http = new();
    private OciRegistryServer _registry = null!;
    private OciRepositoryReconciler _reconciler = null!;

    public async Task InitializeAsync()
    {
        _registry = await OciRegistryServer.StartAsync((Username, Password));
        _reconciler = new OciRepositoryReconciler(_http, new ArtifactStore(_temp.Combine("store"), _time),
            new SourceReconcilerOptions { ArtifactBaseUrl = "http://127.0.0.1:9090", WorkDirectory = _temp.Combine("work") }, _time);
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        _http.Dispose();
        _temp.Dispose();
    }

    private OciClient Client(OciCredentials? credentials) => new(_http, _registry.Host, insecure: true, credentials);

    private async Task<string> PushAsync(OciCredentials? credentials, string tag = "v1")
    {
        _temp.Write("src/app.yaml", "kind: ConfigMap\n");
        return await FluxArtifact.PushAsync(Client(credentials), OciReference.Parse($"{_registry.UrlFor("team/app")}:{tag}"),
            _temp.Combine("src"), "https://example.com/app.git", "v1@sha1:abc", _time.GetUtcNow(), CancellationToken.None);
    }

    /// <summary>A .dockerconfigjson as `kubectl create secret docker-registry` writes it (base64 "auth").</summary>
    private ReferencedSecrets DockerConfigSecret(string password) => new()
    {
        Auth = new Dictionary<string, byte[]> { [".dockerconfigjson"] = Encoding.UTF8.GetBytes(DockerConfigJson(password)) },
    };

    private string DockerConfigJson(string password) =>
        new JsonObject
        {
            ["auths"] = new JsonObject
            {
                [_registry.Host] = new JsonObject
                {
                    ["username"] = Username,
                    ["password"] = password,
                    ["auth"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username}:{password}")),
                },
            },
        }.ToJsonString();

    private OciRepository Repository(bool withSecret) => new()
    {
        Metadata = new V1ObjectMeta { Name = "app", NamespaceProperty = "apps", Generation = 1 },
        Spec = new OciRepositorySpec
        {
            Url = _registry.UrlFor("team/app"),
            Interval = GoDuration.Parse("1m"),
            Reference = new OciRepositoryRef { Tag = "v1" },
            SecretRef = withSecret ? new LocalObjectReference { Name = "registry-auth" } : null,
            Insecure = true,
        },
    };

    [Fact]
    public async Task Push_WithoutCredentials_IsRefused()
    {
        var error = await Assert.ThrowsAsync<OciException>(() => PushAsync(null));

        Assert.True(error.IsUnauthorized);
    }

    [Fact]
    public async Task PushThenPull_WithCredentials_RoundTripsTheDirectory()
    {
        var credentials = new OciCredentials(Username, Password);
        var digest = await PushAsync(credentials);
        var output = _temp.Combine("out");

        var manifest = await FluxArtifact.PullAsync(Client(credentials), OciReference.Parse($"{_registry.UrlFor("team/app")}:v1"),
            output, UnpackLimits.Default, CancellationToken.None);

        Assert.Equal(digest, manifest.Digest);
        Assert.Equal("kind: ConfigMap\n", await File.ReadAllTextAsync(Path.Combine(output, "app.yaml")));
        Assert.Equal(FluxArtifactTypes.ConfigMediaType, manifest.Config.MediaType);
        Assert.Equal(FluxArtifactTypes.ContentMediaType, Assert.Single(manifest.Layers).MediaType);
    }

    [Fact]
    public async Task Reconcile_WithDockerConfigSecret_StoresArtifact()
    {
        var digest = await PushAsync(new OciCredentials(Username, Password));

        var result = await _reconciler.ReconcileAsync(Repository(withSecret: true), DockerConfigSecret(Password), CancellationToken.None);

        Assert.Equal($"v1@{digest}", result.Status.Artifact!.Revision);
        Assert.Equal(ConditionStatus.True, result.Status.Conditions!.Single(c => c.Type == ConditionTypes.Ready).Status);
    }

    [Theory]
    [InlineData(false, null)]
    [InlineData(true, "wrong-password")]
    public async Task Reconcile_WithoutValidCredentials_FailsWithAuthenticationFailed(bool withSecret, string? password)
    {
        await PushAsync(new OciCredentials(Username, Password));

        var result = await _reconciler.ReconcileAsync(
            Repository(withSecret), password is null ? ReferencedSecrets.None : DockerConfigSecret(password), CancellationToken.None);

        var ready = result.Status.Conditions!.Single(c => c.Type == ConditionTypes.Ready);
        Assert.Equal((ConditionStatus.False, ConditionReasons.AuthenticationFailed), (ready.Status, ready.Reason));
        Assert.Contains("UNAUTHORIZED", ready.Message);
        Assert.Null(result.Status.Artifact);
    }

    [Fact]
    public async Task Reconcile_SecretRefToMissingSecret_FailsWithAuthenticationFailed()
    {
        var result = await _reconciler.ReconcileAsync(Repository(withSecret: true), ReferencedSecrets.None, CancellationToken.None);

        var ready = result.Status.Conditions!.Single(c => c.Type == ConditionTypes.Ready);
        Assert.Equal((ConditionReasons.AuthenticationFailed, "failed to get secret 'apps/registry-auth': secrets \"registry-auth\" not found"), (ready.Reason, ready.Message));
    }
}
