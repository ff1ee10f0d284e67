using System.Globalization;
using System.Text;
using Tide.Engine.GoCompat;
using Tide.Engine.Helm.Template;

namespace Tide.Engine.Helm.Yaml;

/// <summary>Go's encoding/json for template values: Marshal (sorted keys, HTML escaping, Go float format) and
/// Unmarshal into interface{} (numbers become float64), with Go's error texts.</summary>
public static class GoJson
{
    public static string Marshal(object? v, bool escapeHtml = true, bool indent = false)
    {
        var sb = new StringBuilder();
        Write(sb, v, escapeHtml, indent ? 0 : -1);
        return sb.ToString();
    }

    private static void NewLine(StringBuilder sb, int level)
    {
        sb.Append('\n').Append(' ', level * 2);
    }

    private static void Write(StringBuilder sb, object? v, bool escapeHtml, int level)
    {
        switch (v)
        {
            case null: sb.Append("null"); break;
            case bool b: sb.Append(b ? "true" : "false"); break;
            case int or long or ulong: sb.Append(GoValue.Format(v)); break;
            case double d: sb.Append(FormatFloat(d)); break;
            case string s: WriteString(sb, s, escapeHtml); break;
            case byte[] bytes: sb.Append('"').Append(Convert.ToBase64String(bytes)).Append('"'); break;
            case List<object?> list:
                if (list.Count == 0)
                {
                    sb.Append("[]");
                    break;
                }
                sb.Append('[');
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    if (level >= 0) NewLine(sb, level + 1);
                    Write(sb, list[i], escapeHtml, level >= 0 ? level + 1 : -1);
                }
                if (level >= 0) NewLine(sb, level);
                sb.Append(']');
                break;
            case Dictionary<string, object?> map:
                WriteMap(sb, GoValue.SortedKeys(map).Select(k => new KeyValuePair<string, object?>(k, map[k])).ToList(), escapeHtml, level);
                break;
            case IGoMap goMap:
                WriteMap(sb, goMap.SortedEntries, escapeHtml, level);
                break;
            case IJsonValue j:
                Write(sb, j.ToJsonValue(), escapeHtml, level);
                break;
            default:
                WriteString(sb, GoValue.Format(v), escapeHtml);
                break;
        }
    }

    private static void WriteMap(StringBuilder sb, IReadOnlyList<KeyValuePair<string, object?>> entries, bool escapeHtml, int level)
    {
        if (entries.Count == 0)
        {
            sb.Append("{}");
            return;
        }
        sb.Append('{');
        for (var i = 0; i < entries.Count; i++)
        {
            if (i > 0) sb.Append(',');
            if (level >= 0) NewLine(sb, level + 1);
            WriteString(sb, entries[i].Key, escapeHtml);
            sb.Append(level >= 0 ? ": " : ":");
            Write(sb, entries[i].Value, escapeHtml, level >= 0 ? level + 1 : -1);
        }
        if (level >= 0) NewLine(sb, level);
        sb.Append('}');
    }

    /// <summary>encoding/json's float format: shortest digits, exponent form below 1e-6 and from 1e21.</summary>
    public static string FormatFloat(double d)
    {
        if (double.IsNaN(d) || double.IsInfinity(d))
            throw new FunctionException("json: unsupported value: " + GoValue.FormatFloat(d, 'g', -1));
        var abs = Math.Abs(d);
        if (abs != 0 && (abs < 1e-6 || abs >= 1e21))
        {
            var s = GoValue.FormatFloat(d, 'e', -1);
            var n = s.Length;
            if (n >= 4 && s[n - 4] == 'e' && s[n - 3] == '-' && s[n - 2] == '0')
                s = s[..(n - 2)] + s[n - 1];
            return s;
        }
        return GoValue.FormatFloat(d, 'f', -1);
    }

    private static void WriteString(StringBuilder sb, string s, bool escapeHtml) => GoJsonString.Write(sb, s, escapeHtml);

    /// <summary>json.Unmarshal into interface{}; throws <see cref="FormatException"/> with Go's message.</summary>
    public static object? Parse(string text)
    {
        var p = new JsonReader(text);
        p.SkipSpace();
        if (p.AtEnd)
            throw new FormatException("unexpected end of JSON input");
        var v = p.ReadValue();
        p.SkipSpace();
        if (!p.AtEnd)
            throw new FormatException($"invalid character {p.Describe()} after top-level value");
        return v;
    }

    private sealed class JsonReader(string s)
    {
        private int _i;

        public bool AtEnd => _i >= s.Length;

        public void SkipSpace()
        {
            while (_i < s.Length && s[_i] is ' ' or '\t' or '\n' or '\r')
                _i++;
        }

        public string Describe()
        {
            var c = s[_i];
            return c == '\'' ? "'\\''" : c == '"' ? "'\"'" : $"'{c}'";
        }

        private FormatException Unexpected(string context) =>
            AtEnd ? new FormatException("unexpected end of JSON input") : new FormatException($"invalid character {Describe()} {context}");

        public object? ReadValue()
        {
            SkipSpace();
            if (AtEnd)
                throw new FormatException("unexpected end of JSON input");
            var c = s[_i];
            switch (c)
            {
                case '{':
                    {
                        _i++;
                        var map = new Dictionary<string, object?>();
                        SkipSpace();
                        if (!AtEnd && s[_i] == '}')
                        {
                            _i++;
                            return map;
                        }
                        while (true)
                        {
                            SkipSpace();
                            if (AtEnd || s[_i] != '"')
                                throw Unexpected("looking for beginning of object key string");
                            var key = ReadString();
                            SkipSpace();
                            if (AtEnd || s[_i] != ':')
                                throw Unexpected("after object key");
                            _i++;
                            map[key] = ReadValue();
                            SkipSpace();
                            if (!AtEnd && s[_i] == ',')
                            {
                                _i++;
                                continue;
                            }
                            if (!AtEnd && s[_i] == '}')
                            {
                                _i++;
                                return map;
                            }
                            throw Unexpected("after object key:value pair");
                        }
                    }
                case '[':
                    {
                        _i++;
                        var list = new List<object?>();
                        SkipSpace();
                        if (!AtEnd && s[_i] == ']')
                        {
                            _i++;
                            return list;
                        }
                        while (true)
                        {
                            list.Add(ReadValue());
                            SkipSpace();
                            if (!AtEnd && s[_i] == ',')
                            {
                                _i++;
                                continue;
                            }
                            if (!AtEnd && s[_i] == ']')
                            {
                                _i++;
                                return list;
                            }
                            throw Unexpected("after array element");
                        }
                    }
                case '"':
                    return ReadString();
                case 't': return Literal("true", true);
                case 'f': return Literal("false", false);
                case 'n': return Literal("null", null);
                default:
                    if (c == '-' || char.IsAsciiDigit(c))
                    {
                        var start = _i;
                        _i++;
                        while (_i < s.Length && (char.IsAsciiDigit(s[_i]) || s[_i] is '.' or 'e' or 'E' or '+' or '-'))
                            _i++;
                        return double.Parse(s.AsSpan(start, _i - start), NumberStyles.Float, CultureInfo.InvariantCulture);
                    }
                    throw Unexpected("looking for beginning of value");
            }
        }

        private object? Literal(string word, object? value)
        {
            for (var k = 0; k < word.Length; k++, _i++)
                if (_i >= s.Length || s[_i] != word[k])
                    throw Unexpected($"in literal {word} (expecting '{word[k]}')");
            return value;
        }

        private string ReadString()
        {
            _i++;
            var sb = new StringBuilder();
            while (true)
            {
                if (AtEnd)
                    throw new FormatException("unexpected end of JSON input");
                var c = s[_i++];
                if (c == '"')
                    return sb.ToString();
                if (c != '\\')
                {
                    sb.Append(c);
                    continue;
                }
                var e = s[_i++];
                switch (e)
                {
                    case 'n': sb.Append('\n'); break;
                    case 't': sb.Append('\t'); break;
                    case 'r': sb.Append('\r'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'u':
                        sb.Append((char)int.Parse(s.AsSpan(_i, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                        _i += 4;
                        break;
                    default: sb.Append(e); break;
                }
            }
        }
    }
}
