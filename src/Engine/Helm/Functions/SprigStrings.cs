using System.Globalization;
using System.Text;
using Tide.Engine.Helm.Template;
using static Tide.Engine.Helm.Functions.GoCast;
using P = Tide.Engine.Helm.Template.GoParam;

namespace Tide.Engine.Helm.Functions;

/// <summary>Sprig v3 string functions.</summary>
public static class SprigStrings
{
    public static IEnumerable<GoFunction> All() =>
    [
        GoFunction.Fixed("upper", a => ((string)a[0]!).ToUpperInvariant(), P.String),
        GoFunction.Fixed("lower", a => ((string)a[0]!).ToLowerInvariant(), P.String),
        GoFunction.Fixed("title", a => Title((string)a[0]!), P.String),
        GoFunction.Fixed("untitle", a => Untitle((string)a[0]!), P.String),
        GoFunction.Fixed("camelcase", a => CamelCase((string)a[0]!), P.String),
        GoFunction.Fixed("snakecase", a => Delimited((string)a[0]!, '_'), P.String),
        GoFunction.Fixed("kebabcase", a => Delimited((string)a[0]!, '-'), P.String),
        GoFunction.Fixed("swapcase", a => SwapCase((string)a[0]!), P.String),
        GoFunction.Fixed("trim", a => ((string)a[0]!).Trim(GoSpace), P.String),
        GoFunction.Fixed("trimAll", a => ((string)a[1]!).Trim(((string)a[0]!).ToCharArray()), P.String, P.String),
        GoFunction.Fixed("trimSuffix", a => ((string)a[1]!).EndsWith((string)a[0]!, StringComparison.Ordinal) ? ((string)a[1]!)[..^((string)a[0]!).Length] : a[1], P.String, P.String),
        GoFunction.Fixed("trimPrefix", a => ((string)a[1]!).StartsWith((string)a[0]!, StringComparison.Ordinal) ? ((string)a[1]!)[((string)a[0]!).Length..] : a[1], P.String, P.String),
        GoFunction.Fixed("trunc", a => Trunc((int)a[0]!, (string)a[1]!), P.Int, P.String),
        GoFunction.Fixed("abbrev", a => Abbrev((int)a[0]!, (string)a[1]!), P.Int, P.String),
        GoFunction.Fixed("abbrevboth", a => AbbrevBoth((int)a[0]!, (int)a[1]!, (string)a[2]!), P.Int, P.Int, P.String),
        GoFunction.Fixed("trimall", a => ((string)a[1]!).Trim(((string)a[0]!).ToCharArray()), P.String, P.String),
        GoFunction.Fixed("substr", a => Substr((int)a[0]!, (int)a[1]!, (string)a[2]!), P.Int, P.Int, P.String),
        GoFunction.Fixed("repeat", a => string.Concat(Enumerable.Repeat((string)a[1]!, NonNegative((int)a[0]!))), P.Int, P.String),
        GoFunction.Fixed("replace", a => Replace((string)a[2]!, (string)a[0]!, (string)a[1]!), P.String, P.String, P.String),
        GoFunction.Fixed("contains", a => ((string)a[1]!).Contains((string)a[0]!, StringComparison.Ordinal), P.String, P.String),
        GoFunction.Fixed("hasPrefix", a => ((string)a[1]!).StartsWith((string)a[0]!, StringComparison.Ordinal), P.String, P.String),
        GoFunction.Fixed("hasSuffix", a => ((string)a[1]!).EndsWith((string)a[0]!, StringComparison.Ordinal), P.String, P.String),
        GoFunction.Variadic("cat", P.Any, a => string.Join(" ", a.Where(x => x is not null).Select(StrVal))),
        GoFunction.Fixed("nospace", a => string.Concat(((string)a[0]!).Where(c => !char.IsWhiteSpace(c))), P.String),
        GoFunction.Fixed("initials", a => string.Concat(((string)a[0]!).Split(GoSpace, StringSplitOptions.RemoveEmptyEntries).Select(w => w[0])), P.String),
        GoFunction.Fixed("wrap", a => Wrap((string)a[1]!, (int)a[0]!, "\n", wrapLongWords: false), P.Int, P.String),
        GoFunction.Fixed("wrapWith", a => Wrap((string)a[2]!, (int)a[0]!, (string)a[1]! is { Length: > 0 } sep ? sep : "\n", wrapLongWords: true), P.Int, P.String, P.String),
        GoFunction.Fixed("indent", a => Indent((int)a[0]!, (string)a[1]!), P.Int, P.String),
        GoFunction.Fixed("nindent", a => "\n" + Indent((int)a[0]!, (string)a[1]!), P.Int, P.String),
        GoFunction.Fixed("plural", a => (int)a[2]! == 1 ? a[0] : a[1], P.String, P.String, P.Int),
        GoFunction.Variadic("quote", P.Any, a => string.Join(" ", a.Where(x => x is not null).Select(x => GoFormat.GoQuote(StrVal(x))))),
        GoFunction.Variadic("squote", P.Any, a => string.Join(" ", a.Where(x => x is not null).Select(x => "'" + StrVal(x) + "'"))),
        GoFunction.Fixed("split", a => SplitMap(Split((string)a[1]!, (string)a[0]!)), P.String, P.String),
        GoFunction.Fixed("splitList", a => Split((string)a[1]!, (string)a[0]!).Select(x => (object?)x).ToList(), P.String, P.String),
        GoFunction.Fixed("splitn", a => SplitMap(SplitN((string)a[2]!, (string)a[0]!, (int)a[1]!)), P.String, P.Int, P.String),
        GoFunction.Fixed("join", a => string.Join((string)a[0]!, StrSlice(a[1])), P.String, P.Any),
        GoFunction.Fixed("sortAlpha", a => SortAlpha(a[0]), P.Any),
        GoFunction.Fixed("toString", a => StrVal(a[0]), P.Any),
        GoFunction.Fixed("toStrings", a => StrSlice(a[0]).Select(x => (object?)x).ToList(), P.Any),
        GoFunction.Fixed("shuffle", a => new string(((string)a[0]!).OrderBy(_ => Random.Shared.Next()).ToArray()), P.String),
    ];

