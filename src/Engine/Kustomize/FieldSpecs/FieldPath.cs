using Tide.Engine.Kustomize.Yaml;

namespace Tide.Engine.Kustomize.FieldSpecs;

/// <summary>
/// Walks a fieldSpec path ("spec/template/spec/containers[]/image") through a resource. Sequences met on the way
/// are entered element by element; missing mappings are created only when asked.
/// </summary>
public static class FieldPath
{
    /// <summary>Splits on '/', keeping "\/" as a literal slash; drops the "[]" sequence markers.</summary>
    public static string[] Split(string path)
    {
        var parts = new List<string>();
        var current = new System.Text.StringBuilder();
        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] == '\\' && i + 1 < path.Length && path[i + 1] == '/')
            {
                current.Append('/');
                i++;
            }
            else if (path[i] == '/')
            {
                parts.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(path[i]);
            }
        }
        parts.Add(current.ToString());
        return parts.Select(p => p.EndsWith("[]", StringComparison.Ordinal) ? p[..^2] : p).ToArray();
    }

    /// <summary>
    /// Calls visit(parent, key) for each place the path reaches. When the final field is absent, visit is called
    /// only if create is true (the callback then creates the value).
    /// </summary>
    public static void Visit(YNode root, string path, bool create, Action<YMapping, string> visit)
    {
        var sequences = SequenceMarkers(path);
        Visit(root, Split(path), 0, create, visit, sequences);
    }

    /// <summary>Which segments carry the "[]" marker: kustomize never creates those when they are missing.</summary>
    private static bool[] SequenceMarkers(string path) =>
        path.Replace("\\/", "").Split('/').Select(p => p.EndsWith("[]", StringComparison.Ordinal)).ToArray();

    private static void Visit(YNode node, string[] segments, int i, bool create, Action<YMapping, string> visit,
        bool[] sequences)
    {
        if (node is YSequence seq)
        {
            foreach (var item in seq.Items.ToList())
                Visit(item, segments, i, create, visit, sequences);
            return;
        }
        if (node is not YMapping map)
            return;
        var key = segments[i];
        if (i == segments.Length - 1)
        {
            var existing = map[key];
            if (existing is null or YScalar { IsNull: true } && !create)
                return;
            visit(map, key);
            return;
        }
        var child = map[key];
        if (child is null or YScalar { IsNull: true })
        {
            if (!create || sequences[i])
                return;
            child = new YMapping();
            map[key] = child;
        }
        Visit(child, segments, i + 1, create, visit, sequences);
    }
}
