using System.Globalization;
using System.Text;
using Tide.Engine.Helm.Template;

namespace Tide.Engine.Helm.Functions;

/// <summary>A Go time.Time for templates: prints like Go, formats and parses with Go reference layouts, and keeps
/// its zone's name for "MST".</summary>
public sealed class GoTime(DateTimeOffset value, string zone = "UTC") : IGoObject
{
    public DateTimeOffset Value { get; } = value;

    /// <summary>The zone abbreviation Go prints for "MST" (the offset, as Go does, when the zone has none).</summary>
    public string Zone { get; } = zone;

    /// <summary>time.Time{}: what toDate returns for text that does not fit its layout.</summary>
    public static GoTime Zero { get; } = new(DateTimeOffset.MinValue);

    public string GoType => "time.Time";

    /// <summary>The time in a named zone (IANA id; "Local" is this machine's zone; unknown names fall back to UTC,
    /// as Sprig's dateInZone does).</summary>
    public GoTime In(string zone)
    {
        var tz = FindZone(zone);
        var local = TimeZoneInfo.ConvertTime(Value, tz);
        return new GoTime(local, Abbreviation(tz, local));
    }

    public static GoTime Now() => new GoTime(DateTimeOffset.UtcNow).In("Local");

    public static GoTime FromUnix(long seconds) => new GoTime(DateTimeOffset.FromUnixTimeSeconds(seconds)).In("Local");

