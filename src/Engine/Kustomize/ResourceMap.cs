namespace Tide.Engine.Kustomize;

/// <summary>The ordered resources of a build; ids are unique (kustomize's ResMap).</summary>
public sealed class ResourceMap
{
    private readonly List<Resource> _resources = [];

    public IReadOnlyList<Resource> Resources => _resources;

    public void Append(Resource resource) => AppendAll([resource]);

    /// <summary>Appends in order; an id already present (in its effective namespace) is an error.</summary>
    public void AppendAll(IEnumerable<Resource> resources)
    {
        var ids = _resources.Select(r => Key(r.CurId)).ToHashSet();
        foreach (var resource in resources)
        {
            var id = resource.CurId;
            if (!ids.Add(Key(id)))
                throw new KustomizeException($"may not add resource with an already registered id: {id}");
            _resources.Add(resource);
        }
    }

    private static (Gvk, string, string) Key(ResId id) => (id.Gvk, id.Name, id.EffectiveNamespace);

    /// <summary>Adds generated resources, merging or replacing an existing one as its behavior asks.</summary>
    public void Absorb(Resource generated)
    {
        var id = generated.CurId;
        var matches = _resources.Where(r => r.AllIds.Any(i => i.SameAs(id))).ToList();
        switch (matches.Count)
        {
            case 0 when generated.Behavior is GeneratorBehavior.Merge or GeneratorBehavior.Replace:
                throw new KustomizeException($"id {Describe(id)} does not exist; cannot merge or replace");
            case 0:
                Append(generated);
                return;
            case 1:
                var old = matches[0];
                switch (generated.Behavior)
                {
                    case GeneratorBehavior.Replace:
                        generated.CopyMergeMetadataFrom(old);
                        break;
                    case GeneratorBehavior.Merge:
                        generated.CopyMergeMetadataFrom(old);
                        generated.MergeDataFrom(old, "data");
                        generated.MergeDataFrom(old, "binaryData");
                        generated.Origin = old.Origin ?? generated.Origin;
                        break;
                    default:
                        throw new KustomizeException($"id {Describe(id)} exists; behavior must be merge or replace");
                }
                _resources[_resources.IndexOf(old)] = generated;
                return;
            default:
                throw new KustomizeException(
                    $"found multiple objects {string.Join(", ", matches)} that could accept merge of {id}");
        }
    }

    public List<Resource> MatchingAnyId(ResId id) => _resources.Where(r => r.AllIds.Any(i => i.SameAs(id))).ToList();

    public void Remove(Resource resource) => _resources.Remove(resource);

    public void ReplaceAll(IEnumerable<Resource> resources)
    {
        var list = resources.ToList();
        _resources.Clear();
        _resources.AddRange(list);
    }

    private static string Describe(ResId id) =>
        $"resid.ResId{{Gvk:resid.Gvk{{Group:\"{id.Gvk.Group}\", Version:\"{id.Gvk.Version}\", Kind:\"{id.Gvk.Kind}\"}}, Name:\"{id.Name}\", Namespace:\"{id.Namespace}\"}}";
}
