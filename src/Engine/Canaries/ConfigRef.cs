using System.Text.Json.Nodes;

namespace Tide.Engine.Canaries;

/// <summary>A ConfigMap or Secret the target's pods use, tracked by checksum: a change starts an analysis, and
/// promotion copies it as &lt;name&gt;-primary.</summary>
/// <param name="Type">"configmap" or "secret".</param>
public sealed record ConfigRef(string Type, string Name, string Checksum, JsonObject Object)
{
    public const string ConfigMap = "configmap";
    public const string Secret = "secret";

    /// <summary>The key in status.trackedConfigs: "configmap/name".</summary>
    public string Key => $"{Type}/{Name}";
}
