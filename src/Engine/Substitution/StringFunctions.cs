using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Tide.Engine.Substitution;

/// <summary>
/// The string operators of Flux's envsubst. Lengths and offsets count UTF-8 bytes, as Go strings do; patterns are shell
/// globs in which <c>*</c> also matches <c>/</c>; a malformed pattern or number leaves the value unchanged, as in Flux.
/// </summary>
internal static class StringFunctions
{
    public static string Apply(string op, string value, IReadOnlyList<string> args) => op switch
    {
        "," => value.Length == 0 ? value : char.ToLowerInvariant(value[0]) + value[1..],
        ",," => value.ToLowerInvariant(),
        "^" => value.Length == 0 ? value : char.ToUpperInvariant(value[0]) + value[1..],
        "^^" => value.ToUpperInvariant(),
        "#" when args.Count == 0 => Encoding.UTF8.GetByteCount(value).ToString(CultureInfo.InvariantCulture),
        "#" => TrimShortest(value, args[0]),
        "##" => TrimLongest(value, args[0]),
        "%" => Reverse(TrimShortest(Reverse(value), Reverse(args[0]))),
        "%%" => Reverse(TrimLongest(Reverse(value), Reverse(args[0]))),
        ":" => Substring(value, args),
        "/#" => args.Count == 2 && value.StartsWith(args[0], StringComparison.Ordinal) ? args[1] + value[args[0].Length..] : value,
        "/%" => args.Count == 2 && value.EndsWith(args[0], StringComparison.Ordinal) ? value[..^args[0].Length] + args[1] : value,
        "/" => ReplaceFirst(value, args),
        "//" => args.Count == 0 || args[0].Length == 0 ? value : value.Replace(args[0], args.Count > 1 ? args[1] : "", StringComparison.Ordinal),
        _ => value.Length == 0 && args.Count > 0 ? string.Concat(args) : value,
    };

    private static string ReplaceFirst(string value, IReadOnlyList<string> args)
    {
        if (args.Count == 0)
            return value;
        var at = value.IndexOf(args[0], StringComparison.Ordinal);
        return at < 0 ? value : value[..at] + (args.Count > 1 ? args[1] : "") + value[(at + args[0].Length)..];
    }

    private static string Substring(string value, IReadOnlyList<string> args)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        if (!TryParseGoInt(args[0], out var pos))
            return value;
        if (pos < 0)
            pos = Math.Max(0, bytes.Length + pos);
        if (pos >= bytes.Length)
            return "";
        if (args.Count == 1)
            return Encoding.UTF8.GetString(bytes, pos, bytes.Length - pos);
        if (!TryParseGoInt(args[1], out var length))
            return value;
        if (pos + length >= bytes.Length)
            return Encoding.UTF8.GetString(bytes, pos, bytes.Length - pos);
        // A negative length past the offset is a slice error in Go; the value passes through unchanged instead.
        return length < 0 ? value : Encoding.UTF8.GetString(bytes, pos, length);
    }

    private static bool TryParseGoInt(string text, out int value) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    /// <summary>Removes the shortest non-empty prefix that matches the whole pattern.</summary>
    private static string TrimShortest(string value, string pattern)
    {
        if (Glob(pattern) is not { } glob)
            return value;
        for (var length = 1; length <= value.Length; length++)
            if (glob.IsMatch(value[..length]))
                return value[length..];
        return value;
    }

    private static string TrimLongest(string value, string pattern)
    {
        if (Glob(pattern) is not { } glob)
            return value;
        for (var length = value.Length; length >= 1; length--)
            if (glob.IsMatch(value[..length]))
                return value[length..];
        return value;
    }

    private static string Reverse(string value)
    {
        var chars = value.ToCharArray();
        Array.Reverse(chars);
        return new string(chars);
    }

    /// <summary>A shell glob as a whole-string regex, or null when the pattern is malformed.</summary>
    private static Regex? Glob(string pattern)
    {
        var regex = new StringBuilder(@"\A");
        for (var i = 0; i < pattern.Length; i++)
        {
            switch (pattern[i])
            {
                case '*':
                    regex.Append(".*");
                    break;
                case '?':
                    regex.Append('.');
                    break;
                case '\\':
                    if (++i == pattern.Length)
                        return null;
                    regex.Append(Regex.Escape(pattern[i].ToString()));
                    break;
                case '[':
                    var end = pattern.IndexOf(']', i + 2);
                    if (end < 0)
                        return null;
                    var body = pattern[(i + 1)..end];
                    var negated = body.StartsWith('^');
                    if (negated)
                        body = body[1..];
                    if (body.Length == 0)
                        return null;
                    regex.Append('[').Append(negated ? "^" : "")
                        .Append(body.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("[", @"\[", StringComparison.Ordinal))
                        .Append(']');
                    i = end;
                    break;
                default:
                    regex.Append(Regex.Escape(pattern[i].ToString()));
                    break;
            }
        }
        return new Regex(regex.Append(@"\z").ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant);
    }
}
