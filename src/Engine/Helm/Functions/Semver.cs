using System.Globalization;
using System.Text.RegularExpressions;
using Tide.Engine.GoCompat;
using Tide.Engine.Helm.Template;

namespace Tide.Engine.Helm.Functions;

/// <summary>A Masterminds/semver v3 version: lenient parsing ("v1.2", "1"), prerelease ordering, the methods
/// templates call (.Major, .Minor, .Patch, .Prerelease, .Metadata, .Original).</summary>
public sealed partial class Semver : IGoObject, IComparable<Semver>
{
    private Semver(ulong major, ulong minor, ulong patch, string pre, string metadata, string original)
    {
        Major = major;
        Minor = minor;
        Patch = patch;
        Prerelease = pre;
        Metadata = metadata;
        Original = original;
    }

    public ulong Major { get; }
    public ulong Minor { get; }
    public ulong Patch { get; }
    public string Prerelease { get; }
    public string Metadata { get; }
    public string Original { get; }

    public string GoType => "*semver.Version";

    [GeneratedRegex(@"^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?$")]
    private static partial Regex VersionPattern();

    public static Semver Parse(string v)
    {
        var m = VersionPattern().Match(v);
        if (!m.Success)
            throw new FunctionException("invalid semantic version");
        static ulong Num(Group g) => g.Success ? ulong.Parse(g.Value.TrimStart('.'), CultureInfo.InvariantCulture) : 0;
        return new Semver(Num(m.Groups[1]), Num(m.Groups[2]), Num(m.Groups[3]), m.Groups[5].Value, m.Groups[8].Value, v);
    }

    public static bool TryParse(string v, out Semver? version)
    {
        try
        {
            version = Parse(v);
            return true;
        }
        catch (FunctionException)
        {
            version = null;
            return false;
        }
    }

    public bool TryGetMember(string name, object?[] args, out object? value)
    {
        value = name switch
        {
            "Major" => Major,
            "Minor" => Minor,
            "Patch" => Patch,
            "Prerelease" => Prerelease,
            "Metadata" => Metadata,
            "Original" => Original,
            "String" => ToString(),
            _ => null,
        };
        return name is "Major" or "Minor" or "Patch" or "Prerelease" or "Metadata" or "Original" or "String";
    }

    public override string ToString() =>
        $"{Major}.{Minor}.{Patch}" + (Prerelease.Length > 0 ? "-" + Prerelease : "") + (Metadata.Length > 0 ? "+" + Metadata : "");

    public int CompareTo(Semver? other)
    {
        var c = Major.CompareTo(other!.Major);
        if (c != 0) return c;
        c = Minor.CompareTo(other.Minor);
        if (c != 0) return c;
        c = Patch.CompareTo(other.Patch);
        if (c != 0) return c;
        return ComparePrerelease(Prerelease, other.Prerelease);
    }

    private static int ComparePrerelease(string a, string b)
    {
        if (a == b) return 0;
        if (a.Length == 0) return 1;
        if (b.Length == 0) return -1;
        var pa = a.Split('.');
        var pb = b.Split('.');
        for (var i = 0; i < Math.Max(pa.Length, pb.Length); i++)
        {
            if (i >= pa.Length) return -1;
            if (i >= pb.Length) return 1;
            var na = ulong.TryParse(pa[i], NumberStyles.None, CultureInfo.InvariantCulture, out var ia);
            var nb = ulong.TryParse(pb[i], NumberStyles.None, CultureInfo.InvariantCulture, out var ib);
            int c;
            if (na && nb) c = ia.CompareTo(ib);
            else if (na) c = -1;
            else if (nb) c = 1;
            else c = string.CompareOrdinal(pa[i], pb[i]);
            if (c != 0) return Math.Sign(c);
        }
        return 0;
    }

    /// <summary>Masterminds constraint check, by the one implementation of Masterminds constraints
    /// (<see cref="SemverConstraint"/>): "||" alternatives of comma/space separated ranges; "x" wildcards; ~ and ^
    /// ranges; prerelease versions match only constraints that carry a prerelease.</summary>
    public static bool Satisfies(string constraint, Semver v)
    {
        if (!SemverConstraint.TryParse(constraint, out var parsed, out var error))
            throw new FunctionException(error!);
        return parsed!.IsSatisfiedBy(SemanticVersion.Parse(v.ToString()));
    }
}
