using Tide.Engine.Kustomize.Yaml;

namespace Tide.Engine.Kustomize;

/// <summary>
/// One manifest in a build, with the bookkeeping kustomize keeps beside it: the ids it had before renames,
/// the prefixes and suffixes applied, generator behavior and hash-suffix request.
/// </summary>
public sealed class Resource
{
    public Resource(YMapping node) => Node = node;

    public YMapping Node { get; private set; }

    /// <summary>Ids before each rename or namespace change, oldest first (kustomize's previousNames etc.).</summary>
    public List<ResId> PreviousIds { get; } = [];

    public List<string> NamePrefixes { get; } = [];

    public List<string> NameSuffixes { get; } = [];

    public GeneratorBehavior Behavior { get; set; }

    public bool NeedsHashSuffix { get; set; }

    public bool AllowNameChange { get; set; }

    public bool AllowKindChange { get; set; }

    /// <summary>transformerAnnotations entries: the transformers that changed this resource, in order.</summary>
    public List<string> Transformations { get; } = [];

    /// <summary>The vars whose objref picked this resource (kustomize's refVarNames).</summary>
    public List<string> RefVarNames { get; } = [];

    /// <summary>Origin annotation value (buildMetadata: originAnnotations), when tracked.</summary>
    public string? Origin { get; set; }

    public string Kind => Node.GetString("kind") ?? "";

    public string ApiVersion => Node.GetString("apiVersion") ?? "";

    public Gvk Gvk => Gvk.FromApiVersion(Node.GetString("apiVersion"), Node.GetString("kind"));

    public string Name => Node.GetMapping("metadata")?.GetString("name") ?? "";

    public string Namespace => Node.GetMapping("metadata")?.GetString("namespace") ?? "";

    public ResId CurId => new(Gvk, Name, Namespace);

    /// <summary>The id the resource was loaded with.</summary>
    public ResId OrgId => PreviousIds.Count > 0 ? PreviousIds[0] : CurId;

    public IEnumerable<ResId> AllIds => PreviousIds.Prepend(CurId);

    public void SetName(string name) => Node.GetOrAddMapping("metadata")["name"] = YNode.Str(name);

    public void SetNamespace(string ns)
    {
        var meta = Node.GetOrAddMapping("metadata");
        if (ns.Length == 0)
            meta.Remove("namespace");
        else
            meta["namespace"] = YNode.Str(ns);
    }

    public void SetKind(string kind) => Node["kind"] = YNode.Str(kind);

    /// <summary>kustomize's StorePreviousId: remember the current id (with its effective namespace).</summary>
    public void StorePreviousId()
    {
        var cur = CurId;
        PreviousIds.Add(cur with { Namespace = cur.EffectiveNamespace });
    }

    public Dictionary<string, string> GetStringMap(string field)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Node.GetMapping("metadata")?.GetMapping(field) is { } map)
            foreach (var e in map.Entries)
                result[e.Key] = e.Value is YScalar s ? s.Value : "";
        return result;
    }

    public bool IsEmpty => Node.Count == 0;

    public void ReplaceNode(YMapping node) => Node = node;

    /// <summary>
    /// kustomize's CopyMergeMetaDataFieldsFrom: merge labels/annotations under ours, take its name and namespace, and
    /// its build annotations (previous ids, affixes, behavior, allowed changes) in place of ours; a hash suffix only
    /// when both ask for one (a generator merged into a ConfigMap without a hash suffix gets none either).
    /// </summary>
    public void CopyMergeMetadataFrom(Resource other)
    {
        MergeStringMap("labels", other.GetStringMap("labels"));
        MergeStringMap("annotations", other.GetStringMap("annotations"));
        SetName(other.Name);
        SetNamespace(other.Namespace);
        PreviousIds.Clear();
        PreviousIds.AddRange(other.PreviousIds);
        NamePrefixes.Clear();
        NamePrefixes.AddRange(other.NamePrefixes);
        NameSuffixes.Clear();
        NameSuffixes.AddRange(other.NameSuffixes);
        Behavior = other.Behavior;
        NeedsHashSuffix = other.NeedsHashSuffix && NeedsHashSuffix;
        AllowNameChange = other.AllowNameChange;
        AllowKindChange = other.AllowKindChange;
        RefVarNames.Clear();
        RefVarNames.AddRange(other.RefVarNames);
    }

    /// <summary>Sets metadata.field to older entries overlaid with ours (ours win).</summary>
    private void MergeStringMap(string field, Dictionary<string, string> older)
    {
        var mine = GetStringMap(field);
        if (older.Count == 0 && mine.Count == 0)
            return;
        var merged = new YMapping();
        foreach (var (k, v) in older)
            merged[k] = YNode.Str(v);
        foreach (var (k, v) in mine)
            merged[k] = YNode.Str(v);
        Node.GetOrAddMapping("metadata")[field] = merged;
    }

    /// <summary>Merges another resource's data (or binaryData) map under this one's (ours win).</summary>
    public void MergeDataFrom(Resource other, string field)
    {
        var older = other.Node.GetMapping(field);
        var mine = Node.GetMapping(field);
        if (older is null)
            return;
        var merged = (YMapping)older.DeepClone();
        if (mine is not null)
            foreach (var e in mine.Entries)
                merged[e.Key] = e.Value;
        Node[field] = merged;
    }

    public override string ToString() => CurId.ToString();
}
