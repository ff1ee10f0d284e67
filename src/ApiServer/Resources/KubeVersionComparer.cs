using System.Text.RegularExpressions;

namespace Tide.ApiServer.Resources;

/// <summary>Kubernetes' version priority: GA before beta before alpha, higher numbers first, then other strings.</summary>
internal sealed partial class KubeVersionComparer : IComparer<string>
{
    public static KubeVersionComparer Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        var (rx, mx, nx) = Rank(x ?? "");
        var (ry, my, ny) = Rank(y ?? "");
        if (rx != ry) return rx.CompareTo(ry);
        if (mx != my) return my.CompareTo(mx);
        if (nx != ny) return ny.CompareTo(nx);
        return string.CompareOrdinal(x, y);
    }

    private static (int Rank, int Major, int Minor) Rank(string version)
    {
        var match = KubeVersion().Match(version);
        if (!match.Success) return (3, 0, 0);
        var major = int.Parse(match.Groups[1].Value);
        var minor = match.Groups[3].Success ? int.Parse(match.Groups[3].Value) : 0;
        return match.Groups[2].Value switch { "" => (0, major, 0), "beta" => (1, major, minor), _ => (2, major, minor) };
    }

    [GeneratedRegex(@"^v(\d+)(?:(alpha|beta)(\d+))?$")]
    private static partial Regex KubeVersion();
}