    internal static readonly char[] GoSpace = [' ', '\t', '\n', '\r', '\v', '\f', '\u0085', '\u00A0'];

    private static Dictionary<string, object?> SplitMap(string[] parts)
    {
        var map = new Dictionary<string, object?>();
        for (var i = 0; i < parts.Length; i++)
            map["_" + i.ToString(CultureInfo.InvariantCulture)] = parts[i];
        return map;
    }

    private static string[] SplitN(string s, string sep, int n)
    {
        if (n == 0) return [];
        return n < 0 ? s.Split(sep) : s.Split(sep, n);
    }

    private static List<object?> SortAlpha(object? v)
    {
        var list = StrSlice(v);
        list.Sort(string.CompareOrdinal);
        return list.Select(x => (object?)x).ToList();
    }

    /// <summary>strings.Repeat's count: a negative one panics.</summary>
    private static int NonNegative(int count) =>
        count >= 0 ? count : throw new FunctionException("strings: negative Repeat count");

    /// <summary>strings.Replace: an empty old string matches before every character and at the end.</summary>
    private static string Replace(string s, string old, string replacement) =>
        old.Length > 0
            ? s.Replace(old, replacement, StringComparison.Ordinal)
            : replacement + string.Concat(s.EnumerateRunes().Select(r => r + replacement));

    /// <summary>strings.Split: an empty separator splits into characters.</summary>
    private static string[] Split(string s, string sep) =>
        sep.Length > 0 ? s.Split(sep) : s.EnumerateRunes().Select(r => r.ToString()).ToArray();

    public static string Indent(int spaces, string v)
    {
        var pad = new string(' ', NonNegative(spaces));
        return pad + v.Replace("\n", "\n" + pad, StringComparison.Ordinal);
    }

    private static string Trunc(int c, string s)
    {
        var b = Encoding.UTF8.GetBytes(s);
        if (c < 0 && b.Length + c > 0)
            return Encoding.UTF8.GetString(b[(b.Length + c)..]);
        if (c >= 0 && b.Length > c)
            return Encoding.UTF8.GetString(b[..c]);
        return s;
    }

    private static string Abbrev(int width, string s) => width < 4 ? s : AbbreviateFull(s, 0, width);

    private static string AbbrevBoth(int left, int right, string s) =>
        right < 4 || (left > 0 && right < 7) ? s : AbbreviateFull(s, left, right);

    /// <summary>goutils.AbbreviateFull (commons-lang's abbreviate with an offset), on bytes as Go slices strings.</summary>
    private static string AbbreviateFull(string s, int offset, int maxWidth)
    {
        var b = Encoding.UTF8.GetBytes(s);
        string Slice(int from, int to) => Encoding.UTF8.GetString(b, from, to - from);
        if (b.Length == 0 || maxWidth < 4)
            return "";
        if (b.Length <= maxWidth)
            return s;
        offset = Math.Min(offset, b.Length);
        if (b.Length - offset < maxWidth - 3)
            offset = b.Length - (maxWidth - 3);
        if (offset <= 4)
            return Slice(0, maxWidth - 3) + "...";
        if (maxWidth < 7)
            return "";
        if (offset + maxWidth - 3 < b.Length)
            return "..." + AbbreviateFull(Slice(offset, b.Length), 0, maxWidth - 3);
        return "..." + Slice(b.Length - (maxWidth - 3), b.Length);
    }

    private static string Substr(int start, int end, string s)
    {
        var b = Encoding.UTF8.GetBytes(s);
        if (start < 0)
            return Encoding.UTF8.GetString(b[..Math.Min(end, b.Length)]);
        if (end < 0 || end > b.Length)
            return Encoding.UTF8.GetString(b[Math.Min(start, b.Length)..]);
        return Encoding.UTF8.GetString(b[start..end]);
    }

