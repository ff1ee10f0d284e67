using System.Runtime.Versioning;
using System.Text;
using Tide.Engine.Api;
using Tide.Engine.Sources;
using Tide.Engine.Sources.Git;
using Tide.Testing;

namespace Tide.Engine.Tests.Sources.Git;

/// <summary>spec.secretRef over HTTP(S): bearer token and a custom CA, against lighttpd + git http-backend.</summary>
[SupportedOSPlatform("linux")]
public sealed class GitHttpAuthFetchTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly GitFetcher _fetcher;

    public GitHttpAuthFetchTests() => _fetcher = new GitFetcher(_temp.Combine("cache"), allowLocal: true);

    public void Dispose() => _temp.Dispose();

    private async Task<(GitHttpServer Server, string Sha)> ServeAsync(GitHttpServer.Options options)
    {
        var server = await GitHttpServer.StartAsync(options);
        var bare = await server.CreateBareRepositoryAsync("app.git");
        var work = await WorkRepository.InitAsync(_temp.Combine("work-" + Guid.NewGuid().ToString("N")));
        var sha = await work.CommitAsync("over http", ("app.yaml", "a"));
        await work.PushAsync(bare);
        return (server, sha);
    }

    private Task<GitRevision> FetchAsync(GitHttpServer server, Dictionary<string, byte[]>? secret) =>
        _fetcher.FetchAsync("GitRepository/default/http-" + Guid.NewGuid().ToString("N"), server.UrlFor("app.git"),
            new GitRepositoryRef { Branch = "main" }, new GitFetchOptions { Credentials = GitCredentials.FromSecret(secret) }, CancellationToken.None);

    [Fact]
    public async Task BearerToken_Right_Fetches_Wrong_FailsWithoutLeakingIt()
    {
        var (server, sha) = await ServeAsync(new GitHttpServer.Options { BearerToken = "tok-123-right" });
        await using var _ = server;

        var revision = await FetchAsync(server, new() { ["bearerToken"] = Encoding.UTF8.GetBytes("tok-123-right") });
        Assert.Equal($"main@sha1:{sha}", revision.Revision);

        var error = await Assert.ThrowsAsync<SourceFetchException>(() =>
            FetchAsync(server, new() { ["bearerToken"] = Encoding.UTF8.GetBytes("tok-456-wrong") }));
        Assert.Equal(ConditionReasons.GitOperationFailed, error.Reason);
        Assert.Contains("authentication failed", error.Message);
        Assert.DoesNotContain("tok-456-wrong", error.Message);
    }

    [Fact]
    public async Task Https_CaFromSecret_IsTrusted_WithoutIt_TheCertificateIsRefused()
    {
        var (server, sha) = await ServeAsync(new GitHttpServer.Options { Tls = true });
        await using var _ = server;

        var revision = await FetchAsync(server, new() { ["ca.crt"] = Encoding.UTF8.GetBytes(server.CaCertificate) });
        Assert.Equal($"main@sha1:{sha}", revision.Revision);

        var error = await Assert.ThrowsAsync<SourceFetchException>(() => FetchAsync(server, null));
        Assert.Contains("certificate", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Https_BasicAuthAndCa_Together()
    {
        var (server, sha) = await ServeAsync(new GitHttpServer.Options { Tls = true, Basic = new GitHttpServer.BasicAuth("flux", "pw-https") });
        await using var _ = server;

        var revision = await FetchAsync(server, new()
        {
            ["username"] = Encoding.UTF8.GetBytes("flux"),
            ["password"] = Encoding.UTF8.GetBytes("pw-https"),
            ["ca.crt"] = Encoding.UTF8.GetBytes(server.CaCertificate),
        });

        Assert.Equal($"main@sha1:{sha}", revision.Revision);
    }

    [Fact]
    public async Task Https_ClientCertificate_FromSecret_IsPresented_WithoutIt_TheServerRefuses()
    {
        var (server, sha) = await ServeAsync(new GitHttpServer.Options { Tls = true, RequireClientCertificate = true });
        await using var _ = server;
        var ca = Encoding.UTF8.GetBytes(server.CaCertificate);

        var revision = await FetchAsync(server, new()
        {
            ["ca.crt"] = ca,
            ["tls.crt"] = Encoding.UTF8.GetBytes(server.ClientCertificate),
            ["tls.key"] = Encoding.UTF8.GetBytes(server.ClientKey),
        });
        Assert.Equal($"main@sha1:{sha}", revision.Revision);

        var error = await Assert.ThrowsAsync<SourceFetchException>(() => FetchAsync(server, new() { ["ca.crt"] = ca }));
        Assert.Equal(ConditionReasons.GitOperationFailed, error.Reason);
    }
}
