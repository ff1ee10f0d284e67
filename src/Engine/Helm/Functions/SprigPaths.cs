using System.Text;
using Tide.Engine.Helm.Template;
using P = Tide.Engine.Helm.Template.GoParam;

namespace Tide.Engine.Helm.Functions;

/// <summary>Sprig v3 path functions: Go's path package (base, dir, clean, ext, isAbs) and its filepath twins
/// (osBase, ...), which on Linux, where helm runs, behave the same.</summary>
public static class SprigPaths
{
    public static IEnumerable<GoFunction> All()
    {
        (string Name, Func<string, object> Body)[] functions =
        [
            ("base", Base), ("dir", Dir), ("clean", Clean), ("ext", Ext), ("isAbs", p => p.StartsWith('/')),
        ];
        foreach (var (name, body) in functions)
        {
            yield return GoFunction.Fixed(name, a => body((string)a[0]!), P.String);
            yield return GoFunction.Fixed("os" + char.ToUpperInvariant(name[0]) + name[1..], a => body((string)a[0]!), P.String);
        }
    }

    /// <summary>path.Base: the last element, trailing slashes removed; "." for empty, "/" for only slashes.</summary>
    private static string Base(string p)
    {
        if (p.Length == 0)
            return ".";
        p = p.TrimEnd('/');
        if (p.Length == 0)
            return "/";
        return p[(p.LastIndexOf('/') + 1)..];
    }

    /// <summary>path.Dir: everything but the last element, cleaned.</summary>
    private static string Dir(string p) => Clean(p[..(p.LastIndexOf('/') + 1)]);

    /// <summary>path.Ext: the suffix from the last dot of the last element.</summary>
    private static string Ext(string p)
    {
        for (var i = p.Length - 1; i >= 0 && p[i] != '/'; i--)
            if (p[i] == '.')
                return p[i..];
        return "";
    }

    /// <summary>path.Clean: the shortest equivalent path by purely lexical processing.</summary>
    private static string Clean(string p)
    {
        if (p.Length == 0)
            return ".";
        var rooted = p[0] == '/';
        var parts = new List<string>();
        foreach (var part in p.Split('/'))
        {
            if (part.Length == 0 || part == ".")
                continue;
            if (part == "..")
            {
                if (parts.Count > 0 && parts[^1] != "..")
                    parts.RemoveAt(parts.Count - 1);
                else if (!rooted)
                    parts.Add("..");
                continue;
            }
            parts.Add(part);
        }
        var sb = new StringBuilder(rooted ? "/" : "");
        sb.AppendJoin('/', parts);
        return sb.Length == 0 ? "." : sb.ToString();
    }
}
