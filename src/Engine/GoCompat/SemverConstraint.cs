using System.Globalization;
using System.Text.RegularExpressions;

namespace Tide.Engine.GoCompat;

/// <summary>
/// A version range in Masterminds/semver syntax, as Flux accepts in spec.ref.semver: comparators joined by spaces or
/// commas (AND) and '||' (OR); operators = != &gt; &lt; &gt;= &lt;= ~ ~&gt; ^; wildcards x, X, * ("1.2.x", "*");
/// hyphen ranges ("1.2 - 1.4.5"). A prerelease version only satisfies a comparator that names a prerelease itself.
/// </summary>
public sealed partial class SemverConstraint
{
    private readonly IReadOnlyList<IReadOnlyList<Comparator>> _alternatives;

    private SemverConstraint(string text, IReadOnlyList<IReadOnlyList<Comparator>> alternatives)
    {
        Text = text;
        _alternatives = alternatives;
    }

    public string Text { get; }

    public override string ToString() => Text;

    public static SemverConstraint Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new FormatException("empty semver constraint");
        var alternatives = new List<IReadOnlyList<Comparator>>();
        foreach (var alternative in text.Split("||"))
        {
            var comparators = new List<Comparator>();
            var expanded = HyphenRange().Replace(alternative.Trim(), ">= $1, <= $2");
            // Operators may be separated from their version by spaces (">= 1.2"); glue them back before splitting.
            expanded = OperatorSpace().Replace(expanded, "$1");
            foreach (var part in expanded.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries))
                comparators.AddRange(ParseComparator(part, text));
            if (comparators.Count == 0)
                throw new FormatException($"improper constraint: {text}");
            alternatives.Add(comparators);
        }
        return new SemverConstraint(text, alternatives);
    }

    public static bool TryParse(string text, out SemverConstraint? constraint, out string? error)
    {
        try
        {
            (constraint, error) = (Parse(text), null);
            return true;
        }
        catch (FormatException e)
        {
            (constraint, error) = (null, e.Message);
            return false;
        }
    }

    public bool IsSatisfiedBy(SemanticVersion version) =>
        _alternatives.Any(all => all.All(c => c.IsSatisfiedBy(version)));

    [GeneratedRegex(@"(\S+)\s+-\s+(\S+)")]
    private static partial Regex HyphenRange();

    [GeneratedRegex(@"(=|!=|>|<|>=|=<|<=|~>|~|\^)\s+")]
    private static partial Regex OperatorSpace();

    [GeneratedRegex(@"^(=|!=|>=|=>|>|<=|=<|<|~>|~|\^)?v?(\*|[xX]|[0-9]+)(?:\.(\*|[xX]|[0-9]+))?(?:\.(\*|[xX]|[0-9]+))?(?:-([0-9A-Za-z\-.]+))?(?:\+[0-9A-Za-z\-.]+)?$")]
    private static partial Regex ComparatorSyntax();

    private static IEnumerable<Comparator> ParseComparator(string part, string text)
    {
        var match = ComparatorSyntax().Match(part);
        if (!match.Success)
            throw new FormatException($"improper constraint: {text}");
        var op = match.Groups[1].Value switch { "=>" => ">=", "=<" => "<=", "" => "=", var o => o };
        // Each of major, minor, patch is a number, a wildcard, or absent (null).
        long? Number(Group g) =>
            g.Success && g.Value is not ("*" or "x" or "X") ? long.Parse(g.Value, CultureInfo.InvariantCulture) : null;
        bool Wild(Group g) => !g.Success || g.Value is "*" or "x" or "X";
        var major = Number(match.Groups[2]);
        var minor = Number(match.Groups[3]);
        var patch = Number(match.Groups[4]);
        var prerelease = match.Groups[5].Success ? match.Groups[5].Value : "";
        // The lowest version the comparator names, and how many leading parts were pinned.
        var pinned = Wild(match.Groups[2]) ? 0 : Wild(match.Groups[3]) ? 1 : Wild(match.Groups[4]) ? 2 : 3;
        var floor = Version(major ?? 0, minor ?? 0, patch ?? 0, prerelease);
        var hasPrerelease = prerelease.Length > 0;

        // The version just above everything the pinned parts allow (1.2.x -> 1.3.0; 1.x -> 2.0.0).
        SemanticVersion Ceiling(int parts) => parts switch
        {
            <= 1 => Version((major ?? 0) + 1, 0, 0, ""),
            2 => Version(major ?? 0, (minor ?? 0) + 1, 0, ""),
            _ => Version(major ?? 0, minor ?? 0, (patch ?? 0) + 1, ""),
        };

        switch (op)
        {
            case "=" when pinned == 0:
                yield return new Comparator(">=", Version(0, 0, 0, ""), hasPrerelease);
                break;
            case "=" when pinned < 3:
                yield return new Comparator(">=", floor, hasPrerelease);
                yield return new Comparator("<", Ceiling(pinned), hasPrerelease);
                break;
            case "!=" when pinned < 3:
                yield return new Comparator("!range", floor, hasPrerelease, Ceiling(pinned));
                break;
            case ">" when pinned < 3:
                yield return new Comparator(">=", pinned == 0 ? Version(long.MaxValue, 0, 0, "") : Ceiling(pinned), hasPrerelease);
                break;
            case "<=" when pinned < 3:
                yield return new Comparator("<", pinned == 0 ? Version(long.MaxValue, 0, 0, "") : Ceiling(pinned), hasPrerelease);
                break;
            case "~" or "~>":
                // ~1.2.3 and ~1.2 allow patch changes; ~1 allows minor changes.
                yield return new Comparator(">=", floor, hasPrerelease);
                yield return new Comparator("<", Ceiling(pinned <= 1 ? 1 : 2), hasPrerelease);
                break;
            case "^":
                // ^ allows changes that do not modify the left-most non-zero part.
                yield return new Comparator(">=", floor, hasPrerelease);
                var upper = (major ?? 0) != 0 || pinned <= 1
                    ? Ceiling(1)
                    : (minor ?? 0) != 0 || pinned == 2
                        ? Ceiling(2)
                        : Ceiling(3);
                yield return new Comparator("<", upper, hasPrerelease);
                break;
            default:
                yield return new Comparator(op, floor, hasPrerelease);
                break;
        }
    }

    private static SemanticVersion Version(long major, long minor, long patch, string prerelease) =>
        SemanticVersion.Parse(string.Create(CultureInfo.InvariantCulture, $"{major}.{minor}.{patch}") + (prerelease.Length > 0 ? "-" + prerelease : ""));

    private sealed record Comparator(string Op, SemanticVersion Version, bool AllowsPrerelease, SemanticVersion? Ceiling = null)
    {
        public bool IsSatisfiedBy(SemanticVersion candidate)
        {
            if (candidate.Prerelease.Length > 0 && !AllowsPrerelease)
                return false;
            var c = candidate.CompareTo(Version);
            return Op switch
            {
                "=" => c == 0,
                "!=" => c != 0,
                ">" => c > 0,
                ">=" => c >= 0,
                "<" => c < 0,
                "<=" => c <= 0,
                "!range" => c < 0 || candidate.CompareTo(Ceiling) >= 0,
                _ => false,
            };
        }
    }
}
