using System.Globalization;
using Tide.Engine.Helm.Template;
using P = Tide.Engine.Helm.Template.GoParam;

namespace Tide.Engine.Helm.Functions;

/// <summary>Sprig v3 date functions (time-dependent output by nature).</summary>
public static class SprigDates
{
    public static IEnumerable<GoFunction> All() =>
    [
        GoFunction.Fixed("now", _ => new GoTime(DateTimeOffset.UtcNow), []),
        GoFunction.Fixed("date", a => ToTime(a[1]).Format((string)a[0]!), P.String, P.Any),
        GoFunction.Fixed("dateInZone", a => ToTime(a[1]).Format((string)a[0]!), P.String, P.Any, P.String),
        GoFunction.Fixed("htmlDate", a => ToTime(a[0]).Format("2006-01-02"), P.Any),
        GoFunction.Fixed("htmlDateInZone", a => ToTime(a[0]).Format("2006-01-02"), P.Any, P.String),
        GoFunction.Fixed("unixEpoch", a => ToTime(a[0]).Value.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), P.Any),
        GoFunction.Fixed("toDate", a => ParseDate((string)a[1]!), P.String, P.String),
        GoFunction.Fixed("mustToDate", a => ParseDate((string)a[1]!), P.String, P.String),
        GoFunction.Fixed("dateModify", a => new GoTime(ToTime(a[1]).Value + ParseDuration((string)a[0]!)), P.String, P.Any),
        GoFunction.Fixed("ago", a => (DateTimeOffset.UtcNow - ToTime(a[0]).Value).ToString(), P.Any),
        GoFunction.Fixed("duration", a => TimeSpan.FromSeconds(GoCast.ToInt64(a[0])).ToString(), P.Any),
    ];

    private static GoTime ToTime(object? v) => v switch
    {
        GoTime t => t,
        int or long => new GoTime(DateTimeOffset.FromUnixTimeSeconds(GoCast.ToInt64(v))),
        _ => new GoTime(DateTimeOffset.UtcNow),
    };

    private static GoTime ParseDate(string s) =>
        DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d)
            ? new GoTime(d)
            : new GoTime(DateTimeOffset.UnixEpoch);

    private static TimeSpan ParseDuration(string s)
    {
        var m = System.Text.RegularExpressions.Regex.Match(s, @"^(-?)(\d+)(h|m|s)$");
        if (!m.Success) return TimeSpan.Zero;
        var n = double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) * (m.Groups[1].Value == "-" ? -1 : 1);
        return m.Groups[3].Value switch { "h" => TimeSpan.FromHours(n), "m" => TimeSpan.FromMinutes(n), _ => TimeSpan.FromSeconds(n) };
    }
}
