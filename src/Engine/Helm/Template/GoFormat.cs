using System.Globalization;
using System.Text;

namespace Tide.Engine.Helm.Template;

/// <summary>Go's fmt package: Sprint, Sprintln and Sprintf with its verbs, flags and error notations.</summary>
public static class GoFormat
{
    /// <summary>fmt.Sprint: spaces between operands when neither side is a string.</summary>
    public static string Sprint(IReadOnlyList<object?> args)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < args.Count; i++)
        {
            if (i > 0 && args[i] is not string && args[i - 1] is not string)
                sb.Append(' ');
            GoValue.AppendValue(sb, args[i], false);
        }
        return sb.ToString();
    }

    public static string Sprintln(IReadOnlyList<object?> args)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < args.Count; i++)
        {
            if (i > 0) sb.Append(' ');
            GoValue.AppendValue(sb, args[i], false);
        }
        return sb.Append('\n').ToString();
    }

    private sealed class Spec
    {
        public bool Minus, Plus, Sharp, Space, Zero;
        public int? Width, Precision;
    }

    public static string Sprintf(string format, IReadOnlyList<object?> args)
    {
        var sb = new StringBuilder();
        var argi = 0;
        var i = 0;
        while (i < format.Length)
        {
            var c = format[i];
            if (c != '%')
            {
                sb.Append(c);
                i++;
                continue;
            }
            i++;
            var spec = new Spec();
            for (; i < format.Length; i++)
            {
                switch (format[i])
                {
                    case '-': spec.Minus = true; spec.Zero = false; continue;
                    case '+': spec.Plus = true; continue;
                    case '#': spec.Sharp = true; continue;
                    case ' ': spec.Space = true; continue;
                    case '0': spec.Zero = !spec.Minus; continue;
                }
                break;
            }
            if (i < format.Length && format[i] == '*')
            {
                i++;
                if (argi < args.Count && args[argi] is int w) spec.Width = w;
                argi++;
            }
            else
            {
                spec.Width = ParseNum(format, ref i);
            }
            if (i < format.Length && format[i] == '.')
            {
                i++;
                if (i < format.Length && format[i] == '*')
                {
                    i++;
                    if (argi < args.Count && args[argi] is int p) spec.Precision = p;
                    argi++;
                }
                else
                {
                    spec.Precision = ParseNum(format, ref i) ?? 0;
                }
            }
            if (i >= format.Length)
            {
                sb.Append("%!(NOVERB)");
                break;
            }
            var verb = format[i++];
            if (verb == '%')
            {
                sb.Append('%');
                continue;
            }
            if (argi >= args.Count)
            {
                sb.Append("%!").Append(verb).Append("(MISSING)");
                continue;
            }
            FormatOne(sb, verb, spec, args[argi++]);
        }
        if (argi < args.Count)
        {
            sb.Append("%!(EXTRA ");
            for (var k = argi; k < args.Count; k++)
            {
                if (k > argi) sb.Append(", ");
                sb.Append(GoValue.TypeName(args[k])).Append('=');
                GoValue.AppendValue(sb, args[k], false);
            }
            sb.Append(')');
        }
        return sb.ToString();
    }

    private static int? ParseNum(string s, ref int i)
    {
        var start = i;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
            i++;
        return i > start ? int.Parse(s.AsSpan(start, i - start), CultureInfo.InvariantCulture) : null;
    }

    private static void FormatOne(StringBuilder sb, char verb, Spec spec, object? arg)
    {
        // fmt applies any verb but %v and %T to the elements of a slice or map, each padded on its own.
        if (verb is not ('v' or 'T') && arg is List<object?> list)
        {
            sb.Append('[');
            for (var i = 0; i < list.Count; i++)
            {
                if (i > 0)
                    sb.Append(' ');
                FormatOne(sb, verb, spec, list[i]);
            }
            sb.Append(']');
            return;
        }
        if (verb is not ('v' or 'T') && arg is Dictionary<string, object?> map)
        {
            sb.Append("map[");
            var first = true;
            foreach (var key in GoValue.SortedKeys(map))
            {
                if (!first)
                    sb.Append(' ');
                first = false;
                FormatOne(sb, verb, spec, key);
                sb.Append(':');
                FormatOne(sb, verb, spec, map[key]);
            }
            sb.Append(']');
            return;
        }
        string? text = verb switch
        {
            'v' => FormatV(arg, spec),
            'T' => GoValue.TypeName(arg),
            's' => arg switch
            {
                string s => spec.Precision is { } p && p < s.Length ? s[..p] : s,
                byte[] b => Encoding.UTF8.GetString(b),
                IGoObject => GoValue.Format(arg),
                _ => null,
            },
            'q' => arg switch
            {
                string s => GoQuote(s),
                int or long => "'" + char.ConvertFromUtf32((int)GoValue.ToLong(arg!)) + "'",
                _ => null,
            },
            'd' => GoValue.IsInteger(arg) ? Signed(GoValue.ToLong(arg!).ToString(CultureInfo.InvariantCulture), spec) : null,
            'x' or 'X' => arg switch
            {
                int or long => Signed(Hex(GoValue.ToLong(arg!), verb, spec), spec),
                string s => HexBytes(Encoding.UTF8.GetBytes(s), verb),
                byte[] b => HexBytes(b, verb),
                _ => null,
            },
            'o' => GoValue.IsInteger(arg) ? Convert.ToString(GoValue.ToLong(arg!), 8) : null,
            'b' => GoValue.IsInteger(arg) ? Convert.ToString(GoValue.ToLong(arg!), 2) : null,
            'c' => GoValue.IsInteger(arg) ? char.ConvertFromUtf32((int)GoValue.ToLong(arg!)) : null,
            'U' => GoValue.IsInteger(arg) ? "U+" + GoValue.ToLong(arg!).ToString("X4", CultureInfo.InvariantCulture) : null,
            't' => arg is bool b ? (b ? "true" : "false") : null,
            'e' or 'E' or 'f' or 'F' or 'g' or 'G' => arg is double d ? FloatVerb(d, verb, spec) : null,
            _ => null,
        };
        if (text is null)
        {
            sb.Append("%!").Append(verb).Append('(');
            if (arg is null)
                sb.Append("<nil>");
            else
                sb.Append(GoValue.TypeName(arg)).Append('=').Append(GoValue.Format(arg));
            sb.Append(')');
            return;
        }
        Pad(sb, text, spec, numeric: verb is 'd' or 'x' or 'X' or 'o' or 'b' or 'e' or 'E' or 'f' or 'F' or 'g' or 'G' || (verb == 'v' && GoValue.IsNumber(arg)));
    }

    private static string FormatV(object? arg, Spec spec)
    {
        if (arg is double d)
            return FloatVerb(d, 'g', spec);
        if (GoValue.IsInteger(arg))
            return Signed(GoValue.Format(arg), spec);
        if (arg is null)
            return "<nil>";
        return GoValue.Format(arg);
    }

    private static string Signed(string digits, Spec spec)
    {
        if (digits.StartsWith('-'))
            return digits;
        if (spec.Plus) return "+" + digits;
        if (spec.Space) return " " + digits;
        return digits;
    }

    private static string Hex(long v, char verb, Spec spec)
    {
        var neg = v < 0;
        var s = Convert.ToString(Math.Abs(v), 16);
        if (verb == 'X') s = s.ToUpperInvariant();
        if (spec.Sharp) s = (verb == 'X' ? "0X" : "0x") + s;
        return neg ? "-" + s : s;
    }

    private static string HexBytes(byte[] b, char verb)
    {
        var s = Convert.ToHexString(b);
        return verb == 'x' ? s.ToLowerInvariant() : s;
    }

    private static string FloatVerb(double d, char verb, Spec spec)
    {
        var lower = char.ToLowerInvariant(verb);
        var prec = spec.Precision ?? (lower == 'g' ? -1 : 6);
        var s = GoValue.FormatFloat(d, lower, prec);
        if (char.IsUpper(verb)) s = s.ToUpperInvariant();
        return Signed(s, spec);
    }

    private static void Pad(StringBuilder sb, string text, Spec spec, bool numeric)
    {
        var width = spec.Width ?? 0;
        var len = new StringInfo(text).LengthInTextElements;
        if (len >= width)
        {
            sb.Append(text);
            return;
        }
        var pad = width - len;
        if (spec.Minus)
        {
            sb.Append(text).Append(' ', pad);
        }
        else if (spec.Zero && numeric)
        {
            var sign = text.Length > 0 && text[0] is '-' or '+' or ' ' ? text[..1] : "";
            sb.Append(sign).Append('0', pad).Append(text[sign.Length..]);
        }
        else
        {
            sb.Append(' ', pad).Append(text);
        }
    }

    /// <summary>strconv.Quote: a double-quoted Go string literal.</summary>
    public static string GoQuote(string s)
    {
        var sb = new StringBuilder("\"");
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\a': sb.Append("\\a"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\v': sb.Append("\\v"); break;
                default:
                    if (c < ' ' || c == 0x7f)
                        sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    else if (char.IsHighSurrogate(c) && i + 1 < s.Length)
                        sb.Append(c).Append(s[++i]);
                    else if (char.IsSurrogate(c))
                        sb.Append("\\ufffd");
                    else
                        sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }
}
