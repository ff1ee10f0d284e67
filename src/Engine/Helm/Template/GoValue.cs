using System.Collections;
using System.Globalization;
using System.Text;

namespace Tide.Engine.Helm.Template;

/// <summary>
/// The Go value model templates work on: null (nil), bool, int (Go int), long (int64), ulong (uint64), double (float64),
/// string, byte[] ([]uint8), List&lt;object?&gt; ([]interface{}), Dictionary&lt;string, object?&gt;
/// (map[string]interface{}) and <see cref="IGoObject"/> structs. This class holds Go's rules over them.
/// </summary>
public static class GoValue
{
    public static string TypeName(object? v) => v switch
    {
        null => "<nil>",
        string => "string",
        bool => "bool",
        int => "int",
        long => "int64",
        ulong => "uint64",
        double => "float64",
        byte[] => "[]uint8",
        IGoObject o => o.GoType,
        List<object?> => "[]interface {}",
        Dictionary<string, object?> => "map[string]interface {}",
        _ => v.GetType().Name,
    };

    /// <summary>reflect.Kind names as Sprig's kindOf/kindIs print them.</summary>
    public static string KindName(object? v) => v switch
    {
        null => "invalid",
        string => "string",
        bool => "bool",
        int => "int",
        long => "int64",
        ulong => "uint64",
        double => "float64",
        byte[] or List<object?> => "slice",
        Dictionary<string, object?> or IGoMap => "map",
        IGoObject o => o.GoType.StartsWith('*') ? "ptr" : "struct",
        _ => "struct",
    };

    /// <summary>Go's template truth: false, 0, nil and empty collections are false.</summary>
    public static bool IsTrue(object? v) => v switch
    {
        null => false,
        bool b => b,
        string s => s.Length > 0,
        int i => i != 0,
        long l => l != 0,
        ulong u => u != 0,
        double d => d != 0,
        byte[] b => b.Length > 0,
        ICollection c => c.Count > 0,
        IGoMap m => m.SortedEntries.Count > 0,
        _ => true,
    };

    public static bool IsInteger(object? v) => v is int or long or ulong;

    public static bool IsNumber(object? v) => v is int or long or ulong or double;

    public static long ToLong(object v) => v switch
    {
        int i => i,
        long l => l,
        ulong u => (long)u,
        _ => throw new InvalidCastException(),
    };

    /// <summary>fmt.Sprint of one operand (%v).</summary>
    public static string Format(object? v)
    {
        var sb = new StringBuilder();
        AppendValue(sb, v, false);
        return sb.ToString();
    }

