using System.Diagnostics;
using System.Net.Http.Headers;
using k8s;
using k8s.Models;

namespace Tide.ApiServer.Tests;

/// <summary>One in-process API server shared by the tests of the "apiserver" collection; each test works in a
/// namespace of its own. Offers KubernetesClient, a raw HttpClient and kubectl (a real, independent client).</summary>
public sealed class ApiServerFixture : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tide-apiserver-tests-").FullName;

    public ApiServerHost Server { get; private set; } = null!;

    public Kubernetes Client { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public string Kubeconfig { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await ApiServerHost.StartAsync(new ApiServerOptions
        {
            WorkloadDelay = TimeSpan.FromMilliseconds(300),
            BookmarkInterval = TimeSpan.FromSeconds(1),
        });
        Kubeconfig = Server.WriteKubeconfig(Path.Combine(_directory, "kubeconfig"));
        Client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(Kubeconfig));
        Http = new HttpClient { BaseAddress = Server.Url, Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Server.Token);
    }

    /// <summary>A KubernetesClient acting as <paramref name="user"/> (Impersonate-User / Impersonate-Group), as
    /// kubectl --as does.</summary>
    public Kubernetes As(string user, params string[] groups) =>
        new(KubernetesClientConfiguration.BuildConfigFromConfigFile(Kubeconfig), new ImpersonationHandler(user, groups));

    private sealed class ImpersonationHandler(string user, string[] groups) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Add("Impersonate-User", user);
            foreach (var group in groups) request.Headers.Add("Impersonate-Group", group);
            return base.SendAsync(request, cancellationToken);
        }
    }

    public async Task<string> NewNamespaceAsync(string prefix = "t")
    {
        var ns = await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { GenerateName = prefix + "-" } });
        return ns.Metadata.Name;
    }

    /// <summary>Runs /usr/bin/kubectl against the server and returns its exit code and output.</summary>
    public Task<KubectlResult> KubectlAsync(params string[] args) => KubectlAsync(args, null, TimeSpan.FromSeconds(60));

    public async Task<KubectlResult> KubectlAsync(string[] args, string? stdin, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("kubectl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--kubeconfig");
        start.ArgumentList.Add(Kubeconfig);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl {string.Join(' ', args)} did not finish in {timeout}: {await stderr}");
        }
        return new KubectlResult(process.ExitCode, await stdout, await stderr);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        Http.Dispose();
        await Server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
