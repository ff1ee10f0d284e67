using Tide.Engine.Kustomize.Yaml;

namespace Tide.Engine.Kustomize.Transformers.Replacements;

/// <summary>
/// Replacement field paths: dot-separated, "[key=value]" picks list elements, a number indexes a list,
/// "*" matches every element; brackets protect dots ("metadata.annotations.[a.b/c]").
/// </summary>
public static class ReplacementPath
{
    /// <summary>kyaml's SmarterPathSplitter: "\." escapes a dot; "[a.b]" is one key (brackets dropped), "[k=a.b]"
    /// one list-entry selector (brackets kept); a leading "/" or "." is ignored.</summary>
    public static List<string> Split(string path)
    {
        var split = SplitEscaped(path);
        var result = new List<string>();
        for (var i = 0; i < split.Count; i++)
        {
            var element = split[i];
            if (!element.StartsWith('[') || element.EndsWith(']'))
            {
                result.Add(element);
                continue;
            }
            var bracketed = new List<string> { element };
            while (i < split.Count - 1)
            {
                bracketed.Add(split[++i]);
                if (split[i].EndsWith(']'))
                    break;
            }
            var joined = string.Join('.', bracketed);
            result.Add(joined.Contains('=') ? joined : joined.Trim('[', ']'));
        }
        return result.Select(p => p.StartsWith('[') && p.EndsWith(']') && !p.Contains('=') ? p[1..^1] : p).ToList();
    }

    /// <summary>kyaml's PathSplitter: splits at dots, except those escaped with a backslash.</summary>
    private static List<string> SplitEscaped(string path)
    {
        var parts = path.Split('.').ToList();
        if (parts.Count > 1 && parts[0].Length == 0)
            parts.RemoveAt(0);
        var result = new List<string> { parts[0] };
        foreach (var part in parts.Skip(1))
        {
            if (result[^1].EndsWith('\\'))
                result[^1] = result[^1][..^1] + "." + part;
            else
                result.Add(part);
        }
        return result;
    }

    public static List<FieldLocation> Find(YNode root, string path, bool create)
    {
        var result = new List<FieldLocation>();
        Walk(root, Split(path), 0, create, result);
        return result;
    }

    private static void Walk(YNode node, List<string> parts, int i, bool create, List<FieldLocation> result)
    {
        var part = parts[i];
        var last = i == parts.Count - 1;
        if (node is YSequence seq)
        {
            IEnumerable<int> indexes;
            if (part == "*")
                indexes = Enumerable.Range(0, seq.Items.Count);
            else if (int.TryParse(part, out var index))
                indexes = index < seq.Items.Count ? [index] : [];
            else if (part.StartsWith('[') && part.EndsWith(']') && part.Contains('='))
            {
                var eq = part.IndexOf('=');
                var key = part[1..eq];
                var value = part[(eq + 1)..^1];
                indexes = Enumerable.Range(0, seq.Items.Count)
                    .Where(n => seq.Items[n] is YMapping m && m.GetString(key) == value).ToList();
                if (!indexes.Any() && create)
                {
                    seq.Items.Add(new YMapping { [key] = YNode.Str(value) });
                    indexes = [seq.Items.Count - 1];
                }
            }
            else
                return;
            foreach (var n in indexes.ToList())
            {
                if (last)
                    result.Add(new FieldLocation(() => seq.Items[n], v => seq.Items[n] = v));
                else
                    Walk(seq.Items[n], parts, i + 1, create, result);
            }
            return;
        }
        if (node is not YMapping map)
            return;
        if (last)
        {
            if (map[part] is null && !create)
                return;
            result.Add(new FieldLocation(() => map[part], v => map[part] = v));
            return;
        }
        var child = map[part];
        if (child is null or YScalar { IsNull: true })
        {
            if (!create)
                return;
            child = parts[i + 1].StartsWith('[') || int.TryParse(parts[i + 1], out _) ? new YSequence() : new YMapping();
            map[part] = child;
        }
        Walk(child, parts, i + 1, create, result);
    }
}
