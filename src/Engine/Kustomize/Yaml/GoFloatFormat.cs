using System.Globalization;

namespace Tide.Engine.Kustomize.Yaml;

/// <summary>Go's strconv.FormatFloat(f, 'g', -1, 64): shortest digits, exponent form when exp &lt; -4 or exp &gt;= 6 (Go's rule for shortest).</summary>
internal static class GoFloatFormat
{
    public static string Shortest(double d)
    {
        // Shortest round-trip digits come from "R"; re-derive mantissa and exponent from it.
        var roundTrip = d.ToString("R", CultureInfo.InvariantCulture);
        var negative = roundTrip.StartsWith('-');
        if (negative)
            roundTrip = roundTrip[1..];
        string digits;
        int exp;
        var ePos = roundTrip.IndexOfAny(['E', 'e']);
        var mantissa = ePos >= 0 ? roundTrip[..ePos] : roundTrip;
        var extraExp = ePos >= 0 ? int.Parse(roundTrip[(ePos + 1)..], CultureInfo.InvariantCulture) : 0;
        var dot = mantissa.IndexOf('.');
        var intPart = dot >= 0 ? mantissa[..dot] : mantissa;
        var fracPart = dot >= 0 ? mantissa[(dot + 1)..] : "";
        digits = (intPart + fracPart).TrimStart('0');
        var leadingZeros = (intPart + fracPart).Length - (intPart + fracPart).TrimStart('0').Length;
        exp = intPart.Length - 1 - leadingZeros + extraExp;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
            return negative ? "-0" : "0";
        string body;
        if (exp < -4 || exp >= 6)
        {
            body = digits[..1] + (digits.Length > 1 ? "." + digits[1..] : "") + "e" + (exp < 0 ? "-" : "+") +
                   Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
        }
        else if (exp < 0)
        {
            body = "0." + new string('0', -exp - 1) + digits;
        }
        else if (digits.Length <= exp + 1)
        {
            body = digits + new string('0', exp + 1 - digits.Length);
        }
        else
        {
            body = digits[..(exp + 1)] + "." + digits[(exp + 1)..];
        }
        return negative ? "-" + body : body;
    }
}
