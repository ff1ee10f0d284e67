using System.Text.Json.Nodes;

namespace Tide.Engine.Kube;

/// <summary>Identifies an object: apiVersion, kind, namespace (empty for cluster-scoped) and name.</summary>
public sealed record ObjectRef(string ApiVersion, string Kind, string Namespace, string Name)
{
    public string Group => ApiVersion.Contains('/') ? ApiVersion[..ApiVersion.IndexOf('/')] : "";
    public string Version => ApiVersion.Contains('/') ? ApiVersion[(ApiVersion.IndexOf('/') + 1)..] : ApiVersion;

    public static ObjectRef Of(JsonObject obj) => new(
        obj["apiVersion"]?.GetValue<string>() ?? "",
        obj["kind"]?.GetValue<string>() ?? "",
        obj["metadata"]?["namespace"]?.GetValue<string>() ?? "",
        obj["metadata"]?["name"]?.GetValue<string>() ?? "");

    /// <summary>Flux's inventory id: <c>&lt;namespace&gt;_&lt;name&gt;_&lt;group&gt;_&lt;kind&gt;</c>.</summary>
    public string InventoryId => $"{Namespace}_{Name}_{Group}_{Kind}";

    /// <summary>Parses an inventory id and its version back into a reference.</summary>
    public static ObjectRef FromInventory(string id, string version)
    {
        var parts = id.Split('_');
        if (parts.Length < 4)
            throw new FormatException($"invalid inventory id '{id}'");
        // Names and namespaces cannot contain '_', kinds cannot either; groups may not, so the split is exact.
        var group = parts[^2];
        return new(group.Length == 0 ? version : $"{group}/{version}", parts[^1], parts[0], string.Join('_', parts[1..^2]));
    }

    public override string ToString() => Namespace.Length == 0 ? $"{Kind}/{Name}" : $"{Kind}/{Namespace}/{Name}";
}
