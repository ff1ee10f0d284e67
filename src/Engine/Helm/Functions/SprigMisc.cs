using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Tide.Engine.Helm.Template;
using static Tide.Engine.Helm.Functions.GoCast;
using P = Tide.Engine.Helm.Template.GoParam;

namespace Tide.Engine.Helm.Functions;

/// <summary>Sprig v3 defaults, type checks, encodings, hashes, regular expressions, semver and random values.</summary>
public static class SprigMisc
{
    public static IEnumerable<GoFunction> All() =>
    [
        GoFunction.Variadic("default", P.Any, a => a.Length < 2 || Empty(a[1]) ? a[0] : a[1], P.Any),
        GoFunction.Fixed("empty", a => Empty(a[0]), P.Any),
        GoFunction.Variadic("coalesce", P.Any, a => a.FirstOrDefault(x => !Empty(x))),
        GoFunction.Variadic("all", P.Any, a => a.All(x => !Empty(x))),
        GoFunction.Variadic("any", P.Any, a => a.Any(x => !Empty(x))),
        GoFunction.Fixed("ternary", a => (bool)a[2]! ? a[0] : a[1], P.Any, P.Any, P.Bool),
        GoFunction.Fixed("fail", a => throw new FunctionException((string)a[0]!, isFail: true), P.String),
        GoFunction.Fixed("typeOf", a => GoValue.TypeName(a[0]), P.Any),
        GoFunction.Fixed("typeIs", a => (string)a[0]! == GoValue.TypeName(a[1]), P.String, P.Any),
        GoFunction.Fixed("typeIsLike", a => (string)a[0]! == GoValue.TypeName(a[1]) || "*" + (string)a[0]! == GoValue.TypeName(a[1]), P.String, P.Any),
        GoFunction.Fixed("kindOf", a => GoValue.KindName(a[0]), P.Any),
        GoFunction.Fixed("kindIs", a => (string)a[0]! == GoValue.KindName(a[1]), P.String, P.Any),
        GoFunction.Fixed("deepEqual", a => DeepEqual(a[0], a[1]), P.Any, P.Any),
        GoFunction.Fixed("b64enc", a => Convert.ToBase64String(Encoding.UTF8.GetBytes((string)a[0]!)), P.String),
        GoFunction.Fixed("b64dec", a => B64Dec((string)a[0]!), P.String),
        GoFunction.Fixed("b32enc", a => Base32Encode(Encoding.UTF8.GetBytes((string)a[0]!)), P.String),
        GoFunction.Fixed("sha1sum", a => Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes((string)a[0]!))), P.String),
        GoFunction.Fixed("sha256sum", a => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes((string)a[0]!))), P.String),
        GoFunction.Fixed("sha512sum", a => Convert.ToHexStringLower(SHA512.HashData(Encoding.UTF8.GetBytes((string)a[0]!))), P.String),
        GoFunction.Fixed("adler32sum", a => Adler32(Encoding.UTF8.GetBytes((string)a[0]!)).ToString(System.Globalization.CultureInfo.InvariantCulture), P.String),
        // regexMatch alone swallows a bad pattern (false); the others fail with it, the must forms as an error
        // and the plain forms as regexp.MustCompile's panic, which text/template reports the same way.
        GoFunction.Fixed("regexMatch", a => TryRe((string)a[0]!)?.IsMatch((string)a[1]!) ?? false, P.String, P.String),
        GoFunction.Fixed("mustRegexMatch", a => Re((string)a[0]!).IsMatch((string)a[1]!), P.String, P.String),
        GoFunction.Fixed("regexFind", a => Find(MustCompile((string)a[0]!), (string)a[1]!), P.String, P.String),
        GoFunction.Fixed("mustRegexFind", a => Find(Re((string)a[0]!), (string)a[1]!), P.String, P.String),
        GoFunction.Fixed("regexFindAll", a => FindAll(MustCompile((string)a[0]!), (string)a[1]!, (int)a[2]!), P.String, P.String, P.Int),
        GoFunction.Fixed("mustRegexFindAll", a => FindAll(Re((string)a[0]!), (string)a[1]!, (int)a[2]!), P.String, P.String, P.Int),
        GoFunction.Fixed("regexReplaceAll", a => ReplaceAll(MustCompile((string)a[0]!), (string)a[1]!, (string)a[2]!, literal: false), P.String, P.String, P.String),
        GoFunction.Fixed("mustRegexReplaceAll", a => ReplaceAll(Re((string)a[0]!), (string)a[1]!, (string)a[2]!, literal: false), P.String, P.String, P.String),
        GoFunction.Fixed("regexReplaceAllLiteral", a => ReplaceAll(MustCompile((string)a[0]!), (string)a[1]!, (string)a[2]!, literal: true), P.String, P.String, P.String),
        GoFunction.Fixed("mustRegexReplaceAllLiteral", a => ReplaceAll(Re((string)a[0]!), (string)a[1]!, (string)a[2]!, literal: true), P.String, P.String, P.String),
        GoFunction.Fixed("regexSplit", a => RegexSplit(MustCompile((string)a[0]!), (string)a[1]!, (int)a[2]!), P.String, P.String, P.Int),
        GoFunction.Fixed("mustRegexSplit", a => RegexSplit(Re((string)a[0]!), (string)a[1]!, (int)a[2]!), P.String, P.String, P.Int),
        GoFunction.Fixed("b32dec", a => B32Dec((string)a[0]!), P.String),
        GoFunction.Fixed("hello", _ => "Hello!", []),
        // helm replaces Sprig's getHostByName unless DNS lookups are enabled (--enable-dns), which Tide never does.
        GoFunction.Fixed("getHostByName", _ => "", P.String),
        GoFunction.Fixed("regexQuoteMeta", a => QuoteMeta((string)a[0]!), P.String),
        GoFunction.Fixed("semver", a => Semver.Parse((string)a[0]!), P.String),
        GoFunction.Fixed("semverCompare", a => SemverCompare((string)a[0]!, (string)a[1]!), P.String, P.String),
        GoFunction.Fixed("randAlphaNum", a => RandomString((int)a[0]!, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"), P.Int),
        GoFunction.Fixed("randAlpha", a => RandomString((int)a[0]!, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"), P.Int),
        GoFunction.Fixed("randNumeric", a => RandomString((int)a[0]!, "0123456789"), P.Int),
        GoFunction.Fixed("randAscii", a => RandomString((int)a[0]!, string.Concat(Enumerable.Range(32, 95).Select(i => (char)i))), P.Int),
        GoFunction.Fixed("uuidv4", _ => Guid.NewGuid().ToString(), []),
        GoFunction.Fixed("urlParse", a => UrlParse((string)a[0]!), P.String),
        GoFunction.Fixed("urlJoin", a => UrlJoin((Dictionary<string, object?>?)a[0] ?? []), P.Map),
    ];

    private static object B64Dec(string s)
    {
        try { return Encoding.UTF8.GetString(Convert.FromBase64String(s)); }
        catch (FormatException) { return "illegal base64 data at input byte 0"; }
    }

    private static string Base32Encode(byte[] data)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var sb = new StringBuilder();
        for (var i = 0; i < data.Length; i += 5)
        {
            var chunk = new byte[5];
            var n = Math.Min(5, data.Length - i);
            Array.Copy(data, i, chunk, 0, n);
            ulong buffer = 0;
            foreach (var b in chunk) buffer = (buffer << 8) | b;
            var chars = (n * 8 + 4) / 5;
            for (var j = 0; j < 8; j++)
                sb.Append(j < chars ? alphabet[(int)((buffer >> (35 - j * 5)) & 31)] : '=');
        }
        return sb.ToString();
    }

    private static uint Adler32(byte[] data)
    {
        uint a = 1, b = 0;
        foreach (var x in data)
        {
            a = (a + x) % 65521;
            b = (b + a) % 65521;
        }
        return (b << 16) | a;
    }

    private static Regex? TryRe(string pattern)
    {
        try { return new Regex(DotNetSyntax(pattern), RegexOptions.CultureInvariant); }
        catch (ArgumentException) { return null; }
    }

    private static string Find(Regex re, string s) => re.Match(s) is { Success: true } m ? m.Value : "";

    /// <summary>Sprig's base32decode: the text, or the decoder's error as the result.</summary>
    private static string B32Dec(string s)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '=')
                break;
            var v = alphabet.IndexOf(c, StringComparison.Ordinal);
            if (v < 0)
                return $"illegal base32 data at input byte {i}";
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                bytes.Add((byte)(buffer >> bits));
                buffer &= (1 << bits) - 1;
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>regexp.MustCompile: a bad pattern panics, and text/template reports the panic's text.</summary>
    private static Regex MustCompile(string pattern)
    {
        try { return Re(pattern); }
        catch (FunctionException e) { throw new FunctionException($"regexp: Compile({Backquoted(pattern)}): {e.Message}"); }
    }

    /// <summary>regexp's quote: backquoted when strconv.CanBackquote allows it, else Go-quoted.</summary>
    private static string Backquoted(string s) =>
        s.Any(c => c == '`' || (char.IsControl(c) && c != '\t')) ? GoFormat.GoQuote(s) : "`" + s + "`";

    private static Regex Re(string pattern)
    {
        try { return new Regex(DotNetSyntax(pattern), RegexOptions.CultureInvariant); }
        catch (RegexParseException e) { throw new FunctionException("error parsing regexp: " + GoRegexpError(e, pattern)); }
    }

    /// <summary>RE2 names groups (?P&lt;name&gt;...); .NET knows them as (?&lt;name&gt;...).</summary>
    private static string DotNetSyntax(string pattern) => pattern.Replace("(?P<", "(?<", StringComparison.Ordinal);

    /// <summary>Go's regexp/syntax wording for the errors .NET reports on the same patterns.</summary>
    private static string GoRegexpError(RegexParseException e, string pattern)
    {
        var at = Math.Clamp(e.Offset - 1, 0, Math.Max(0, pattern.Length - 1));
        return e.Error switch
        {
            RegexParseError.InsufficientClosingParentheses => $"missing closing ): `{pattern}`",
            RegexParseError.InsufficientOpeningParentheses => $"unexpected ): `{pattern}`",
            RegexParseError.UnterminatedBracket => $"missing closing ]: `{pattern[Math.Max(0, pattern.LastIndexOf('['))..]}`",
            RegexParseError.QuantifierAfterNothing => $"missing argument to repetition operator: `{pattern[at]}`",
            RegexParseError.NestedQuantifiersNotParenthesized => $"invalid nested repetition operator: `{pattern[Math.Max(0, at - 1)..(at + 1)]}`",
            RegexParseError.UnrecognizedEscape => $"invalid escape sequence: `{pattern[Math.Max(0, at - 1)..(at + 1)]}`",
            RegexParseError.ReversedCharacterRange => $"invalid character class range: `{pattern[Math.Max(0, at - 2)..(at + 1)]}`",
            RegexParseError.UnescapedEndingBackslash => "trailing backslash at end of expression: ``",
            _ => e.Message,
        };
    }

    /// <summary>Go's regexp.Expand template syntax ($1, ${1}, ${name}) as .NET replacement text.</summary>
    private static string GoExpand(string repl) =>
        Regex.Replace(repl, @"\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))", m =>
            m.Groups[1].Value == "$" ? "$$" : "${" + (m.Groups[2].Success ? m.Groups[2].Value : m.Groups[3].Value) + "}");

    /// <summary>regexp's FindAll: an empty match right after the previous match is skipped, as Go does.</summary>
    private static List<Match> GoMatches(Regex re, string s, int n)
    {
        var matches = new List<Match>();
        var previousEnd = -1;
        foreach (Match m in re.Matches(s))
        {
            if (n >= 0 && matches.Count == n)
                break;
            if (m.Length == 0 && m.Index == previousEnd)
                continue;
            matches.Add(m);
            previousEnd = m.Index + m.Length;
        }
        return matches;
    }

    /// <summary>regexp's ReplaceAllString (with $1/${name} expansion) or ReplaceAllLiteralString, over Go's matches.</summary>
    private static string ReplaceAll(Regex re, string s, string replacement, bool literal)
    {
        var sb = new StringBuilder();
        var last = 0;
        var expand = literal ? null : GoExpand(replacement);
        foreach (var m in GoMatches(re, s, -1))
        {
            sb.Append(s, last, m.Index - last).Append(expand is null ? replacement : m.Result(expand));
            last = m.Index + m.Length;
        }
        return sb.Append(s, last, s.Length - last).ToString();
    }

    private static List<object?> FindAll(Regex re, string s, int n) =>
        GoMatches(re, s, n).Select(m => (object?)m.Value).ToList();

    /// <summary>Go's regexp.Split.</summary>
    private static List<object?> RegexSplit(Regex re, string s, int n)
    {
        if (n == 0)
            return [];
        if (re.ToString().Length > 0 && s.Length == 0)
            return [""];
        var result = new List<object?>();
        int beg = 0, end = 0;
        foreach (var m in GoMatches(re, s, n))
        {
            if (n > 0 && result.Count == n - 1)
                break;
            end = m.Index;
            if (m.Index + m.Length != 0)
                result.Add(s[beg..end]);
            beg = m.Index + m.Length;
        }
        if (end != s.Length)
            result.Add(s[beg..]);
        return result;
    }

    private static string QuoteMeta(string s)
    {
        var sb = new StringBuilder();
        foreach (var c in s)
        {
            if (@"\.+*?()|[]{}^$".Contains(c)) sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }

    private static bool SemverCompare(string constraint, string version)
    {
        if (!Semver.TryParse(version, out var v))
            throw new FunctionException("invalid semantic version");
        return Semver.Satisfies(constraint, v!);
    }

    private static string RandomString(int count, string alphabet) =>
        string.Concat(Enumerable.Range(0, Math.Max(0, count)).Select(_ => alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)]));

    private static Dictionary<string, object?> UrlParse(string s)
    {
        if (!Uri.TryCreate(s, UriKind.RelativeOrAbsolute, out var u) || !u.IsAbsoluteUri)
            throw new FunctionException($"unable to parse url: {s}");
        var host = u.IsDefaultPort && !s.Contains(":" + u.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)) ? u.Host : u.Host + ":" + u.Port;
        return new Dictionary<string, object?>
        {
            ["scheme"] = u.Scheme,
            ["host"] = host,
            ["hostname"] = u.Host,
            ["path"] = u.AbsolutePath,
            ["query"] = u.Query.TrimStart('?'),
            ["opaque"] = "",
            ["fragment"] = u.Fragment.TrimStart('#'),
            ["userinfo"] = u.UserInfo,
        };
    }

    private static string UrlJoin(Dictionary<string, object?> d)
    {
        string Get(string k) => d.TryGetValue(k, out var v) && v is not null ? StrVal(v) : "";
        var sb = new StringBuilder();
        if (Get("scheme").Length > 0) sb.Append(Get("scheme")).Append(':');
        if (Get("host").Length > 0 || Get("scheme").Length > 0)
        {
            sb.Append("//");
            if (Get("userinfo").Length > 0) sb.Append(Get("userinfo")).Append('@');
            sb.Append(Get("host"));
        }
        var path = Get("path");
        if (path.Length > 0 && !path.StartsWith('/') && sb.Length > 0) sb.Append('/');
        sb.Append(path);
        if (Get("query").Length > 0) sb.Append('?').Append(Get("query"));
        if (Get("fragment").Length > 0) sb.Append('#').Append(Get("fragment"));
        return sb.ToString();
    }
}
