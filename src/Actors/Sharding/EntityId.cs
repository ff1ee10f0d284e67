namespace Tide.Actors.Sharding;

/// <summary>Entity ids are <c>&lt;Kind&gt;/&lt;namespace&gt;/&lt;name&gt;</c>: one entity per Kubernetes object.</summary>
public static class EntityId
{
    public static string Of(string kind, string @namespace, string name) => $"{kind}/{@namespace}/{name}";

    public static string KindOf(string entityId) => entityId[..entityId.IndexOf('/')];

    public static (string Kind, string Namespace, string Name) Parse(string entityId)
    {
        var parts = entityId.Split('/', 3);
        if (parts.Length != 3)
            throw new FormatException($"invalid entity id '{entityId}'");
        return (parts[0], parts[1], parts[2]);
    }
}
