using System.Runtime.Versioning;
using System.Text;
using k8s.Models;
using Tide.Engine.Api;
using Tide.Engine.Artifacts;
using Tide.Engine.Reconcilers;
using Tide.Engine.Sources.Git;
using Tide.Testing;

namespace Tide.Engine.Tests.Reconcilers;

/// <summary>GitRepository spec.proxySecretRef against a real proxy (tinyproxy with basic authentication) in front of
/// git http-backend; the proxy's log shows what went through it.</summary>
[SupportedOSPlatform("linux")]
public sealed class GitRepositoryProxyTests : IAsyncLifetime
{
    private const string GitPassword = "git-Pa55word";
    // tinyproxy's configuration takes only letters, digits, '-', '.' and '_' here.
    private const string ProxyPassword = "proxy-Pa55.word";
    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private GitHttpServer _git = null!;
    private HttpProxyServer _proxy = null!;
    private GitRepositoryReconciler _reconciler = null!;
    private string _sha = null!;

    public async Task InitializeAsync()
    {
        _git = await GitHttpServer.StartAsync(new GitHttpServer.Options { Basic = new GitHttpServer.BasicAuth("flux", GitPassword) });
        _proxy = await HttpProxyServer.StartAsync("proxy-user", ProxyPassword);
        _sha = await PushAppAsync(_git);
        _reconciler = new GitRepositoryReconciler(
            new GitFetcher(_temp.Combine("cache"), allowLocal: true), new ArtifactStore(_temp.Combine("store"), _time),
            new SourceReconcilerOptions { ArtifactBaseUrl = "http://127.0.0.1:9090", WorkDirectory = _temp.Combine("work-dirs") }, _time);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _git.DisposeAsync();
        _temp.Dispose();
    }

    private async Task<string> PushAppAsync(GitHttpServer server)
    {
        var bare = await server.CreateBareRepositoryAsync("app.git");
        var work = await WorkRepository.InitAsync(_temp.Combine("work-" + Guid.NewGuid().ToString("N")));
        var sha = await work.CommitAsync("app", ("deploy/app.yaml", "kind: ConfigMap\n"));
        await work.PushAsync(bare);
        return sha;
    }

    private static GitRepository Repository(string url, bool proxy = true) => new()
    {
        Metadata = new V1ObjectMeta { Name = "app", NamespaceProperty = "apps", Generation = 1 },
        Spec = new GitRepositorySpec
        {
            Url = url,
            Interval = GoDuration.Parse("1m"),
            Timeout = GoDuration.Parse("20s"),
            Reference = new GitRepositoryRef { Branch = "main" },
            SecretRef = new LocalObjectReference { Name = "git-auth" },
            ProxySecretRef = proxy ? new LocalObjectReference { Name = "proxy" } : null,
        },
    };

    private static Dictionary<string, byte[]> Data(params (string Key, string Value)[] entries) =>
        entries.ToDictionary(e => e.Key, e => Encoding.UTF8.GetBytes(e.Value));

    private ReferencedSecrets Secrets(string? proxyAddress, string proxyPassword = ProxyPassword) => new()
    {
        Auth = Data(("username", "flux"), ("password", GitPassword)),
        Proxy = proxyAddress is null ? null : Data(("address", proxyAddress), ("username", "proxy-user"), ("password", proxyPassword)),
    };

    private static Condition Condition(ReconcileResult<GitRepositoryStatus> result, string type) =>
        result.Status.Conditions!.Single(c => c.Type == type);

