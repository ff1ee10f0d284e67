using System.Text.Json.Serialization;

namespace Tide.Engine.Api;

/// <summary>One inventory entry: id "&lt;namespace&gt;_&lt;name&gt;_&lt;group&gt;_&lt;kind&gt;" (namespace and group
/// empty for cluster-scoped objects and the core group) and the API version.</summary>
public sealed record ResourceRef
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("v")]
    public required string Version { get; init; }

    /// <summary>The entry for an object, e.g. ("apps", "podinfo", "apps", "Deployment", "v1").</summary>
    public static ResourceRef For(string? @namespace, string name, string group, string kind, string version) =>
        new() { Id = $"{@namespace}_{name}_{group}_{kind}", Version = version };

    /// <summary>The parts of <see cref="Id"/>. Kubernetes names, namespaces, groups and kinds never contain '_'.</summary>
    public (string Namespace, string Name, string Group, string Kind) Parse()
    {
        var parts = Id.Split('_');
        return parts.Length == 4
            ? (parts[0], parts[1], parts[2], parts[3])
            : throw new FormatException($"inventory id '{Id}' is not <namespace>_<name>_<group>_<kind>");
    }
}
