using Tide.ApiServer.Faults;
using Tide.ApiServer.Http;

namespace Tide.ApiServer;

/// <summary>How the embedded API server runs.</summary>
public sealed record ApiServerOptions
{
    // Network and identity

    /// <summary>TCP port on 127.0.0.1; 0 takes a free one.</summary>
    public int Port { get; init; }

    /// <summary>Serve HTTPS with a generated self-signed certificate (written into kubeconfigs) and require the token.
    /// Plain HTTP (the default) accepts requests without credentials as the admin: kubectl sends no token over HTTP.</summary>
    public bool Tls { get; init; }

    /// <summary>The bearer token of the admin user written into kubeconfigs; null generates one.</summary>
    public string? Token { get; init; }

    /// <summary>More tokens and the users they authenticate (for impersonation and, later, RBAC tests).</summary>
    public IReadOnlyDictionary<string, RequestUser> Users { get; init; } = new Dictionary<string, RequestUser>();

    // Storage

    /// <summary>Where state is persisted (append-only log + snapshot); null keeps everything in memory.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>How many change events are kept for watches to resume from; older resourceVersions get 410 Expired.</summary>
    public int WatchHistory { get; init; } = 100_000;

    /// <summary>How often watches that allow bookmarks receive one.</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Request bodies above this are refused with 413 (Kubernetes' limit is 3 MiB).</summary>
    public long MaxRequestBodyBytes { get; init; } = 3 * 1024 * 1024;

    // Simulation

    /// <summary>Simulate workload controllers (Deployments become available, Jobs complete...).</summary>
    public bool SimulateWorkloads { get; init; } = true;

    /// <summary>How long simulated workloads take to become ready.</summary>
    public TimeSpan WorkloadDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Latency, error rates and watch closures to inject.</summary>
    public FaultOptions Faults { get; init; } = FaultOptions.None;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
