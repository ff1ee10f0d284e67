namespace Tide.Engine.Helm.Template;

/// <summary>A Go map type with methods (Helm's Files): ranges, indexes and counts like a map.</summary>
public interface IGoMap : IGoObject
{
    IReadOnlyList<KeyValuePair<string, object?>> SortedEntries { get; }

    bool TryGetEntry(string key, out object? value);
}
