using System.Globalization;
using System.Text.RegularExpressions;

namespace Tide.Engine.GoCompat;

/// <summary>
/// A semantic version read as loosely as Masterminds/semver (what Flux uses): an optional 'v', then
/// major[.minor[.patch]], an optional -prerelease and +metadata. <see cref="Original"/> keeps the text (the tag name).
/// Ordering follows semver 2.0: metadata is ignored, a prerelease sorts before its release.
/// </summary>
public sealed partial class SemanticVersion : IComparable<SemanticVersion>, IEquatable<SemanticVersion>
{
    private SemanticVersion(string original, long major, long minor, long patch, string prerelease, string metadata, int parts)
    {
        Original = original;
        Major = major;
        Minor = minor;
        Patch = patch;
        Prerelease = prerelease;
        Metadata = metadata;
        Parts = parts;
    }

    public string Original { get; }
    public long Major { get; }
    public long Minor { get; }
    public long Patch { get; }
    public string Prerelease { get; }
    public string Metadata { get; }

    /// <summary>How many of major, minor, patch were written (Flux only considers tags with all three).</summary>
    public int Parts { get; }

    [GeneratedRegex(@"^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?$")]
    private static partial Regex Loose();

    public static SemanticVersion Parse(string text) =>
        TryParse(text, out var version) ? version : throw new FormatException($"invalid semantic version '{text}'");

    public static bool TryParse(string? text, out SemanticVersion version)
    {
        version = null!;
        if (text is null)
            return false;
        var match = Loose().Match(text);
        if (!match.Success)
            return false;
        if (!long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var major))
            return false;
        long minor = 0, patch = 0;
        if (match.Groups[2].Success && !long.TryParse(match.Groups[2].Value[1..], NumberStyles.None, CultureInfo.InvariantCulture, out minor))
            return false;
        if (match.Groups[3].Success && !long.TryParse(match.Groups[3].Value[1..], NumberStyles.None, CultureInfo.InvariantCulture, out patch))
            return false;
        var parts = 1 + (match.Groups[2].Success ? 1 : 0) + (match.Groups[3].Success ? 1 : 0);
        version = new SemanticVersion(text, major, minor, patch, match.Groups[5].Value, match.Groups[8].Value, parts);
        return true;
    }

    public int CompareTo(SemanticVersion? other)
    {
        if (other is null)
            return 1;
        var result = Major.CompareTo(other.Major);
        if (result == 0)
            result = Minor.CompareTo(other.Minor);
        if (result == 0)
            result = Patch.CompareTo(other.Patch);
        return result != 0 ? result : ComparePrerelease(Prerelease, other.Prerelease);
    }

    private static int ComparePrerelease(string a, string b)
    {
        if (a == b)
            return 0;
        if (a.Length == 0)
            return 1;
        if (b.Length == 0)
            return -1;
        var left = a.Split('.');
        var right = b.Split('.');
        for (var i = 0; i < Math.Min(left.Length, right.Length); i++)
        {
            var leftNumeric = long.TryParse(left[i], NumberStyles.None, CultureInfo.InvariantCulture, out var l);
            var rightNumeric = long.TryParse(right[i], NumberStyles.None, CultureInfo.InvariantCulture, out var r);
            var result = (leftNumeric, rightNumeric) switch
            {
                (true, true) => l.CompareTo(r),
                (true, false) => -1,
                (false, true) => 1,
                _ => string.CompareOrdinal(left[i], right[i]),
            };
            if (result != 0)
                return result;
        }
        return left.Length.CompareTo(right.Length);
    }

    public bool Equals(SemanticVersion? other) => other is not null && CompareTo(other) == 0;

    public override bool Equals(object? obj) => obj is SemanticVersion other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Major, Minor, Patch, Prerelease);

    public override string ToString() => Original;
}
