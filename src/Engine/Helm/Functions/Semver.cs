using System.Globalization;
using System.Text.RegularExpressions;
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

    /// <summary>Masterminds constraint check: "||" alternatives of comma/space separated ranges; "x" wildcards;
    /// ~ and ^ ranges; prerelease versions match only constraints that carry a prerelease.</summary>
    public static bool Satisfies(string constraint, Semver v)
    {
        var any = false;
        foreach (var alternative in constraint.Split("||"))
        {
            var all = true;
            foreach (var part in SplitAnd(alternative.Trim()))
            {
                if (!Check(part, v))
                {
                    all = false;
                    break;
                }
            }
            any |= all;
        }
        return any;
    }

    [GeneratedRegex(@"\s*(\^|~>|~|>=|=>|<=|=<|!=|>|<|=)?\s*(v?[0-9xX*]+(\.[0-9xX*]+)?(\.[0-9xX*]+)?(-[0-9A-Za-z\-.]+)?(\+[0-9A-Za-z\-.]+)?|\*)")]
    private static partial Regex ConstraintPart();

    private static IEnumerable<string> SplitAnd(string s)
    {
        // Hyphen ranges "a - b" become ">= a, <= b".
        var hyphen = Regex.Match(s, @"^\s*(\S+)\s+-\s+(\S+)\s*$");
        if (hyphen.Success)
            return [">=" + hyphen.Groups[1].Value, "<=" + hyphen.Groups[2].Value];
        var parts = new List<string>();
        foreach (Match m in ConstraintPart().Matches(s))
            if (m.Value.Trim().Length > 0)
                parts.Add(m.Value.Trim());
        if (parts.Count == 0)
            throw new FunctionException($"improper constraint: {s}");
        return parts;
    }

    private static bool Check(string part, Semver v)
    {
        var m = Regex.Match(part, @"^(\^|~>|~|>=|=>|<=|=<|!=|>|<|=)?\s*(.*)$");
        var op = m.Groups[1].Value;
        var text = m.Groups[2].Value;
        if (text is "*" or "x" or "X")
            return op != "!=" && v.Prerelease.Length == 0;
        var pieces = text.TrimStart('v').Split('-', 2)[0].Split('+')[0].Split('.');
        var wildMinor = pieces.Length < 2 || pieces[1] is "x" or "X" or "*";
        var wildPatch = pieces.Length < 3 || pieces[2] is "x" or "X" or "*";
        var normalized = string.Join('.', pieces.Select(p => p is "x" or "X" or "*" ? "0" : p));
        var rest = text[(text.TrimStart('v').Split('-', 2)[0].Split('+')[0].Length + (text.StartsWith('v') ? 1 : 0))..];
        var c = Parse(normalized + rest);
        if (v.Prerelease.Length > 0 && c.Prerelease.Length == 0 && op != "!=")
            return false;
        var cmp = v.CompareTo(c);
        switch (op)
        {
            case "" or "=":
                if (wildMinor) return v.Major == c.Major;
                if (wildPatch) return v.Major == c.Major && v.Minor == c.Minor;
                return cmp == 0;
            case "!=":
                if (wildMinor) return v.Major != c.Major;
                if (wildPatch) return !(v.Major == c.Major && v.Minor == c.Minor);
                return cmp != 0;
            case ">":
                if (wildMinor) return v.Major > c.Major;
                if (wildPatch) return v.Major > c.Major || (v.Major == c.Major && v.Minor > c.Minor);
                return cmp > 0;
            case "<":
                return cmp < 0;
            case ">=" or "=>":
                return cmp >= 0;
            case "<=" or "=<":
                if (wildMinor) return v.Major <= c.Major;
                if (wildPatch) return v.Major < c.Major || (v.Major == c.Major && v.Minor <= c.Minor);
                return cmp <= 0;
            case "~" or "~>":
                if (cmp < 0) return false;
                if (wildMinor && pieces.Length < 2 && c.Major == 0 && !wildPatch) return v.Major == 0;
                if (wildMinor) return v.Major == c.Major;
                return v.Major == c.Major && v.Minor == c.Minor;
            case "^":
                if (cmp < 0) return false;
                if (c.Major > 0 || wildMinor) return v.Major == c.Major;
                if (c.Minor > 0 || wildPatch) return v.Major == 0 && v.Minor == c.Minor;
                return v.Major == 0 && v.Minor == 0 && v.Patch == c.Patch;
        }
        return false;
    }
}
