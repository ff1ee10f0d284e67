using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;

namespace Tide.Engine.Kustomize.Yaml;

/// <summary>
/// Resolves scalars the way kustomize reads them (go-yaml v3, YAML 1.2 core schema plus 1.1 octals), and
/// decides how a string must be written so that go-yaml v2 (which writes kustomize's output) reads it back as a string.
/// </summary>
public static partial class ScalarResolver
{
    public static ResolvedScalar Resolve(YScalar scalar)
    {
        var value = scalar.Value;
        switch (scalar.Tag)
        {
            case "!!str" or "!!binary":
                return new(ScalarKind.String, value);
            case "!!null":
                return new(ScalarKind.Null, "null");
            case "!!bool":
                return ResolvePlainV3(value) is { Kind: ScalarKind.Bool } b ? b : new(ScalarKind.String, value);
            case "!!int" or "!!float":
                return ResolvePlainV3(value) is { Kind: ScalarKind.Int or ScalarKind.Float } n ? n : new(ScalarKind.String, value);
            case null:
                break;
            default:
                return new(ScalarKind.String, value);
        }
        return scalar.Style == ScalarStyle.Plain ? ResolvePlainV3(value) : new(ScalarKind.String, value);
    }

    private static ResolvedScalar ResolvePlainV3(string s)
    {
        switch (s)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return new(ScalarKind.Null, "null");
            case "true" or "True" or "TRUE":
                return new(ScalarKind.Bool, "true");
            case "false" or "False" or "FALSE":
                return new(ScalarKind.Bool, "false");
        }
        var c = s[0];
        if (c == '.')
        {
            if (YamlStyleFloat().IsMatch(s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var f))
                return Float(f);
            return new(ScalarKind.String, s);
        }
        if (c is not ('+' or '-') && !char.IsAsciiDigit(c))
            return new(ScalarKind.String, s);
        if (IsTimestamp(s))
            return new(ScalarKind.String, GoTime(s));
        var plain = s.Replace("_", "");
        if (TryParseGoInt(plain, out var integer))
            return new(ScalarKind.Int, integer.ToString(CultureInfo.InvariantCulture));
        if (YamlStyleFloat().IsMatch(plain) &&
            double.TryParse(plain, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
            return Float(d);
        return new(ScalarKind.String, s);
    }

    /// <summary>A float as it comes out of kustomize: through JSON (integral values become ints) and Go's %g.</summary>
    private static ResolvedScalar Float(double d)
    {
        if (double.IsNaN(d) || double.IsInfinity(d))
            return new(ScalarKind.Float, d.ToString(CultureInfo.InvariantCulture));
        if (Math.Abs(d) < 1e21 && Math.Abs(d) >= 1e-6 && d == Math.Floor(d) && Math.Abs(d) < 9.2e18)
            return new(ScalarKind.Int, ((long)d).ToString(CultureInfo.InvariantCulture));
        if (d == 0)
            return new(ScalarKind.Int, "0");
        return new(ScalarKind.Float, GoFloatFormat.Shortest(d));
    }

    /// <summary>strconv.ParseInt/ParseUint with base 0 (0x, 0o, 0b prefixes, leading 0 = octal), then the 0b forms.</summary>
    private static bool TryParseGoInt(string s, out BigInteger value)
    {
        value = default;
        var negative = false;
        var body = s;
        if (body.StartsWith('+') || body.StartsWith('-'))
        {
            negative = body[0] == '-';
            body = body[1..];
        }
        if (body.Length == 0)
            return false;
        int radix = 10;
        if (body.Length > 1 && body[0] == '0')
        {
            switch (body[1])
            {
                case 'x' or 'X': radix = 16; body = body[2..]; break;
                case 'o' or 'O': radix = 8; body = body[2..]; break;
                case 'b' or 'B': radix = 2; body = body[2..]; break;
                default: radix = 8; body = body[1..]; break;
            }
            if (body.Length == 0)
                return false;
        }
        BigInteger result = 0;
        foreach (var ch in body)
        {
            var digit = ch switch
            {
                >= '0' and <= '9' => ch - '0',
                >= 'a' and <= 'f' => ch - 'a' + 10,
                >= 'A' and <= 'F' => ch - 'A' + 10,
                _ => 99,
            };
            if (digit >= radix)
                return false;
            result = result * radix + digit;
        }
        if (negative)
            result = -result;
        if (result < long.MinValue || result > ulong.MaxValue || (negative && result > 0))
            return false;
        value = result;
        return true;
    }

    /// <summary>An unquoted timestamp becomes a Go time.Time, which JSON writes in RFC 3339 with nanoseconds trimmed.</summary>
    private static string GoTime(string s)
    {
        var cut = s.IndexOfAny(['T', 't', ' ']);
        var parts = (cut > 0 ? s[..cut] : s).Split('-');
        var result = $"{int.Parse(parts[0]):0000}-{int.Parse(parts[1]):00}-{int.Parse(parts[2]):00}T";
        if (cut <= 0)
            return result + "00:00:00Z";
        var rest = s[(cut + 1)..];
        var zone = "Z";
        var zoneAt = rest.IndexOfAny(['Z', '+', '-']);
        if (zoneAt >= 0)
        {
            zone = rest[zoneAt..] == "+00:00" ? "Z" : rest[zoneAt..];
            rest = rest[..zoneAt];
        }
        var fraction = "";
        var dot = rest.IndexOf('.');
        if (dot >= 0)
        {
            fraction = rest[dot..].TrimEnd('0');
            if (fraction == ".")
                fraction = "";
            rest = rest[..dot];
        }
        var hms = rest.Split(':');
        return result + $"{int.Parse(hms[0]):00}:{int.Parse(hms[1]):00}:{int.Parse(hms[2]):00}{fraction}{zone}";
    }

    private static bool IsTimestamp(string s)
    {
        var i = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
            i++;
        if (i != 4 || i == s.Length || s[i] != '-')
            return false;
        return Timestamp().IsMatch(s);
    }

    /// <summary>
    /// True when go-yaml v2 would read the plain text back as something other than a string (so it must be quoted):
    /// YAML 1.1 booleans, nulls, numbers, timestamps and base-60 floats.
    /// </summary>
    public static bool NeedsQuotesForV2(string s)
    {
        switch (s)
        {
            case "y" or "Y" or "yes" or "Yes" or "YES" or "true" or "True" or "TRUE" or "on" or "On" or "ON"
                or "n" or "N" or "no" or "No" or "NO" or "false" or "False" or "FALSE" or "off" or "Off" or "OFF"
                or "" or "~" or "null" or "Null" or "NULL"
                or ".nan" or ".NaN" or ".NAN" or ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF"
                or "-.inf" or "-.Inf" or "-.INF" or "<<":
                return true;
        }
        var c = s[0];
        if (c == '.')
            return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _) && GoParsableFloat().IsMatch(s);
        if (c is not ('+' or '-') && !char.IsAsciiDigit(c))
            return false;
        if (IsTimestamp(s))
            return true;
        var plain = s.Replace("_", "");
        if (TryParseGoInt(plain, out _))
            return true;
        if (YamlStyleFloat().IsMatch(plain))
            return true;
        if (plain.StartsWith("0b") && plain.Length > 2 && plain[2..].All(ch => ch is '0' or '1'))
            return true;
        if (plain.StartsWith("-0b") && plain.Length > 3 && plain[3..].All(ch => ch is '0' or '1'))
            return true;
        return Base60Float().IsMatch(s);
    }

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex YamlStyleFloat();

    [GeneratedRegex(@"^\.[0-9]+([eE][-+]?[0-9]+)?$")]
    private static partial Regex GoParsableFloat();

    [GeneratedRegex(@"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")]
    private static partial Regex Base60Float();

    // The layouts go-yaml accepts: date, date + time with 'T'/'t' and zone, date + space + time without zone.
    [GeneratedRegex(@"^\d{4}-\d{1,2}-\d{1,2}(([Tt]\d{1,2}:\d{1,2}:\d{1,2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))|( \d{1,2}:\d{1,2}:\d{1,2}(\.\d+)?))?$")]
    private static partial Regex Timestamp();
}