    private static TimeZoneInfo FindZone(string zone)
    {
        if (zone == "Local")
            return TimeZoneInfo.Local;
        if (zone is "" or "UTC")
            return TimeZoneInfo.Utc;
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(zone);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return TimeZoneInfo.Utc;
        }
    }

    private static string Abbreviation(TimeZoneInfo tz, DateTimeOffset t) =>
        tz.BaseUtcOffset == TimeSpan.Zero && !tz.SupportsDaylightSavingTime ? "UTC" : Offset(t.Offset, "", colon: false);

    public bool TryGetMember(string name, object?[] args, out object? value)
    {
        value = name switch
        {
            "Unix" => Value.ToUnixTimeSeconds(),
            "UnixNano" => (Value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100,
            "Year" => Value.Year,
            "YearDay" => Value.DayOfYear,
            "Day" => Value.Day,
            "Hour" => Value.Hour,
            "Minute" => Value.Minute,
            "Second" => Value.Second,
            "Format" when args.Length == 1 && args[0] is string layout => Format(layout),
            "UTC" => new GoTime(Value.ToUniversalTime()),
            "String" => ToString(),
            _ => null,
        };
        return value is not null;
    }

    public override string ToString() =>
        Format("2006-01-02 15:04:05.999999999 -0700 MST");

    private static readonly string[] Tokens =
    [
        "January", "Monday", "2006", "Jan", "Mon", "MST", "Z07:00", "Z0700", "-07:00", "-0700", "-07",
        ".000000000", ".999999999", ".000000", ".999999", ".000", ".999", "002", "_2", "01", "02", "03", "04", "05",
        "06", "15", "PM", "pm", "1", "2", "3", "4", "5",
    ];

    private static string? TokenAt(string layout, int i)
    {
        foreach (var token in Tokens)
            if (string.CompareOrdinal(layout, i, token, 0, token.Length) == 0)
                return token;
        return null;
    }

    /// <summary>time.Format with Go's reference layout tokens.</summary>
    public string Format(string layout)
    {
        var t = Value;
        var sb = new StringBuilder();
        var i = 0;
        while (i < layout.Length)
        {
            var token = TokenAt(layout, i);
            if (token is null)
            {
                sb.Append(layout[i++]);
                continue;
            }
            i += token.Length;
            sb.Append(token switch
            {
                "2006" => t.Year.ToString("D4", CultureInfo.InvariantCulture),
                "06" => (t.Year % 100).ToString("D2", CultureInfo.InvariantCulture),
                "January" => t.ToString("MMMM", CultureInfo.InvariantCulture),
                "Jan" => t.ToString("MMM", CultureInfo.InvariantCulture),
                "01" => t.Month.ToString("D2", CultureInfo.InvariantCulture),
                "1" => t.Month.ToString(CultureInfo.InvariantCulture),
                "Monday" => t.ToString("dddd", CultureInfo.InvariantCulture),
                "Mon" => t.ToString("ddd", CultureInfo.InvariantCulture),
                "02" => t.Day.ToString("D2", CultureInfo.InvariantCulture),
                "_2" => t.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2),
                "2" => t.Day.ToString(CultureInfo.InvariantCulture),
                "002" => t.DayOfYear.ToString("D3", CultureInfo.InvariantCulture),
                "15" => t.Hour.ToString("D2", CultureInfo.InvariantCulture),
                "03" => (t.Hour % 12 == 0 ? 12 : t.Hour % 12).ToString("D2", CultureInfo.InvariantCulture),
                "3" => (t.Hour % 12 == 0 ? 12 : t.Hour % 12).ToString(CultureInfo.InvariantCulture),
                "04" => t.Minute.ToString("D2", CultureInfo.InvariantCulture),
                "4" => t.Minute.ToString(CultureInfo.InvariantCulture),
                "05" => t.Second.ToString("D2", CultureInfo.InvariantCulture),
                "5" => t.Second.ToString(CultureInfo.InvariantCulture),
                "PM" => t.Hour >= 12 ? "PM" : "AM",
                "pm" => t.Hour >= 12 ? "pm" : "am",
                "MST" => Zone,
                "Z07:00" => Offset(t.Offset, "Z", colon: true),
                "Z0700" => Offset(t.Offset, "Z", colon: false),
                "-07:00" => Offset(t.Offset, "", colon: true),
                "-0700" => Offset(t.Offset, "", colon: false),
                "-07" => Offset(t.Offset, "", colon: false)[..3],
                _ => Fraction(t, token.Length - 1, trim: token[1] == '9'),
            });
        }
        return sb.ToString();
    }

    private static string Offset(TimeSpan offset, string zulu, bool colon)
    {
        if (offset == TimeSpan.Zero && zulu.Length > 0)
            return zulu;
        var sign = offset < TimeSpan.Zero ? "-" : "+";
        var abs = offset.Duration();
        return sign + abs.Hours.ToString("D2", CultureInfo.InvariantCulture) + (colon ? ":" : "") + abs.Minutes.ToString("D2", CultureInfo.InvariantCulture);
    }

    private static string Fraction(DateTimeOffset t, int digits, bool trim)
    {
        var ticks = t.Ticks % TimeSpan.TicksPerSecond;
        var s = (ticks * 100).ToString("D9", CultureInfo.InvariantCulture)[..digits];
        if (trim)
        {
            s = s.TrimEnd('0');
            return s.Length == 0 ? "" : "." + s;
        }
        return "." + s;
    }

    /// <summary>time.ParseInLocation for the layouts charts use; throws <see cref="FunctionException"/> with Go's
    /// message when the text does not fit.</summary>
    public static GoTime Parse(string layout, string text, string zone)
    {
        int year = 1, month = 1, day = 1, hour = 0, minute = 0, second = 0;
        long nanos = 0;
        var pm = (bool?)null;
        TimeSpan? offset = null;
        var li = 0;
        var ti = 0;
        while (li < layout.Length)
        {
            var token = TokenAt(layout, li);
            if (token is null)
            {
                if (ti >= text.Length || text[ti] != layout[li])
                    throw Mismatch(layout, text, ti, layout[li..]);
                li++;
                ti++;
                continue;
            }
            var rest = text[ti..];
            li += token.Length;
            int Digits(int min, int max, out int value)
            {
                var n = 0;
                while (n < max && n < rest.Length && char.IsAsciiDigit(rest[n]))
                    n++;
                if (n < min)
                    throw Mismatch(layout, text, ti, token);
                value = int.Parse(rest[..n], CultureInfo.InvariantCulture);
                return n;
            }
            int Name(string[] names, out int index)
            {
                for (var k = 0; k < names.Length; k++)
                    if (rest.StartsWith(names[k], StringComparison.OrdinalIgnoreCase))
                    {
                        index = k;
                        return names[k].Length;
                    }
                throw Mismatch(layout, text, ti, token);
            }
            switch (token)
            {
                case "2006": ti += Digits(4, 4, out year); break;
                case "06":
                    ti += Digits(2, 2, out var yy);
                    year = yy >= 69 ? 1900 + yy : 2000 + yy;
                    break;
                case "01": ti += Digits(2, 2, out month); break;
                case "1": ti += Digits(1, 2, out month); break;
                case "January":
                    ti += Name(CultureInfo.InvariantCulture.DateTimeFormat.MonthNames[..12], out var longMonth);
                    month = longMonth + 1;
                    break;
                case "Jan":
                    ti += Name(CultureInfo.InvariantCulture.DateTimeFormat.AbbreviatedMonthNames[..12], out var shortMonth);
                    month = shortMonth + 1;
                    break;
                case "Monday": ti += Name(CultureInfo.InvariantCulture.DateTimeFormat.DayNames, out _); break;
                case "Mon": ti += Name(CultureInfo.InvariantCulture.DateTimeFormat.AbbreviatedDayNames, out _); break;
                case "02": ti += Digits(2, 2, out day); break;
                case "_2" when rest.StartsWith(' '):
                    ti++;
                    rest = rest[1..];
                    ti += Digits(1, 1, out day);
                    break;
                case "2" or "_2": ti += Digits(1, 2, out day); break;
                case "002": ti += Digits(3, 3, out _); break;
                case "15": ti += Digits(1, 2, out hour); break;
                case "03" or "3": ti += Digits(token.Length, 2, out hour); break;
                case "04" or "4": ti += Digits(token.Length, 2, out minute); break;
                case "05" or "5": ti += Digits(token.Length, 2, out second); break;
                case "PM" or "pm":
                    if (rest.Length < 2)
                        throw Mismatch(layout, text, ti, token);
                    pm = rest[..2].Equals("PM", StringComparison.OrdinalIgnoreCase);
                    ti += 2;
                    break;
                case "MST":
                    var letters = rest.TakeWhile(char.IsAsciiLetterUpper).Count();
                    ti += letters >= 3 ? letters : throw Mismatch(layout, text, ti, token);
                    break;
                case "Z07:00" or "Z0700" or "-07:00" or "-0700" or "-07":
                    ti += ParseOffset(rest, token, out offset) ?? throw Mismatch(layout, text, ti, token);
                    break;
                default: ti += ParseFraction(rest, out nanos); break;
            }
        }
        if (ti < text.Length)
            throw new FunctionException($"parsing time {GoFormat.GoQuote(text)}: extra text: {GoFormat.GoQuote(text[ti..])}");
        if (pm == true && hour < 12)
            hour += 12;
        else if (pm == false && hour == 12)
            hour = 0;
        if (month is < 1 or > 12)
            throw new FunctionException($"parsing time {GoFormat.GoQuote(text)}: month out of range");
        if (day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
            throw new FunctionException($"parsing time {GoFormat.GoQuote(text)}: day out of range");
        var clock = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(nanos / 100);
        if (offset is { } o)
            return new GoTime(new DateTimeOffset(clock, o), o == TimeSpan.Zero ? "UTC" : Offset(o, "", colon: false));
        var tz = FindZone(zone);
        var local = new DateTimeOffset(clock, tz.GetUtcOffset(clock));
        return new GoTime(local, Abbreviation(tz, local));
    }

    private static int? ParseOffset(string rest, string token, out TimeSpan? offset)
    {
        offset = null;
        if (token[0] == 'Z' && rest.StartsWith('Z'))
        {
            offset = TimeSpan.Zero;
            return 1;
        }
        // The layout's "-07"/"Z07" stands for a sign and two digits.
        var length = token.TrimStart('Z', '-').Length + 1;
        if (rest.Length < length || (rest[0] != '+' && rest[0] != '-'))
            return null;
        var digits = rest[1..length].Replace(":", "", StringComparison.Ordinal);
        if (!digits.All(char.IsAsciiDigit) || digits.Length < 2)
            return null;
        var span = new TimeSpan(int.Parse(digits[..2], CultureInfo.InvariantCulture), digits.Length >= 4 ? int.Parse(digits[2..4], CultureInfo.InvariantCulture) : 0, 0);
        offset = rest[0] == '-' ? -span : span;
        return length;
    }

    private static int ParseFraction(string rest, out long nanos)
    {
        nanos = 0;
        if (!rest.StartsWith('.') && !rest.StartsWith(','))
            return 0;
        var n = 1;
        while (n < rest.Length && char.IsAsciiDigit(rest[n]))
            n++;
        var digits = rest[1..n].PadRight(9, '0')[..9];
        nanos = long.Parse(digits, CultureInfo.InvariantCulture);
        return n;
    }

    private static FunctionException Mismatch(string layout, string text, int at, string element) =>
        new($"parsing time {GoFormat.GoQuote(text)} as {GoFormat.GoQuote(layout)}: cannot parse {GoFormat.GoQuote(text[Math.Min(at, text.Length)..])} as {GoFormat.GoQuote(element)}");
}
