using System.Globalization;
using System.Text;

namespace Tide.Engine.Helm.Charts;

/// <summary>Helm's strvals: `--set a.b=c,list[0]=x` into a values map; ints become int64, true/false bools,
/// null nil, everything else strings.</summary>
public static class StrVals
{
    public static void ParseInto(string set, Dictionary<string, object?> values)
    {
        foreach (var pair in SplitUnescaped(set, ','))
        {
            if (pair.Length == 0)
                continue;
            var eq = IndexUnescaped(pair, '=');
            if (eq < 0)
                throw new ChartException($"key \"{pair}\" has no value");
            var key = pair[..eq];
            var value = Unescape(pair[(eq + 1)..]);
            SetPath(values, SplitUnescaped(key, '.').Select(Unescape).ToList(), Typed(value));
        }
    }

    private static object? Typed(string val)
    {
        if (val.Equals("true", StringComparison.OrdinalIgnoreCase)) return true;
        if (val.Equals("false", StringComparison.OrdinalIgnoreCase)) return false;
        if (val.Equals("null", StringComparison.OrdinalIgnoreCase)) return null;
        if (val == "0") return 0L;
        if (val.Length > 0 && val[0] != '0' &&
            long.TryParse(val, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
            return l;
        return val;
    }

    private static void SetPath(Dictionary<string, object?> map, List<string> parts, object? value)
    {
        var head = parts[0];
        var bracket = head.IndexOf('[');
        if (bracket >= 0 && head.EndsWith(']'))
        {
            var name = head[..bracket];
            var index = int.Parse(head[(bracket + 1)..^1], CultureInfo.InvariantCulture);
            var list = map.TryGetValue(name, out var existing) && existing is List<object?> l ? l : [];
            while (list.Count <= index)
                list.Add(null);
            if (parts.Count == 1)
            {
                list[index] = value;
            }
            else
            {
                var child = list[index] as Dictionary<string, object?> ?? [];
                SetPath(child, parts[1..], value);
                list[index] = child;
            }
            map[name] = list;
            return;
        }
        if (parts.Count == 1)
        {
            map[head] = value;
            return;
        }
        if (!map.TryGetValue(head, out var next) || next is not Dictionary<string, object?> nextMap)
            map[head] = nextMap = [];
        SetPath(nextMap, parts[1..], value);
    }

    private static int IndexUnescaped(string s, char c)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\') { i++; continue; }
            if (s[i] == c) return i;
        }
        return -1;
    }

    private static List<string> SplitUnescaped(string s, char sep)
    {
        var parts = new List<string>();
        var sb = new StringBuilder();
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 1 < s.Length)
            {
                sb.Append(s[i]).Append(s[i + 1]);
                i++;
                continue;
            }
            if (s[i] == sep)
            {
                parts.Add(sb.ToString());
                sb.Clear();
                continue;
            }
            sb.Append(s[i]);
        }
        parts.Add(sb.ToString());
        return parts;
    }

    private static string Unescape(string s)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 1 < s.Length)
                i++;
            sb.Append(s[i]);
        }
        return sb.ToString();
    }
}
