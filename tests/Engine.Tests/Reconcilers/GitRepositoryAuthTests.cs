using System.Runtime.Versioning;
using System.Text;
using k8s.Models;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Reconcilers;
using Tide.Engine.Sources.Git;
using Tide.Testing;

namespace Tide.Engine.Tests.Reconcilers;

/// <summary>GitRepository spec.secretRef over HTTP basic auth: lighttpd's mod_auth in front of git http-backend.</summary>
[SupportedOSPlatform("linux")]
public sealed class GitRepositoryAuthTests : IAsyncLifetime
{
    private const string Password = "s3cr3t-Pa55word";
    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private GitHttpServer _server = null!;
    private GitRepositoryReconciler _reconciler = null!;
    private string _sha = null!;

    public async Task InitializeAsync()
    {
        _server = await GitHttpServer.StartAsync(new GitHttpServer.Options { Basic = new GitHttpServer.BasicAuth("flux", Password) });
        var bare = await _server.CreateBareRepositoryAsync("private.git");
        var work = await WorkRepository.InitAsync(_temp.Combine("work"));
        _sha = await work.CommitAsync("private app", ("deploy/app.yaml", "kind: ConfigMap\n"));
        await work.PushAsync(bare);
        _reconciler = new GitRepositoryReconciler(
            new GitFetcher(_temp.Combine("cache"), allowLocal: true), new ArtifactStore(_temp.Combine("store"), _time),
            new SourceReconcilerOptions { ArtifactBaseUrl = "http://127.0.0.1:9090", WorkDirectory = _temp.Combine("work-dirs") }, _time);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _temp.Dispose();
    }

    private GitRepository Repository(bool withSecretRef = true) => new()
    {
        Metadata = new V1ObjectMeta { Name = "private", NamespaceProperty = "apps", Generation = 1 },
        Spec = new GitRepositorySpec
        {
            Url = _server.UrlFor("private.git"),
            Interval = GoDuration.Parse("1m"),
            Reference = new GitRepositoryRef { Branch = "main" },
            SecretRef = withSecretRef ? new LocalObjectReference { Name = "git-auth" } : null,
        },
    };

    private static ReferencedSecrets Basic(string username, string password) => new()
    {
        Auth = new Dictionary<string, byte[]>
        {
            ["username"] = Encoding.UTF8.GetBytes(username),
            ["password"] = Encoding.UTF8.GetBytes(password),
        },
    };

    private static Condition Ready(ReconcileResult<GitRepositoryStatus> result) =>
        result.Status.Conditions!.Single(c => c.Type == ConditionTypes.Ready);

    [Fact]
    public async Task Reconcile_BasicAuth_RightCredentials_StoresArtifact()
    {
        var result = await _reconciler.ReconcileAsync(Repository(), Basic("flux", Password), CancellationToken.None);

        Assert.Equal(ConditionStatus.True, Ready(result).Status);
        Assert.Equal($"main@sha1:{_sha}", result.Status.Artifact!.Revision);
    }

    [Fact]
    public async Task Reconcile_BasicAuth_WrongPassword_FailsWithAuthenticationMessageWithoutThePassword()
    {
        const string wrong = "not-the-Pa55word";
        var result = await _reconciler.ReconcileAsync(Repository(), Basic("flux", wrong), CancellationToken.None);

        var ready = Ready(result);
        Assert.Equal((ConditionStatus.False, ConditionReasons.GitOperationFailed), (ready.Status, ready.Reason));
        Assert.Contains("authentication failed", ready.Message);
        Assert.Contains(_server.UrlFor("private.git"), ready.Message);
        Assert.DoesNotContain(wrong, ready.Message);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes("flux:" + wrong)), ready.Message);
        Assert.DoesNotContain(result.Events, e => e.Message.Contains(wrong, StringComparison.Ordinal));
        Assert.Equal(ConditionStatus.True, result.Status.Conditions!.Single(c => c.Type == ConditionTypes.FetchFailed).Status);
        Assert.Null(result.Status.Artifact);
    }

    [Fact]
    public async Task Reconcile_NoCredentials_AgainstProtectedServer_Fails()
    {
        var result = await _reconciler.ReconcileAsync(Repository(withSecretRef: false), ReferencedSecrets.None, CancellationToken.None);

        var ready = Ready(result);
        Assert.Equal((ConditionStatus.False, ConditionReasons.GitOperationFailed), (ready.Status, ready.Reason));
        Assert.Contains("authentication required", ready.Message);
    }

    [Fact]
    public async Task Reconcile_SecretRefToMissingSecret_FailsWithAuthenticationFailed()
    {
        var result = await _reconciler.ReconcileAsync(Repository(), ReferencedSecrets.None, CancellationToken.None);

        var ready = Ready(result);
        Assert.Equal((ConditionStatus.False, ConditionReasons.AuthenticationFailed), (ready.Status, ready.Reason));
        Assert.Equal("failed to get secret 'apps/git-auth': secret not found or empty", ready.Message);
    }

    [Fact]
    public void Credentials_FromSecret_ReadFluxKeysAndHideValues()
    {
        var credentials = GitCredentials.FromSecret(Basic("flux", Password).Auth)!;

        Assert.Equal(("flux", Password), (credentials.Username, credentials.Password));
        Assert.DoesNotContain(Password, credentials.ToString());
        Assert.Null(GitCredentials.FromSecret(new Dictionary<string, byte[]> { ["unrelated"] = [1] }));
    }
}