    [Fact]
    public async Task Reconcile_ThroughProxyWithBasicAuth_StoresArtifact_AndEveryRequestWentThroughTheProxy()
    {
        var result = await _reconciler.ReconcileAsync(Repository(_git.RepositoryUrl("app")), Secrets(_proxy.Address), CancellationToken.None);

        Assert.Equal(ConditionStatus.True, Condition(result, ConditionTypes.Ready).Status);
        Assert.Equal($"main@sha1:{_sha}", result.Status.Artifact!.Revision);
        var log = await _proxy.ReadLogAsync();
        Assert.Contains($"GET http://127.0.0.1:{_git.Port}/git/app.git/info/refs?service=git-upload-pack", log);
        Assert.Contains($"POST http://127.0.0.1:{_git.Port}/git/app.git/git-upload-pack", log);
    }

    [Fact]
    public async Task Reconcile_Submodules_AreFetchedThroughTheProxyToo()
    {
        var lib = await WorkRepository.InitAsync(_temp.Combine("lib"));
        var libCommit = await lib.CommitAsync("lib", ("lib.yaml", "lib: v1\n"));
        await lib.PushAsync(await _git.CreateBareRepositoryAsync("lib.git"));
        var super = await WorkRepository.InitAsync(_temp.Combine("super"));
        await super.SetSubmoduleAsync("lib", "../lib.git", libCommit);
        await super.CommitAsync("super");
        await super.PushAsync(await _git.CreateBareRepositoryAsync("super.git"));
        var repository = Repository(_git.RepositoryUrl("super"));
        repository = repository with { Spec = repository.Spec with { RecurseSubmodules = true } };

        var result = await _reconciler.ReconcileAsync(repository, Secrets(_proxy.Address), CancellationToken.None);

        Assert.Equal(ConditionStatus.True, Condition(result, ConditionTypes.Ready).Status);
        Assert.Contains($"http://127.0.0.1:{_git.Port}/git/lib.git/", await _proxy.ReadLogAsync());
    }

    [Fact]
    public async Task Reconcile_HttpsThroughProxy_TunnelsWithConnect()
    {
        await using var tls = await GitHttpServer.StartAsync(new GitHttpServer.Options { Tls = true });
        var sha = await PushAppAsync(tls);
        var secrets = new ReferencedSecrets
        {
            Auth = Data(("ca.crt", tls.CaCertificate)),
            Proxy = Data(("address", _proxy.Address), ("username", "proxy-user"), ("password", ProxyPassword)),
        };

        var result = await _reconciler.ReconcileAsync(Repository(tls.RepositoryUrl("app")), secrets, CancellationToken.None);

        Assert.Equal(ConditionStatus.True, Condition(result, ConditionTypes.Ready).Status);
        Assert.Equal($"main@sha1:{sha}", result.Status.Artifact!.Revision);
        Assert.Contains($"CONNECT 127.0.0.1:{tls.Port}", await _proxy.ReadLogAsync());

        var refused = await _reconciler.ReconcileAsync(Repository(tls.RepositoryUrl("app")) with { Status = result.Status },
            secrets with { Proxy = Data(("address", _proxy.Address), ("username", "proxy-user"), ("password", "wrong")) }, CancellationToken.None);
        var ready = Condition(refused, ConditionTypes.Ready);
        Assert.Equal((ConditionStatus.False, ConditionReasons.GitOperationFailed), (ready.Status, ready.Reason));
        Assert.Contains("authentication failed", ready.Message);
        Assert.Contains($"through proxy 'http://127.0.0.1:{_proxy.Port}'", ready.Message);
    }

    [Fact]
    public async Task Reconcile_WrongProxyPassword_FailsNamingTheProxy_WithoutThePassword()
    {
        const string wrong = "wrong-Pa55:word@";
        var result = await _reconciler.ReconcileAsync(Repository(_git.RepositoryUrl("app")), Secrets(_proxy.Address, wrong), CancellationToken.None);

        var ready = Condition(result, ConditionTypes.Ready);
        Assert.Equal((ConditionStatus.False, ConditionReasons.GitOperationFailed), (ready.Status, ready.Reason));
        Assert.Contains($"through proxy 'http://127.0.0.1:{_proxy.Port}'", ready.Message);
        Assert.Contains("authentication failed", ready.Message);
        Assert.Equal(ConditionStatus.True, Condition(result, ConditionTypes.FetchFailed).Status);
        Assert.Null(result.Status.Artifact);
        foreach (var text in result.Status.Conditions!.Select(c => c.Message).Concat(result.Events.Select(e => e.Message)))
        {
            Assert.DoesNotContain(wrong, text);
            Assert.DoesNotContain(Uri.EscapeDataString(wrong), text);
        }
        Assert.Contains("Request (file descriptor", await _proxy.ReadLogAsync());
    }

