using System.Collections.Immutable;

namespace Tide.ApiServer.Storage;

/// <summary>An immutable view of every object at one revision: readers list and get from it without locks.</summary>
internal sealed record StoreState(long Revision, ImmutableDictionary<string, ImmutableSortedDictionary<string, StoredObject>> Resources)
{
    public static StoreState Empty { get; } = new(0, ImmutableDictionary<string, ImmutableSortedDictionary<string, StoredObject>>.Empty);

    public static ImmutableSortedDictionary<string, StoredObject> EmptyResource { get; } =
        ImmutableSortedDictionary.Create<string, StoredObject>(StringComparer.Ordinal);

    public StoredObject? Get(string storage, string key) =>
        Resources.TryGetValue(storage, out var objects) && objects.TryGetValue(key, out var found) ? found : null;

    public IEnumerable<StoredObject> List(string storage, string? ns)
    {
        if (!Resources.TryGetValue(storage, out var objects)) return [];
        return ns is null ? objects.Values : objects.Values.Where(o => o.Namespace == ns);
    }

    public IEnumerable<StoredObject> All => Resources.Values.SelectMany(r => r.Values);
}
