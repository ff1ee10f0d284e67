using System.Collections.Frozen;
using System.Text.Json.Nodes;

namespace Tide.ApiServer.Patching;

/// <summary>What Kubernetes' Go types declare about one value, as far as merging goes: for an object its fields and
/// whether it is atomic (+structType=atomic); for a list its strategic-merge strategy (patchStrategy, patchMergeKey)
/// and its server-side-apply type (listType, listMapKey, key defaults). Anything not declared merges like JSON merge
/// patch: objects field by field, lists replaced whole.</summary>
internal sealed record ValueSchema
{
    public static readonly ValueSchema Unknown = new();

    public FrozenDictionary<string, ValueSchema> Fields { get; init; } = FrozenDictionary<string, ValueSchema>.Empty;

    /// <summary>An object owned and replaced as one field by server-side apply.</summary>
    public bool Atomic { get; init; }

    /// <summary>Strategic merge patch merges this list (patchStrategy=merge) instead of replacing it.</summary>
    public bool PatchMerge { get; init; }

    /// <summary>Strategic merge patch's key for a merged list of objects (patchMergeKey).</summary>
    public string? PatchMergeKey { get; init; }

    public ListType ListType { get; init; } = ListType.Atomic;

    /// <summary>Server-side apply's key fields for <see cref="ListType.Map"/>, with the default a missing key takes
    /// (Kubernetes keys container ports by containerPort and protocol, protocol defaulting to TCP).</summary>
    public IReadOnlyList<(string Name, JsonNode? Default)> ListKeys { get; init; } = [];

    public ValueSchema Items { get; init; } = Unknown;

    /// <summary>The field exists in the Go type's zero value (a struct that is not a pointer, or a list without
    /// omitempty), so creating an object does not add it as a whole: Kubernetes' managedFields then carry no "." for it.</summary>
    public bool InZeroValue { get; init; }

    public ValueSchema Field(string name) => Fields.GetValueOrDefault(name) ?? Unknown;
}
