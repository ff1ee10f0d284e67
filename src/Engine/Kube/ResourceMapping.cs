namespace Tide.Engine.Kube;

/// <summary>Where a kind lives in the API: its plural resource name and whether it is namespaced.</summary>
public sealed record ResourceMapping(string Group, string Version, string Kind, string Resource, bool Namespaced)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The collection path, e.g. /api/v1/namespaces/ns/configmaps or /apis/apps/v1/deployments.</summary>
    public string CollectionPath(string? @namespace)
    {
        var prefix = Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";
        return Namespaced && !string.IsNullOrEmpty(@namespace)
            ? $"{prefix}/namespaces/{Uri.EscapeDataString(@namespace)}/{Resource}"
            : $"{prefix}/{Resource}";
    }

    public string ObjectPath(string? @namespace, string name) => $"{CollectionPath(@namespace)}/{Uri.EscapeDataString(name)}";
}
