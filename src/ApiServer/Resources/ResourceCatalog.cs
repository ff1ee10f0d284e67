using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace Tide.ApiServer.Resources;

/// <summary>Every served resource: the built-ins and those of established CustomResourceDefinitions. Readers see an
/// immutable snapshot; CRD writes (under the store's write lock) swap it.</summary>
internal sealed class ResourceCatalog
{
    private sealed record Snapshot(ImmutableList<ResourceType> Types, ImmutableDictionary<string, ImmutableList<ResourceType>> ByCrd);

    private Snapshot _snapshot = new(BuiltinResources.Types.ToImmutableList(), ImmutableDictionary<string, ImmutableList<ResourceType>>.Empty);

    public IReadOnlyList<ResourceType> Types => Volatile.Read(ref _snapshot).Types;

    public ResourceType? Find(string group, string version, string plural) =>
        Types.FirstOrDefault(t => t.Group == group && t.Version == version && t.Plural == plural);

    public ResourceType? FindKind(string apiVersion, string kind) =>
        Types.FirstOrDefault(t => t.GroupVersion == apiVersion && t.Kind == kind);

    public ResourceType? FindStorage(string storageKey) => Types.FirstOrDefault(t => t.StorageKey == storageKey);

    public bool IsBuiltin(ResourceType type) => BuiltinResources.Types.Contains(type);

    /// <summary>Groups in discovery order: built-in groups first, then CRD groups; versions by Kubernetes priority.</summary>
    public IReadOnlyList<(string Group, IReadOnlyList<string> Versions)> Groups()
    {
        var order = new List<string>();
        foreach (var type in Types)
        {
            if (type.Group.Length > 0 && !order.Contains(type.Group)) order.Add(type.Group);
        }
        return order
            .Select(g => (g, (IReadOnlyList<string>)Types.Where(t => t.Group == g).Select(t => t.Version).Distinct()
                .OrderBy(v => v, KubeVersionComparer.Instance).ToList()))
            .ToList();
    }

    /// <summary>Serves the versions of a CRD object (replacing what it served before). Returns the types.</summary>
    public IReadOnlyList<ResourceType> Register(JsonObject crd)
    {
        var types = TypesOf(crd);
        var name = crd["metadata"]!["name"]!.GetValue<string>();
        lock (this)
        {
            var current = _snapshot;
            var without = current.ByCrd.TryGetValue(name, out var old) ? current.Types.RemoveRange(old) : current.Types;
            _snapshot = new Snapshot(without.AddRange(types), current.ByCrd.SetItem(name, types.ToImmutableList()));
        }
        return types;
    }

    public void Unregister(string crdName)
    {
        lock (this)
        {
            var current = _snapshot;
            if (!current.ByCrd.TryGetValue(crdName, out var old)) return;
            _snapshot = new Snapshot(current.Types.RemoveRange(old), current.ByCrd.Remove(crdName));
        }
    }

    /// <summary>The resource types a CRD object describes (one per served version).</summary>
    public static IReadOnlyList<ResourceType> TypesOf(JsonObject crd)
    {
        var spec = crd["spec"]?.AsObject() ?? throw new ArgumentException("spec is required");
        var names = spec["names"]?.AsObject() ?? throw new ArgumentException("spec.names is required");
        var group = spec["group"]?.GetValue<string>() ?? "";
        var kind = names["kind"]?.GetValue<string>() ?? "";
        var plural = names["plural"]?.GetValue<string>() ?? "";
        var singular = names["singular"]?.GetValue<string>() ?? kind.ToLowerInvariant();
        var namespaced = (spec["scope"]?.GetValue<string>() ?? "Namespaced") == "Namespaced";
        var shortNames = Strings(names["shortNames"]);
        var categories = Strings(names["categories"]);
        var result = new List<ResourceType>();
        foreach (var version in spec["versions"]?.AsArray() ?? [])
        {
            if (version is not JsonObject v || v["served"]?.GetValue<bool>() == false) continue;
            var columns = (v["additionalPrinterColumns"]?.AsArray() ?? [])
                .OfType<JsonObject>()
                .Select(c => new PrinterColumn(
                    c["name"]?.GetValue<string>() ?? "",
                    c["type"]?.GetValue<string>() ?? "string",
                    c["format"]?.GetValue<string>() ?? "",
                    c["description"]?.GetValue<string>() ?? "",
                    c["priority"]?.GetValue<int>() ?? 0,
                    c["jsonPath"]?.GetValue<string>() ?? ""))
                .ToList();
            result.Add(new ResourceType(group, v["name"]!.GetValue<string>(), kind, plural, singular, namespaced, shortNames,
                categories, v["subresources"]?["status"] is not null, NameRule.Subdomain, columns));
        }
        return result;
    }

    private static string[] Strings(JsonNode? node) =>
        node is JsonArray array ? array.Select(n => n!.GetValue<string>()).ToArray() : [];
}
