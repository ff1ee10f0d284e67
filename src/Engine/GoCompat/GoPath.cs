namespace Tide.Engine.GoCompat;

/// <summary>Go's path.Clean, Join, Base and Dir on '/'-separated paths, for the places whose output must be Go's: the
/// ArtifactGenerator's copy rules (an odd path such as "dir/", "." or "" lands where source-watcher puts it) and
/// Sprig's path functions in Helm templates.</summary>
public static class GoPath
{
    public static string Clean(string path)
    {
        if (path.Length == 0)
            return ".";
        var rooted = path[0] == '/';
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part is "" or ".")
                continue;
            if (part == ".." && parts.Count > 0 && parts[^1] != "..")
                parts.RemoveAt(parts.Count - 1);
            else if (part != ".." || !rooted)
                parts.Add(part);
        }
        var joined = string.Join('/', parts);
        return rooted ? "/" + joined : joined.Length == 0 ? "." : joined;
    }

    /// <summary>Joins the non-empty elements and cleans the result; all empty gives "".</summary>
    public static string Join(params string[] elements)
    {
        var parts = elements.Where(e => e.Length > 0).ToList();
        return parts.Count == 0 ? "" : Clean(string.Join('/', parts));
    }

    public static string Base(string path)
    {
        if (path.Length == 0)
            return ".";
        path = path.TrimEnd('/');
        if (path.Length == 0)
            return "/";
        var slash = path.LastIndexOf('/');
        return slash < 0 ? path : path[(slash + 1)..];
    }

    public static string Dir(string path)
    {
        var slash = path.LastIndexOf('/');
        return Clean(slash < 0 ? "" : path[..(slash + 1)]);
    }
}
