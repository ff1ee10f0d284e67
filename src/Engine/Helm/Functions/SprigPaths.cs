using Tide.Engine.GoCompat;
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
            ("base", GoPath.Base), ("dir", GoPath.Dir), ("clean", GoPath.Clean), ("ext", Ext), ("isAbs", p => p.StartsWith('/')),
        ];
        foreach (var (name, body) in functions)
        {
            yield return GoFunction.Fixed(name, a => body((string)a[0]!), P.String);
            yield return GoFunction.Fixed("os" + char.ToUpperInvariant(name[0]) + name[1..], a => body((string)a[0]!), P.String);
        }
    }

    /// <summary>path.Ext: the suffix from the last dot of the last element.</summary>
    private static string Ext(string p)
    {
        for (var i = p.Length - 1; i >= 0 && p[i] != '/'; i--)
            if (p[i] == '.')
                return p[i..];
        return "";
    }
}
