using System.Globalization;
using System.Text;
using Tide.Engine.Helm.Template;

namespace Tide.Engine.Helm.Yaml;

/// <summary>TOML as Helm's toToml/fromToml see it (BurntSushi/toml): sorted keys, plain values before tables,
/// nested keys indented two spaces per level, floats always with a fraction.</summary>
public static class GoToml
{
    public static string Encode(Dictionary<string, object?> map)
    {
        var sb = new StringBuilder();
        EncodeTable(sb, [], map);
        return sb.ToString();
    }

    private static void EncodeTable(StringBuilder sb, List<string> key, Dictionary<string, object?> map)
    {
        var keys = GoValue.SortedKeys(map);
        foreach (var k in keys)
        {
            var v = map[k];
            if (v is null || v is Dictionary<string, object?> || IsTableArray(v))
                continue;
            sb.Append(new string(' ', 2 * key.Count)).Append(QuoteKey(k)).Append(" = ");
            WriteValue(sb, v);
            sb.Append('\n');
        }
        foreach (var k in keys)
        {
            var path = new List<string>(key) { k };
            if (map[k] is Dictionary<string, object?> sub)
            {
                if (sb.Length > 0) sb.Append('\n');
                sb.Append(new string(' ', 2 * key.Count)).Append('[').Append(string.Join('.', path.Select(QuoteKey))).Append("]\n");
                EncodeTable(sb, path, sub);
            }
            else if (IsTableArray(map[k]))
            {
                foreach (var item in (List<object?>)map[k]!)
                {
                    if (sb.Length > 0) sb.Append('\n');
                    sb.Append(new string(' ', 2 * key.Count)).Append("[[").Append(string.Join('.', path.Select(QuoteKey))).Append("]]\n");
                    EncodeTable(sb, path, (Dictionary<string, object?>)item!);
                }
            }
        }
    }

    private static bool IsTableArray(object? v) => v is List<object?> { Count: > 0 } l && l.All(x => x is Dictionary<string, object?>);

    private static string QuoteKey(string k) =>
        k.Length > 0 && k.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-') ? k : GoFormat.GoQuote(k);

    private static void WriteValue(StringBuilder sb, object? v)
    {
        switch (v)
        {
            case bool b: sb.Append(b ? "true" : "false"); break;
            case int or long or ulong: sb.Append(GoValue.Format(v)); break;
            case double d:
                var s = GoValue.FormatFloat(d, 'f', -1);
                sb.Append(s.Contains('.') || s.Contains('e') ? s : s + ".0");
                break;
            case string str: sb.Append(GoFormat.GoQuote(str)); break;
            case List<object?> list:
                sb.Append('[');
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    WriteValue(sb, list[i]);
                }
                sb.Append(']');
                break;
            default: sb.Append(GoFormat.GoQuote(GoValue.Format(v))); break;
        }
    }

    /// <summary>A small TOML reader: tables, arrays of tables, key = value with strings, numbers, bools, arrays and
    /// inline tables.</summary>
    public static Dictionary<string, object?> Decode(string text)
    {
        var root = new Dictionary<string, object?>();
        var current = root;
        var lineNo = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNo++;
            var line = StripComment(rawLine).Trim();
            if (line.Length == 0)
                continue;
            if (line.StartsWith("[[") && line.EndsWith("]]"))
            {
                var path = line[2..^2].Trim().Split('.').Select(p => p.Trim().Trim('"')).ToArray();
                var parent = Descend(root, path[..^1]);
                if (!parent.TryGetValue(path[^1], out var arr) || arr is not List<object?> list)
                    parent[path[^1]] = list = [];
                current = [];
                list.Add(current);
                continue;
            }
            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                current = Descend(root, line[1..^1].Trim().Split('.').Select(p => p.Trim().Trim('"')).ToArray());
                continue;
            }
            var eq = line.IndexOf('=');
            if (eq < 0)
                throw new FormatException($"toml: line {lineNo}: expected key = value");
            var key = line[..eq].Trim().Trim('"');
            var pos = 0;
            var valueText = line[(eq + 1)..].Trim();
            current[key] = ReadValue(valueText, ref pos, lineNo);
        }
        return root;
    }

    private static string StripComment(string line)
    {
        var inString = false;
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '"' && (i == 0 || line[i - 1] != '\\')) inString = !inString;
            if (line[i] == '#' && !inString) return line[..i];
        }
        return line;
    }

    private static Dictionary<string, object?> Descend(Dictionary<string, object?> root, string[] path)
    {
        var m = root;
        foreach (var p in path)
        {
            if (!m.TryGetValue(p, out var next) || next is not Dictionary<string, object?> nm)
            {
                if (next is List<object?> { Count: > 0 } l && l[^1] is Dictionary<string, object?> last)
                {
                    m = last;
                    continue;
                }
                m[p] = nm = [];
            }
            m = nm;
        }
        return m;
    }

    private static object? ReadValue(string s, ref int i, int lineNo)
    {
        while (i < s.Length && s[i] == ' ') i++;
        if (i >= s.Length)
            throw new FormatException($"toml: line {lineNo}: expected value");
        var c = s[i];
        if (c == '"')
        {
            var sb = new StringBuilder();
            i++;
            while (i < s.Length && s[i] != '"')
            {
                if (s[i] == '\\' && i + 1 < s.Length)
                {
                    i++;
                    sb.Append(s[i] switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => s[i] });
                }
                else
                {
                    sb.Append(s[i]);
                }
                i++;
            }
            i++;
            return sb.ToString();
        }
        if (c == '\'')
        {
            var end = s.IndexOf('\'', i + 1);
            var str = s[(i + 1)..end];
            i = end + 1;
            return str;
        }
        if (c == '[')
        {
            i++;
            var list = new List<object?>();
            while (true)
            {
                while (i < s.Length && s[i] is ' ' or ',') i++;
                if (i < s.Length && s[i] == ']')
                {
                    i++;
                    return list;
                }
                list.Add(ReadValue(s, ref i, lineNo));
            }
        }
        if (c == '{')
        {
            i++;
            var map = new Dictionary<string, object?>();
            while (true)
            {
                while (i < s.Length && s[i] is ' ' or ',') i++;
                if (i < s.Length && s[i] == '}')
                {
                    i++;
                    return map;
                }
                var eq = s.IndexOf('=', i);
                var key = s[i..eq].Trim().Trim('"');
                i = eq + 1;
                map[key] = ReadValue(s, ref i, lineNo);
            }
        }
        var start = i;
        while (i < s.Length && s[i] is not (',' or ']' or '}' or ' ')) i++;
        var token = s[start..i];
        if (token == "true") return true;
        if (token == "false") return false;
        var clean = token.Replace("_", "");
        if (long.TryParse(clean, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return l;
        if (double.TryParse(clean, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
        throw new FormatException($"toml: line {lineNo}: invalid value {token}");
    }
}
