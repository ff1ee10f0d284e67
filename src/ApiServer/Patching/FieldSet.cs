using System.Text.Json.Nodes;

namespace Tide.ApiServer.Patching;

/// <summary>A set of field paths stored as a tree, like structured-merge-diff's fieldpath.Set: at each node, the path
/// elements that are members (owned themselves) and the children (paths continuing below). Set operations return new
/// sets; a child is never empty.</summary>
internal sealed class FieldSet
{
    private readonly HashSet<PathElement> members = [];
    private readonly Dictionary<PathElement, FieldSet> children = [];

    public static FieldSet Of(IEnumerable<IReadOnlyList<PathElement>> paths)
    {
        var set = new FieldSet();
        foreach (var path in paths)
            set.Insert(path);
        return set;
    }

    public bool IsEmpty => members.Count == 0 && children.Count == 0;

    public void Insert(IReadOnlyList<PathElement> path)
    {
        if (path.Count == 0)
            return;
        var node = this;
        for (var i = 0; i < path.Count - 1; i++)
        {
            if (!node.children.TryGetValue(path[i], out var child))
                node.children[path[i]] = child = new FieldSet();
            node = child;
        }
        node.members.Add(path[^1]);
    }

    public bool HasMember(PathElement element) => members.Contains(element);

    /// <summary>The paths below <paramref name="element"/>, relative to it; null when there are none.</summary>
    public FieldSet? Below(PathElement element) => children.GetValueOrDefault(element);

    public FieldSet Union(FieldSet other)
    {
        var result = new FieldSet();
        result.members.UnionWith(members);
        result.members.UnionWith(other.members);
        foreach (var (element, child) in children)
            result.children[element] = other.children.TryGetValue(element, out var otherChild) ? child.Union(otherChild) : child.Copy();
        foreach (var (element, otherChild) in other.children)
            if (!children.ContainsKey(element))
                result.children[element] = otherChild.Copy();
        return result;
    }

    /// <summary>Paths of this set that are not paths of <paramref name="other"/> (children of a removed path stay).</summary>
    public FieldSet Difference(FieldSet other) => Subtract(other, recursive: false);

    public FieldSet Intersection(FieldSet other)
    {
        var result = new FieldSet();
        result.members.UnionWith(members.Where(other.members.Contains));
        foreach (var (element, child) in children)
            if (other.children.TryGetValue(element, out var otherChild))
                result.AddChild(element, child.Intersection(otherChild));
        return result;
    }

    /// <summary>Makes every field that has paths below it a member too (structured-merge-diff's
    /// EnsureNamedFieldsAreMembers), so that removing it removes the field itself and not only its leaves.</summary>
    public FieldSet WithFieldsAsMembers()
    {
        var result = new FieldSet();
        result.members.UnionWith(members);
        foreach (var (element, child) in children)
        {
            if (element.Kind == PathElement.ElementKind.Field)
                result.members.Add(element);
            result.AddChild(element, child.WithFieldsAsMembers());
        }
        return result;
    }

    /// <summary>Only the paths that start with <paramref name="top"/>.</summary>
    public FieldSet Within(PathElement top)
    {
        var result = new FieldSet();
        if (members.Contains(top))
            result.members.Add(top);
        if (children.TryGetValue(top, out var child))
            result.AddChild(top, child.Copy());
        return result;
    }

    /// <summary>Every path except those that start with <paramref name="top"/>.</summary>
    public FieldSet Without(PathElement top)
    {
        var exclude = new FieldSet();
        exclude.members.Add(top);
        return Subtract(exclude, recursive: true);
    }

    /// <summary>Every member path, in FieldsV1 order.</summary>
    public IEnumerable<IReadOnlyList<PathElement>> Paths()
    {
        foreach (var element in members.Union(children.Keys).Order())
        {
            if (members.Contains(element))
                yield return [element];
            if (children.TryGetValue(element, out var child))
                foreach (var rest in child.Paths())
                    yield return [element, .. rest];
        }
    }

    /// <summary>Kubernetes' FieldsV1 JSON: a member with nothing below is <c>{}</c>; a member with paths below carries
    /// <c>".": {}</c> first; members are ordered as Kubernetes orders them.</summary>
    public JsonObject ToFieldsV1()
    {
        var result = new JsonObject();
        foreach (var element in members.Union(children.Keys).Order())
        {
            var entry = children.TryGetValue(element, out var child) ? child.ToFieldsV1() : [];
            if (child is not null && members.Contains(element))
            {
                var withSelf = new JsonObject { ["."] = new JsonObject() };
                foreach (var (key, value) in entry.ToList())
                {
                    entry.Remove(key);
                    withSelf[key] = value;
                }
                entry = withSelf;
            }
            result[element.ToFieldsV1()] = entry;
        }
        return result;
    }

    public static FieldSet FromFieldsV1(JsonObject fields)
    {
        var result = new FieldSet();
        foreach (var (key, value) in fields)
        {
            if (key == ".")
                continue;
            var element = PathElement.ParseFieldsV1(key);
            var below = value as JsonObject ?? throw new FormatException($"FieldsV1 member \"{key}\" is not an object");
            if (below.Count == 0 || below.ContainsKey("."))
                result.members.Add(element);
            result.AddChild(element, FromFieldsV1(below));
        }
        return result;
    }

    /// <summary>With <paramref name="recursive"/>, a path of <paramref name="other"/> also takes everything below it.</summary>
    private FieldSet Subtract(FieldSet other, bool recursive)
    {
        var result = new FieldSet();
        result.members.UnionWith(members.Where(m => !other.members.Contains(m)));
        foreach (var (element, child) in children)
        {
            if (recursive && other.members.Contains(element))
                continue;
            result.AddChild(element, other.children.TryGetValue(element, out var otherChild) ? child.Subtract(otherChild, recursive) : child.Copy());
        }
        return result;
    }

    private FieldSet Copy() => Union(new FieldSet());

    private void AddChild(PathElement element, FieldSet child)
    {
        if (!child.IsEmpty)
            children[element] = child;
    }
}
