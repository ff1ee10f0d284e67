using Microsoft.Extensions.Logging;
using Tide.Actors.Cluster;
using Tide.ApiServer;
using Tide.Host.Runtime;
using Tide.Testing;

namespace Tide.EndToEnd.Tests;

/// <summary>
/// A whole Tide setup on loopback: the embedded API server, git over smart HTTP, and one or more Tide nodes in
/// one Akka cluster, each with its own artifact store and HTTP endpoint.
/// </summary>
public sealed class TideEnvironment : IAsyncDisposable
{
    private readonly TempDirectory _dir;
    private readonly List<TideRuntime> _nodes = [];
    private int _seedPort;
    private bool _clustered;
    private string _extraConfig = "";
    private ILoggerFactory? _logging;

    private TideEnvironment(TempDirectory dir, ApiServerHost apiServer, string kubeconfig, GitHttpServer git)
    {
        _dir = dir;
        ApiServer = apiServer;
        Kubeconfig = kubeconfig;
        Git = git;
        Kubectl = new Kubectl(kubeconfig);
    }

    public ApiServerHost ApiServer { get; }

    public string Kubeconfig { get; }

    public GitHttpServer Git { get; }

    public Kubectl Kubectl { get; }

    public IReadOnlyList<TideRuntime> Nodes => _nodes;

    public string RepositoriesRoot => Git.RepositoriesDirectory;

    public List<string> Progress { get; } = [];

    /// <param name="extraConfig">HOCON for every node (e.g. tide.no-cross-namespace-refs = on; the web UI is off
    /// unless it says tide.ui.enabled = on).</param>
    /// <param name="apiServer">Options of the embedded API server (e.g. fault injection).</param>
    /// <param name="logging">Where every node logs (Akka's records among them); null: Akka's own loggers only.</param>
    public static async Task<TideEnvironment> StartAsync(int nodes = 1, string extraConfig = "", ApiServerOptions? apiServer = null,
        ILoggerFactory? logging = null)
    {
        var dir = new TempDirectory("tide-e2e-");
        var server = await ApiServerHost.StartAsync(apiServer ?? new ApiServerOptions { WorkloadDelay = TimeSpan.FromMilliseconds(200) });
        var kubeconfig = server.WriteKubeconfig(dir.Combine("kubeconfig"));
        var git = await GitHttpServer.StartAsync();
        var environment = new TideEnvironment(dir, server, kubeconfig, git);
        environment._seedPort = FreePort.Next();
        // Always a cluster with a fixed seed, so that nodes can join later.
        environment._clustered = true;
        environment._extraConfig = extraConfig;
        environment._logging = logging;
        for (var i = 0; i < nodes; i++)
            await environment.AddNodeAsync();
        return environment;
    }

    /// <summary>Starts one more node; it joins the cluster through the first node.</summary>
    /// <param name="extraConfig">HOCON for this node besides the environment's (e.g. mirrors of the servers started
    /// with it).</param>
    public async Task AddNodeAsync(string extraConfig = "")
    {
        var index = _nodes.Count;
        var seedPort = _seedPort;
        var clustered = _clustered;
        var port = index == 0 ? seedPort : FreePort.Next();
        var seeds = clustered ? $"[\"akka.tcp://tide@127.0.0.1:{seedPort}\"]" : "[]";
        var config = TideConfig.Load(null, $$"""
            akka.loglevel = WARNING
            akka.remote.dot-netty.tcp.port = {{port}}
            akka.cluster.seed-nodes = {{seeds}}
            akka.cluster.min-nr-of-members = 1
            tide.artifacts.directory = "{{_dir.Combine("node" + index)}}"
            tide.webhooks.port = 0
            tide.metrics.port = 0
            tide.ui.port = 0
            tide.ui.enabled = off
            tide.backoff.min = 500ms
            tide.jitter = 0
            {{_extraConfig}}
            {{extraConfig}}
            """);
        var node = await TideRuntime.StartAsync(config, Kubeconfig, line =>
        {
            lock (Progress)
                Progress.Add($"node{index}: {line}");
        }, _logging, CancellationToken.None);
        _nodes.Add(node);
    }

    /// <summary>Stops a node: it leaves the cluster gracefully and its shards hand over to the others.</summary>
    public async Task StopNodeAsync(TideRuntime node)
    {
        _nodes.Remove(node);
        await node.DisposeAsync();
    }

    public Task<GitWorkingCopy> CreateRepositoryAsync(string name) => GitWorkingCopy.CreateAsync(RepositoriesRoot, name);

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Enumerable.Reverse(_nodes))
            await node.DisposeAsync();
        await Git.DisposeAsync();
        await ApiServer.DisposeAsync();
        _dir.Dispose();
    }
}
