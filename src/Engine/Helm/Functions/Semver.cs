using Tide.Engine.GoCompat;
using Tide.Engine.Helm.Template;

namespace Tide.Engine.Helm.Functions;

/// <summary>A Masterminds/semver v3 version as templates see it (`semver` returns one): the one parser and ordering
/// of <see cref="SemanticVersion"/>, plus the methods templates call (.Major, .Minor, .Patch, .Prerelease,
/// .Metadata, .Original, .String) and helm's error wording.</summary>
public sealed class Semver : IGoObject, IComparable<Semver>
{
    private readonly SemanticVersion _version;

    private Semver(SemanticVersion version) => _version = version;

    public ulong Major => (ulong)_version.Major;
    public ulong Minor => (ulong)_version.Minor;
    public ulong Patch => (ulong)_version.Patch;
    public string Prerelease => _version.Prerelease;
    public string Metadata => _version.Metadata;
    public string Original => _version.Original;

    public string GoType => "*semver.Version";

    public static Semver Parse(string v) =>
        TryParse(v, out var version) ? version! : throw new FunctionException("invalid semantic version");

    public static bool TryParse(string v, out Semver? version)
    {
        version = SemanticVersion.TryParse(v, out var parsed) ? new Semver(parsed) : null;
        return version is not null;
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

    /// <summary>The normalized form (Masterminds' String()): "v1.2" prints 1.2.0.</summary>
    public override string ToString() =>
        $"{Major}.{Minor}.{Patch}" + (Prerelease.Length > 0 ? "-" + Prerelease : "") + (Metadata.Length > 0 ? "+" + Metadata : "");

    public int CompareTo(Semver? other) => _version.CompareTo(other?._version);

    /// <summary>Masterminds constraint check, by the one implementation of Masterminds constraints
    /// (<see cref="SemverConstraint"/>): "||" alternatives of comma/space separated ranges; "x" wildcards; ~ and ^
    /// ranges; prerelease versions match only constraints that carry a prerelease.</summary>
    public static bool Satisfies(string constraint, Semver v)
    {
        if (!SemverConstraint.TryParse(constraint, out var parsed, out var error))
            throw new FunctionException(error!);
        return parsed!.IsSatisfiedBy(v._version);
    }
}
