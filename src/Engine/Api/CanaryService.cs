using System.Text.Json.Nodes;

namespace Tide.Engine.Api;

/// <summary>The Services (apex, -primary, -canary) and routes a Canary generates. Router settings Tide does not act
/// on (Istio traffic policies, CORS...) are kept as written.</summary>
public sealed record CanaryService
{
    /// <summary>The apex Service's name; the target's name when unset.</summary>
    public string? Name { get; init; }

    public required int Port { get; init; }

    /// <summary>The name of the Service port; "http" when unset.</summary>
    public string? PortName { get; init; }

    /// <summary>The container port (number or name); <see cref="Port"/> when unset.</summary>
    public JsonNode? TargetPort { get; init; }

    public string? AppProtocol { get; init; }

    public string? TrafficDistribution { get; init; }

    /// <summary>Also expose every other container port of the target.</summary>
    public bool? PortDiscovery { get; init; }

    public bool? Headless { get; init; }

    public string? Timeout { get; init; }

    public string? BackendTimeout { get; init; }

    public IReadOnlyList<string>? Gateways { get; init; }

    /// <summary>The Gateways the HTTPRoute attaches to (gatewayapi provider).</summary>
    public IReadOnlyList<JsonObject>? GatewayRefs { get; init; }

    public IReadOnlyList<string>? Hosts { get; init; }

    public bool? Delegation { get; init; }

    public JsonObject? TrafficPolicy { get; init; }

    public IReadOnlyList<JsonObject>? Match { get; init; }

    public JsonObject? Rewrite { get; init; }

    public JsonObject? Retries { get; init; }

    public JsonObject? Headers { get; init; }

    public IReadOnlyList<JsonObject>? Mirror { get; init; }

    public JsonObject? CorsPolicy { get; init; }

    public string? MeshName { get; init; }

    public IReadOnlyList<string>? Backends { get; init; }

    public CanaryCustomMetadata? Apex { get; init; }

    public CanaryCustomMetadata? Primary { get; init; }

    public CanaryCustomMetadata? Canary { get; init; }

    public JsonObject? UnmanagedMetadata { get; init; }
}
