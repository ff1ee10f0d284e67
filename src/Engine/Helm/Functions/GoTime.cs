using System.Globalization;
using System.Text;
using Tide.Engine.Helm.Template;

namespace Tide.Engine.Helm.Functions;

/// <summary>A Go time.Time for templates: prints like Go and formats with Go reference layouts.</summary>
public sealed class GoTime(DateTimeOffset value) : IGoObject
{
    public DateTimeOffset Value { get; } = value;

    public string GoType => "time.Time";

    public bool TryGetMember(string name, object?[] args, out object? value)
    {
        value = name switch
        {
            "Unix" => Value.ToUnixTimeSeconds(),
            "Year" => Value.Year,
            "Format" when args.Length == 1 && args[0] is string layout => Format(layout),
            "UTC" => new GoTime(Value.ToUniversalTime()),
            _ => null,
        };
        return value is not null;
    }

    public override string ToString() =>
        Format("2006-01-02 15:04:05.999999999 -0700 MST");

    /// <summary>time.Format with Go's reference layout tokens.</summary>
    public string Format(string layout)
    {
        var t = Value;
        var sb = new StringBuilder();
        var i = 0;
        bool At(string token) => string.CompareOrdinal(layout, i, token, 0, token.Length) == 0;
        while (i < layout.Length)
        {
            (string Token, Func<string> Render)[] tokens =
            [
                ("2006", () => t.Year.ToString("D4", CultureInfo.InvariantCulture)),
                ("January", () => t.ToString("MMMM", CultureInfo.InvariantCulture)),
                ("Monday", () => t.ToString("dddd", CultureInfo.InvariantCulture)),
                ("-07:00", () => t.ToString("zzz", CultureInfo.InvariantCulture)),
                ("-0700", () => t.ToString("zzz", CultureInfo.InvariantCulture).Replace(":", "")),
                ("Z07:00", () => t.Offset == TimeSpan.Zero ? "Z" : t.ToString("zzz", CultureInfo.InvariantCulture)),
                (".999999999", () => Fraction(t, 9, trim: true)),
                (".000000", () => Fraction(t, 6, trim: false)),
                (".000", () => Fraction(t, 3, trim: false)),
                ("Jan", () => t.ToString("MMM", CultureInfo.InvariantCulture)),
                ("Mon", () => t.ToString("ddd", CultureInfo.InvariantCulture)),
                ("MST", () => t.Offset == TimeSpan.Zero ? "UTC" : t.ToString("zzz", CultureInfo.InvariantCulture)),
                ("01", () => t.Month.ToString("D2", CultureInfo.InvariantCulture)),
                ("02", () => t.Day.ToString("D2", CultureInfo.InvariantCulture)),
                ("15", () => t.Hour.ToString("D2", CultureInfo.InvariantCulture)),
                ("03", () => (t.Hour % 12 == 0 ? 12 : t.Hour % 12).ToString("D2", CultureInfo.InvariantCulture)),
                ("04", () => t.Minute.ToString("D2", CultureInfo.InvariantCulture)),
                ("05", () => t.Second.ToString("D2", CultureInfo.InvariantCulture)),
                ("06", () => (t.Year % 100).ToString("D2", CultureInfo.InvariantCulture)),
                ("PM", () => t.Hour >= 12 ? "PM" : "AM"),
                ("1", () => t.Month.ToString(CultureInfo.InvariantCulture)),
                ("2", () => t.Day.ToString(CultureInfo.InvariantCulture)),
                ("3", () => (t.Hour % 12 == 0 ? 12 : t.Hour % 12).ToString(CultureInfo.InvariantCulture)),
            ];
            var matched = false;
            foreach (var (token, render) in tokens)
            {
                if (!At(token))
                    continue;
                sb.Append(render());
                i += token.Length;
                matched = true;
                break;
            }
            if (!matched)
                sb.Append(layout[i++]);
        }
        return sb.ToString();
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
}