    /// <summary>Go's strings.Title: upper-case the first letter of each word (words split at non-letters).</summary>
    private static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        var prev = ' ';
        foreach (var c in s)
        {
            var boundary = !(char.IsLetterOrDigit(prev) || prev == '_' || prev == '\'');
            sb.Append(boundary ? char.ToUpperInvariant(c) : c);
            prev = c;
        }
        return sb.ToString();
    }

    private static string Untitle(string s)
    {
        var sb = new StringBuilder(s.Length);
        var atWordStart = true;
        foreach (var c in s)
        {
            sb.Append(atWordStart ? char.ToLowerInvariant(c) : c);
            atWordStart = char.IsWhiteSpace(c);
        }
        return sb.ToString();
    }

    private static string SwapCase(string s) =>
        string.Concat(s.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.IsLower(c) ? char.ToUpperInvariant(c) : c));

    /// <summary>xstrings.ToCamelCase (v1.5.0): words separated by spaces, underscores or hyphens are joined, each
    /// started upper-case, and a word that starts upper-case has the capitals right after its first letter lowered
    /// ("HTTPServer" is "Httpserver", "FooBar" stays); leading and trailing separators stay, a run of them between
    /// words loses one, and a text of separators only gains one (as the library's loop does).</summary>
    private static string CamelCase(string s)
    {
        var runes = s.EnumerateRunes().Select(r => r.Value).ToList();
        if (runes.Count == 0)
            return "";
        if (runes.All(IsConnector))
            return s + char.ConvertFromUtf32(runes[^1]);
        var sb = new StringBuilder();
        var i = 0;
        while (i < runes.Count)
        {
            var start = i;
            var connector = IsConnector(runes[i]);
            while (i < runes.Count && IsConnector(runes[i]) == connector)
                i++;
            if (connector)
            {
                // Between two words one separator of the run is dropped; at either end all stay.
                var keep = start > 0 && i < runes.Count ? i - start - 1 : i - start;
                for (var k = start; k < start + keep; k++)
                    sb.Append(char.ConvertFromUtf32(runes[k]));
                continue;
            }
            var lowerCapitals = Rune.IsUpper(new Rune(runes[start]));
            sb.Append(char.ConvertFromUtf32(Upper(runes[start])));
            for (var k = start + 1; k < i; k++)
            {
                var r = new Rune(runes[k]);
                lowerCapitals &= Rune.IsUpper(r);
                sb.Append((lowerCapitals ? Rune.ToLowerInvariant(r) : r).ToString());
            }
        }
        return sb.ToString();
    }

    private static bool IsConnector(int r) => r is '-' or '_' || Rune.IsWhiteSpace(new Rune(r));

    private static int Upper(int r) => Rune.ToUpperInvariant(new Rune(r)).Value;

    /// <summary>xstrings.ToSnakeCase / ToKebabCase: words split at case changes, lower-cased, joined by a delimiter.</summary>
    private static string Delimited(string s, char delimiter)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (!char.IsLetterOrDigit(c))
            {
                if (current.Length > 0) words.Add(current.ToString());
                current.Clear();
                continue;
            }
            if (char.IsUpper(c) && current.Length > 0)
            {
                var prevLower = char.IsLower(s[i - 1]) || char.IsDigit(s[i - 1]);
                var nextLower = i + 1 < s.Length && char.IsLower(s[i + 1]);
                if (prevLower || (char.IsUpper(s[i - 1]) && nextLower))
                {
                    words.Add(current.ToString());
                    current.Clear();
                }
            }
            current.Append(char.ToLowerInvariant(c));
        }
        if (current.Length > 0) words.Add(current.ToString());
        return string.Join(delimiter, words);
    }

    /// <summary>goutils.WrapCustom: break lines longer than <paramref name="width"/> at spaces.</summary>
    /// <summary>goutils.WrapCustom: breaks at the last space within the width; a longer word is cut at the width
    /// (wrapWith) or left whole up to the next space (wrap).</summary>
    private static string Wrap(string s, int width, string newline, bool wrapLongWords)
    {
        if (s.Length == 0)
            return "";
        if (width < 1)
            width = 1;
        var sb = new StringBuilder();
        var offset = 0;
        while (s.Length - offset > width)
        {
            if (s[offset] == ' ')
            {
                offset++;
                continue;
            }
            var spaceToWrapAt = s.LastIndexOf(' ', offset + width, width + 1);
            if (spaceToWrapAt >= offset)
            {
                sb.Append(s, offset, spaceToWrapAt - offset).Append(newline);
                offset = spaceToWrapAt + 1;
            }
            else if (wrapLongWords)
            {
                sb.Append(s, offset, width).Append(newline);
                offset += width;
            }
            else
            {
                var next = s.IndexOf(' ', offset + width);
                if (next < 0)
                {
                    sb.Append(s, offset, s.Length - offset);
                    offset = s.Length;
                }
                else
                {
                    sb.Append(s, offset, next - offset).Append(newline);
                    offset = next + 1;
                }
            }
        }
        return sb.Append(s, offset, s.Length - offset).ToString();
    }
}