    internal static void AppendValue(StringBuilder sb, object? v, bool nested)
    {
        switch (v)
        {
            case null: sb.Append("<nil>"); break;
            case string s: sb.Append(s); break;
            case bool b: sb.Append(b ? "true" : "false"); break;
            case int i: sb.Append(i.ToString(CultureInfo.InvariantCulture)); break;
            case long l: sb.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case ulong u: sb.Append(u.ToString(CultureInfo.InvariantCulture)); break;
            case double d: sb.Append(FormatFloat(d, 'g', -1)); break;
            case byte[] bytes:
                sb.Append('[').AppendJoin(' ', bytes).Append(']');
                break;
            case List<object?> list:
                sb.Append('[');
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0) sb.Append(' ');
                    AppendValue(sb, list[i], true);
                }
                sb.Append(']');
                break;
            case Dictionary<string, object?> map:
                sb.Append("map[");
                var first = true;
                foreach (var key in SortedKeys(map))
                {
                    if (!first) sb.Append(' ');
                    first = false;
                    sb.Append(key).Append(':');
                    AppendValue(sb, map[key], true);
                }
                sb.Append(']');
                break;
            case IGoMap m:
                sb.Append("map[");
                for (var i = 0; i < m.SortedEntries.Count; i++)
                {
                    if (i > 0) sb.Append(' ');
                    sb.Append(m.SortedEntries[i].Key).Append(':');
                    AppendValue(sb, m.SortedEntries[i].Value, true);
                }
                sb.Append(']');
                break;
            default:
                sb.Append(v.ToString());
                break;
        }
    }

    public static List<string> SortedKeys(Dictionary<string, object?> map)
    {
        var keys = new List<string>(map.Keys);
        keys.Sort(string.CompareOrdinal);
        return keys;
    }

    /// <summary>strconv.FormatFloat for the 'g', 'e' and 'f' formats (prec -1 = shortest that round-trips).</summary>
    public static string FormatFloat(double d, char fmt, int prec)
    {
        if (double.IsNaN(d)) return "NaN";
        if (double.IsPositiveInfinity(d)) return "+Inf";
        if (double.IsNegativeInfinity(d)) return "-Inf";
        var neg = d < 0 || (d == 0 && double.IsNegative(d));
        var a = Math.Abs(d);
        string digits;
        int dp; // position of the decimal point relative to digits
        if (prec < 0 || fmt == 'g')
        {
            if (prec < 0)
            {
                (digits, dp) = ShortestDigits(a);
            }
            else
            {
                (digits, dp) = RoundedDigits(a, prec == 0 ? 1 : prec);
            }
        }
        else if (fmt == 'e')
        {
            (digits, dp) = RoundedDigits(a, prec + 1);
        }
        else
        {
            var fixedText = a.ToString("F" + prec, CultureInfo.InvariantCulture);
            return (neg ? "-" : "") + fixedText;
        }
        var body = fmt switch
        {
            'e' => FormatE(digits, dp, prec < 0 ? digits.Length - 1 : prec),
            'f' => FormatF(digits, dp, prec < 0 ? Math.Max(digits.Length - dp, 0) : prec),
            _ => FormatG(digits, dp, prec),
        };
        return (neg ? "-" : "") + body;
    }

    private static string FormatG(string digits, int dp, int prec)
    {
        // Go: with the shortest precision, %e is chosen when the exponent is < -4 or >= 6.
        var eprec = prec < 0 ? 6 : (prec == 0 ? 1 : prec);
        if (prec >= 0 && eprec > digits.Length && digits.Length >= dp)
            eprec = digits.Length;
        var exp = dp - 1;
        if (digits == "0")
            exp = 0;
        if (exp < -4 || exp >= eprec)
            return FormatE(digits, dp, digits.Length - 1);
        return FormatF(digits, dp, Math.Max(digits.Length - dp, 0));
    }

    private static string FormatE(string digits, int dp, int decimals)
    {
        var sb = new StringBuilder();
        sb.Append(digits[0]);
        if (decimals > 0)
        {
            sb.Append('.');
            for (var i = 1; i <= decimals; i++)
                sb.Append(i < digits.Length ? digits[i] : '0');
        }
        var exp = digits == "0" ? 0 : dp - 1;
        sb.Append('e').Append(exp < 0 ? '-' : '+');
        var e = Math.Abs(exp);
        if (e < 10) sb.Append('0');
        sb.Append(e.ToString(CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    private static string FormatF(string digits, int dp, int decimals)
    {
        var sb = new StringBuilder();
        if (dp <= 0)
        {
            sb.Append('0');
        }
        else
        {
            for (var i = 0; i < dp; i++)
                sb.Append(i < digits.Length ? digits[i] : '0');
        }
        if (decimals > 0)
        {
            sb.Append('.');
            for (var i = 0; i < decimals; i++)
            {
                var idx = dp + i;
                sb.Append(idx >= 0 && idx < digits.Length ? digits[idx] : '0');
            }
        }
        return sb.ToString();
    }

    /// <summary>The shortest decimal digits that round-trip, and the decimal point position.</summary>
    private static (string Digits, int Dp) ShortestDigits(double a)
    {
        if (a == 0) return ("0", 1);
        var shortest = a.ToString("R", CultureInfo.InvariantCulture);
        // Normalise "R" output (either 123.45 or 1.2345E+20) into digits and exponent.
        var mantissa = shortest;
        var exp = 0;
        var eIdx = shortest.IndexOfAny(['E', 'e']);
        if (eIdx >= 0)
        {
            mantissa = shortest[..eIdx];
            exp = int.Parse(shortest[(eIdx + 1)..], CultureInfo.InvariantCulture);
        }
        var dot = mantissa.IndexOf('.');
        var intPart = dot < 0 ? mantissa : mantissa[..dot];
        var frac = dot < 0 ? "" : mantissa[(dot + 1)..];
        var all = intPart + frac;
        var dp = intPart.Length + exp;
        var lead = 0;
        while (lead < all.Length - 1 && all[lead] == '0')
        {
            lead++;
            dp--;
        }
        all = all[lead..].TrimEnd('0');
        return (all.Length == 0 ? "0" : all, dp);
    }

    private static (string Digits, int Dp) RoundedDigits(double a, int significant)
    {
        if (a == 0) return (new string('0', 1), 1);
        var s = a.ToString("E" + (significant - 1), CultureInfo.InvariantCulture);
        var eIdx = s.IndexOf('E');
        var digits = s[..eIdx].Replace(".", "");
        var exp = int.Parse(s[(eIdx + 1)..], CultureInfo.InvariantCulture);
        return (digits, exp + 1);
    }
}
