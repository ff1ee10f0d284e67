using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using Tide.Engine.Kube;
using Tide.Host.Runtime;

namespace Tide.Host.Cli;

/// <summary>What `version` and `check` ask the cluster: the API server's version and the Tide nodes whose
/// <see cref="NodeLease"/> is current.</summary>
public static class TideNodes
{
    /// <param name="LogsUrl">Where the node serves its log records (null: it does not say).</param>
    public sealed record Node(string Address, string Version, string? LogsUrl = null);

    public static async Task<string> ServerVersionAsync(KubeClient kube, CancellationToken ct)
    {
        using var client = new Kubernetes(kube.Configuration);
        return (await client.Version.GetCodeAsync(ct)).GitVersion;
    }

    /// <summary>Nodes whose lease was renewed within its duration, in the namespace nodes announce themselves in
    /// (-n; every namespace with -A).</summary>
    public static async Task<IReadOnlyList<Node>> UpAsync(KubeClient kube, string? ns, CancellationToken ct)
    {
        var leases = await kube.ListAsync("coordination.k8s.io/v1", "Lease", ns,
            $"{NodeLease.ComponentLabel}={NodeLease.Component}", ct);
        var now = DateTimeOffset.UtcNow;
        return leases.Items.Where(lease => Current(lease, now))
            .Select(lease => new Node(lease["spec"]?["holderIdentity"]?.GetValue<string>() ?? "",
                lease["metadata"]?["annotations"]?[NodeLease.VersionAnnotation]?.GetValue<string>() ?? "unknown",
                lease["metadata"]?["annotations"]?[NodeLease.LogsUrlAnnotation]?.GetValue<string>()))
            .OrderBy(n => n.Address, StringComparer.Ordinal).ToList();
    }

    private static bool Current(JsonObject lease, DateTimeOffset now) =>
        lease["spec"]?["renewTime"]?.GetValue<string>() is { } renewed &&
        DateTimeOffset.TryParse(renewed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) &&
        now - at < TimeSpan.FromSeconds(lease["spec"]?["leaseDurationSeconds"]?.GetValue<int>() ?? NodeLease.DurationSeconds);
}
