using System.Globalization;
using System.Text;
using Tide.Engine.Helm.Template;

namespace Tide.Engine.Helm.Functions;

/// <summary>Go's time.Duration (nanoseconds in an int64): String() and ParseDuration, as Sprig's date functions
/// print and read them ("1h2m3.5s", "150ms", "0s").</summary>
public static class GoDuration
{
    public const long Nanosecond = 1;
    public const long Microsecond = 1000 * Nanosecond;
    public const long Millisecond = 1000 * Microsecond;
    public const long Second = 1000 * Millisecond;
    public const long Minute = 60 * Second;
    public const long Hour = 60 * Minute;

    /// <summary>time.Duration.String.</summary>
    public static string Format(long d)
    {
        if (d == 0)
            return "0s";
        var neg = d < 0;
        var u = neg ? (ulong)(-(d + 1)) + 1 : (ulong)d;
        string result;
        if (u < (ulong)Second)
        {
            // Below a second: the largest fitting unit with a fraction ("1.5ms").
            var (unit, suffix) = u < (ulong)Microsecond ? (1UL, "ns") : u < (ulong)Millisecond ? ((ulong)Microsecond, "µs") : ((ulong)Millisecond, "ms");
            result = Fraction(u, unit) + suffix;
        }
        else
        {
            var sb = new StringBuilder();
            var hours = u / (ulong)Hour;
            var minutes = u / (ulong)Minute % 60;
            if (hours > 0)
                sb.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
            if (hours > 0 || minutes > 0)
                sb.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
            sb.Append(Fraction(u % (ulong)Minute, (ulong)Second)).Append('s');
            result = sb.ToString();
        }
        return neg ? "-" + result : result;
    }

    private static string Fraction(ulong v, ulong unit)
    {
        var whole = (v / unit).ToString(CultureInfo.InvariantCulture);
        var rest = v % unit;
        if (rest == 0)
            return whole;
        var digits = unit.ToString(CultureInfo.InvariantCulture).Length - 1;
        return whole + "." + rest.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0');
    }

    /// <summary>time.ParseDuration; throws <see cref="FunctionException"/> with Go's message.</summary>
    public static long Parse(string s)
    {
        var orig = s;
        var neg = false;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+'))
        {
            neg = s[0] == '-';
            s = s[1..];
        }
        if (s == "0")
            return 0;
        if (s.Length == 0)
            throw Invalid(orig);
        decimal total = 0;
        while (s.Length > 0)
        {
            var i = 0;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
                i++;
            if (i == 0 || !decimal.TryParse(s[..i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
                throw Invalid(orig);
            s = s[i..];
            var j = 0;
            while (j < s.Length && !char.IsAsciiDigit(s[j]) && s[j] != '.')
                j++;
            var unit = s[..j];
            s = s[j..];
            long scale = unit switch
            {
                "ns" => Nanosecond,
                "us" or "µs" or "μs" => Microsecond,
                "ms" => Millisecond,
                "s" => Second,
                "m" => Minute,
                "h" => Hour,
                "" => throw new FunctionException($"time: missing unit in duration {GoFormat.GoQuote(orig)}"),
                _ => throw new FunctionException($"time: unknown unit {GoFormat.GoQuote(unit)} in duration {GoFormat.GoQuote(orig)}"),
            };
            total += value * scale;
            if (total > long.MaxValue)
                throw new FunctionException($"time: invalid duration {GoFormat.GoQuote(orig)}");
        }
        var result = (long)decimal.Truncate(total);
        return neg ? -result : result;
    }

    private static FunctionException Invalid(string s) => new($"time: invalid duration {GoFormat.GoQuote(s)}");
}
