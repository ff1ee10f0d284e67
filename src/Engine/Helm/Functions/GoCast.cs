using System.Globalization;
using System.Text;
using Tide.Engine.Helm.Template;

namespace Tide.Engine.Helm.Functions;

/// <summary>Sprig's conversions: strval, spf13/cast's ToInt64/ToFloat64, and reflect.DeepEqual for template values.</summary>
public static class GoCast
{
    /// <summary>Sprig's strval: strings as they are, byte slices decoded, everything else as fmt's %v.</summary>
    public static string StrVal(object? v) => v switch
    {
        string s => s,
        byte[] b => Encoding.UTF8.GetString(b),
        _ => GoValue.Format(v),
    };

    /// <summary>cast.ToInt64 with errors swallowed (0), as Sprig's toInt64 does.</summary>
    public static long ToInt64(object? v)
    {
        switch (v)
        {
            case int i: return i;
            case long l: return l;
            case ulong u: return (long)u;
            case double d: return double.IsNaN(d) ? 0 : (long)Math.Truncate(d);
            case bool b: return b ? 1 : 0;
            case string s:
                var t = TrimZeroDecimal(s);
                return TryParseBaseZero(t, out var parsed) ? parsed : 0;
            default: return 0;
        }
    }

    public static int ToInt(object? v) => unchecked((int)ToInt64(v));

    public static double ToFloat64(object? v) => v switch
    {
        int i => i,
        long l => l,
        ulong u => u,
        double d => d,
        bool b => b ? 1 : 0,
        string s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : 0,
        _ => 0,
    };

    // cast trims a ".0..." tail so that "3.0" parses as an integer.
    private static string TrimZeroDecimal(string s)
    {
        var dot = s.IndexOf('.');
        if (dot < 0 || dot == s.Length - 1)
            return s;
        for (var i = dot + 1; i < s.Length; i++)
            if (s[i] != '0')
                return s;
        return s[..dot];
    }

    /// <summary>strconv.ParseInt(s, 0, 64).</summary>
    public static bool TryParseBaseZero(string s, out long value)
    {
        value = 0;
        var body = s.Replace("_", "");
        var neg = false;
        if (body.StartsWith('+') || body.StartsWith('-'))
        {
            neg = body[0] == '-';
            body = body[1..];
        }
        var radix = 10;
        if (body.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) { radix = 16; body = body[2..]; }
        else if (body.StartsWith("0b", StringComparison.OrdinalIgnoreCase)) { radix = 2; body = body[2..]; }
        else if (body.StartsWith("0o", StringComparison.OrdinalIgnoreCase)) { radix = 8; body = body[2..]; }
        else if (body.Length > 1 && body[0] == '0') { radix = 8; body = body[1..]; }
        if (body.Length == 0)
            return false;
        try
        {
            value = Convert.ToInt64(body, radix == 10 ? 10 : radix);
            if (radix == 10 && !body.All(char.IsAsciiDigit))
                return false;
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            return false;
        }
        if (neg)
            value = -value;
        return true;
    }

    /// <summary>reflect.DeepEqual over template values: types must match exactly.</summary>
    public static bool DeepEqual(object? a, object? b)
    {
        if (a is null || b is null)
            return a is null && b is null;
        if (a.GetType() != b.GetType())
            return false;
        switch (a)
        {
            case List<object?> la:
                var lb = (List<object?>)b;
                if (la.Count != lb.Count) return false;
                for (var i = 0; i < la.Count; i++)
                    if (!DeepEqual(la[i], lb[i])) return false;
                return true;
            case Dictionary<string, object?> ma:
                var mb = (Dictionary<string, object?>)b;
                if (ma.Count != mb.Count) return false;
                foreach (var (k, v) in ma)
                    if (!mb.TryGetValue(k, out var vb) || !DeepEqual(v, vb)) return false;
                return true;
            case byte[] ba:
                return ba.AsSpan().SequenceEqual((byte[])b);
            default:
                return a.Equals(b);
        }
    }

    /// <summary>Sprig's empty: nil, false, 0, "" and empty collections.</summary>
    public static bool Empty(object? v) => v switch
    {
        null => true,
        string s => s.Length == 0,
        bool b => !b,
        int i => i == 0,
        long l => l == 0,
        ulong u => u == 0,
        double d => d == 0,
        byte[] b => b.Length == 0,
        List<object?> l => l.Count == 0,
        Dictionary<string, object?> m => m.Count == 0,
        IGoMap m => m.SortedEntries.Count == 0,
        _ => false,
    };

    /// <summary>copystructure.Copy for template values.</summary>
    public static object? DeepCopy(object? v) => v switch
    {
        List<object?> l => l.Select(DeepCopy).ToList(),
        Dictionary<string, object?> m => m.ToDictionary(kv => kv.Key, kv => DeepCopy(kv.Value)),
        byte[] b => b.ToArray(),
        _ => v,
    };

    /// <summary>Sprig's strslice.</summary>
    public static List<string> StrSlice(object? v) => v switch
    {
        null => [],
        List<object?> l => l.Where(x => x is not null).Select(StrVal).ToList(),
        _ => [StrVal(v)],
    };

    public static List<object?> AsList(object? v, string op)
    {
        return v switch
        {
            List<object?> l => l,
            byte[] b => b.Select(x => (object?)(int)x).ToList(),
            _ => throw new FunctionException($"Cannot {op} on type {GoValue.KindName(v)}"),
        };
    }
}
