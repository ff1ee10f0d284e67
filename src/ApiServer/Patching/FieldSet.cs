using System.Text.Json.Nodes;

namespace Tide.ApiServer.Patching;

/// <summary>A set of field paths stored as a tree, like structured-merge-diff's fieldpath.Set: at each node, the path
/// elements that are members (owned themselves) and the children (paths continuing below); a child is never empty.
/// A set is built with <see cref="Insert"/> and only read afterwards, which lets set operations return, and share,
/// the parts (or the whole) of their operands that they leave unchanged.</summary>
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

    public bool Has(IReadOnlyList<PathElement> path)
    {
        var node = this;
        for (var i = 0; i < path.Count - 1; i++)
            if (!node.children.TryGetValue(path[i], out node))
                return false;
        return path.Count > 0 && node.members.Contains(path[^1]);
    }

    public bool HasMember(PathElement element) => members.Contains(element);

    /// <summary>The paths below <paramref name="element"/>, relative to it; null when there are none.</summary>
    public FieldSet? Below(PathElement element) => children.GetValueOrDefault(element);

    public FieldSet Union(FieldSet other)
    {
        if (other.IsEmpty)
            return this;
        if (IsEmpty)
            return other;
        var result = new FieldSet();
        result.members.UnionWith(members);
        result.members.UnionWith(other.members);
        foreach (var (element, child) in children)
            result.children[element] = other.children.TryGetValue(element, out var otherChild) ? child.Union(otherChild) : child;
        foreach (var (element, otherChild) in other.children)
            result.children.TryAdd(element, otherChild);
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
            result.AddChild(top, child);
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
        WriteFieldsV1(result);
        return result;
    }

    private void WriteFieldsV1(JsonObject target)
    {
        var elements = new List<PathElement>(members.Count + children.Count);
        elements.AddRange(members);
        elements.AddRange(children.Keys.Where(element => !members.Contains(element)));
        elements.Sort();
        foreach (var element in elements)
        {
            var entry = new JsonObject();
            if (children.TryGetValue(element, out var child))
            {
                if (members.Contains(element))
                    entry["."] = new JsonObject();
                child.WriteFieldsV1(entry);
            }
            target[element.ToFieldsV1()] = entry;
        }
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

    /// <summary>With <paramref name="recursive"/>, a path of <paramref name="other"/> also takes everything below it.
    /// Returns this very set when nothing is taken away.</summary>
    private FieldSet Subtract(FieldSet other, bool recursive)
    {
        if (other.IsEmpty || IsEmpty)
            return this;
        var result = new FieldSet();
        result.members.UnionWith(members.Where(m => !other.members.Contains(m)));
        var changed = result.members.Count != members.Count;
        foreach (var (element, child) in children)
        {
            var rest = recursive && other.members.Contains(element) ? new FieldSet()
                : other.children.TryGetValue(element, out var otherChild) ? child.Subtract(otherChild, recursive)
                : child;
            changed |= rest != child;
            result.AddChild(element, rest);
        }
        return changed ? result : this;
    }

    private void AddChild(PathElement element, FieldSet child)
    {
        if (!child.IsEmpty)
            children[element] = child;
    }
}