    [Fact]
    public async Task Reconcile_ProxyUnreachable_Fails()
    {
        var nowhere = $"http://127.0.0.1:{FreePort.Next()}";

        var result = await _reconciler.ReconcileAsync(Repository(_git.RepositoryUrl("app")), Secrets(nowhere), CancellationToken.None);

        var ready = Condition(result, ConditionTypes.Ready);
        Assert.Equal((ConditionStatus.False, ConditionReasons.GitOperationFailed), (ready.Status, ready.Reason));
        Assert.Contains($"through proxy '{nowhere}'", ready.Message);
        Assert.Contains("Failed to connect", ready.Message);
    }

    [Fact]
    public async Task Reconcile_WithoutProxySecretRef_DoesNotUseTheProxy()
    {
        var result = await _reconciler.ReconcileAsync(Repository(_git.RepositoryUrl("app"), proxy: false), Secrets(_proxy.Address), CancellationToken.None);

        Assert.Equal(ConditionStatus.True, Condition(result, ConditionTypes.Ready).Status);
        Assert.DoesNotContain("Request (file descriptor", await _proxy.ReadLogAsync());
    }

    [Fact]
    public async Task Reconcile_ProxySecretMissingOrWithoutAddress_FailsWithAuthenticationFailed()
    {
        var missing = await _reconciler.ReconcileAsync(Repository(_git.RepositoryUrl("app")), Secrets(null), CancellationToken.None);
        var noAddress = await _reconciler.ReconcileAsync(Repository(_git.RepositoryUrl("app")),
            Secrets(null) with { Proxy = Data(("username", "proxy-user")) }, CancellationToken.None);
        var badScheme = await _reconciler.ReconcileAsync(Repository(_git.RepositoryUrl("app")),
            Secrets("socks4://127.0.0.1:1080"), CancellationToken.None);

        Assert.Equal((ConditionStatus.False, ConditionReasons.AuthenticationFailed, "failed to configure proxy options: secret 'apps/proxy' not found"),
            (Condition(missing, ConditionTypes.Ready).Status, Condition(missing, ConditionTypes.Ready).Reason, Condition(missing, ConditionTypes.Ready).Message));
        Assert.Equal(ConditionStatus.True, Condition(missing, ConditionTypes.FetchFailed).Status);
        Assert.Equal("failed to configure proxy options: secret 'apps/proxy': key 'address' not found", Condition(noAddress, ConditionTypes.Ready).Message);
        Assert.Equal("failed to configure proxy options: secret 'apps/proxy': proxy URL must use http or https scheme, got 'socks4'",
            Condition(badScheme, ConditionTypes.Ready).Message);
        Assert.DoesNotContain("Request (file descriptor", await _proxy.ReadLogAsync());
    }

    [Fact]
    public void Proxy_FromSecret_KeepsCredentialsOutOfItsText()
    {
        const string password = "p@ss:w/rd";
        var proxy = GitProxy.FromSecret("apps", "proxy", Data(("address", "http://127.0.0.1:3128/"), ("username", "u"), ("password", password)));

        Assert.Equal((new Uri("http://127.0.0.1:3128"), "u", password), (proxy.Address, proxy.Username, proxy.Password));
        Assert.DoesNotContain(password, proxy.ToString());
        Assert.DoesNotContain(Uri.EscapeDataString(password), proxy.ToString());
    }
}
