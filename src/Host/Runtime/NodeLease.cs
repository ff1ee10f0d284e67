using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Tide.Engine.Kube;

namespace Tide.Host.Runtime;

/// <summary>
/// Announces a running node to the cluster it reconciles: a coordination.k8s.io Lease per node (holder: the node's
/// Akka address, annotated with its version and where it serves its log records), renewed every 10 s and deleted when
/// the node stops. `tide check` and `tide version` count the nodes whose lease is current; `tide logs` reads the
/// records of each.
/// </summary>
public sealed class NodeLease : IAsyncDisposable
{
    public const string ComponentLabel = "app.kubernetes.io/component";
    public const string Component = "tide-node";
    public const string VersionAnnotation = "tide.dev/version";
    /// <summary>Where the node serves its recent log records (`tide logs` reads them).</summary>
    public const string LogsUrlAnnotation = "tide.dev/logs-url";
    public const int DurationSeconds = 30;
    private static readonly TimeSpan Renew = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(2);

    private readonly KubeClient _kube;
    private readonly ObjectRef _ref;
    private readonly string _holder;
    private readonly string? _logsUrl;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private NodeLease(KubeClient kube, string ns, string holder, string? logsUrl)
    {
        _kube = kube;
        _holder = holder;
        _logsUrl = logsUrl;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(holder)))[..10];
        _ref = new ObjectRef("coordination.k8s.io/v1", "Lease", ns, "tide-node-" + hash);
        _loop = RenewLoopAsync(_stop.Token);
    }

    /// <summary>The namespace a node announces itself in: its pod's (POD_NAMESPACE), else flux-system.</summary>
    public static string Namespace => Environment.GetEnvironmentVariable("POD_NAMESPACE") is { Length: > 0 } ns ? ns : "flux-system";

    /// <param name="logsUrl">Where the node serves its log records (null: not announced).</param>
    public static NodeLease Start(KubeClient kube, string holder, string? logsUrl = null) => new(kube, Namespace, holder, logsUrl);

    public static string Version { get; } =
        typeof(NodeLease).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private async Task RenewLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var delay = Renew;
            try
            {
                await _kube.ApplyAsync(Lease(), new ApplyOptions { FieldManager = "tide-node" }, ct);
            }
            catch (Exception e) when (e is KubeApiException or HttpRequestException)
            {
                // No namespace to announce in yet, or the API server is away: the node works without; try again soon.
                delay = RetryAfterFailure;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // The node stops while a renewal is on the wire.
                return;
            }
            try
            {
                await Task.Delay(delay, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private JsonObject Lease() => new()
    {
        ["apiVersion"] = _ref.ApiVersion,
        ["kind"] = _ref.Kind,
        ["metadata"] = new JsonObject
        {
            ["name"] = _ref.Name,
            ["namespace"] = _ref.Namespace,
            ["labels"] = new JsonObject { ["app.kubernetes.io/name"] = "tide", [ComponentLabel] = Component },
            ["annotations"] = _logsUrl is null ? new JsonObject { [VersionAnnotation] = Version }
                : new JsonObject { [VersionAnnotation] = Version, [LogsUrlAnnotation] = _logsUrl },
        },
        ["spec"] = new JsonObject
        {
            ["holderIdentity"] = _holder,
            ["leaseDurationSeconds"] = DurationSeconds,
            ["renewTime"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        },
    };

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _kube.DeleteAsync(_ref, "Background", timeout.Token);
        }
        catch (Exception e) when (e is KubeApiException or HttpRequestException or OperationCanceledException)
        {
            // The lease expires on its own.
        }
        _stop.Dispose();
    }
}
