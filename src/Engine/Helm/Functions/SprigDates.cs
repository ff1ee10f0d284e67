using System.Globalization;
using Tide.Engine.Helm.Template;
using P = Tide.Engine.Helm.Template.GoParam;

namespace Tide.Engine.Helm.Functions;

/// <summary>Sprig v3 date functions: times in this machine's zone ("Local", UTC under `TZ=UTC`) unless a zone is
/// named, Go layouts, Go durations.</summary>
public static class SprigDates
{
    public static IEnumerable<GoFunction> All() =>
    [
        GoFunction.Fixed("now", _ => GoTime.Now(), []),
        GoFunction.Fixed("date", a => ToTime(a[1]).In("Local").Format((string)a[0]!), P.String, P.Any),
        GoFunction.Fixed("dateInZone", a => ToTime(a[1]).In((string)a[2]!).Format((string)a[0]!), P.String, P.Any, P.String),
        GoFunction.Fixed("date_in_zone", a => ToTime(a[1]).In((string)a[2]!).Format((string)a[0]!), P.String, P.Any, P.String),
        GoFunction.Fixed("htmlDate", a => ToTime(a[0]).In("Local").Format("2006-01-02"), P.Any),
        GoFunction.Fixed("htmlDateInZone", a => ToTime(a[0]).In((string)a[1]!).Format("2006-01-02"), P.Any, P.String),
        GoFunction.Fixed("unixEpoch", a => ((GoTime)a[0]!).Value.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), P.Time),
        GoFunction.Fixed("toDate", a => ToDate((string)a[0]!, (string)a[1]!), P.String, P.String),
        GoFunction.Fixed("mustToDate", a => GoTime.Parse((string)a[0]!, (string)a[1]!, "Local"), P.String, P.String),
        GoFunction.Fixed("dateModify", a => DateModify((string)a[0]!, (GoTime)a[1]!, must: false), P.String, P.Time),
        GoFunction.Fixed("date_modify", a => DateModify((string)a[0]!, (GoTime)a[1]!, must: false), P.String, P.Time),
        GoFunction.Fixed("mustDateModify", a => DateModify((string)a[0]!, (GoTime)a[1]!, must: true), P.String, P.Time),
        GoFunction.Fixed("must_date_modify", a => DateModify((string)a[0]!, (GoTime)a[1]!, must: true), P.String, P.Time),
        GoFunction.Fixed("ago", a => Ago(a[0]), P.Any),
        GoFunction.Fixed("duration", a => GoDuration.Format(checked(DurationSeconds(a[0]) * GoDuration.Second)), P.Any),
        GoFunction.Fixed("durationRound", a => DurationRound(a[0]), P.Any),
    ];

    /// <summary>Sprig's date argument: a time, or Unix seconds as int/int64/int32; anything else is now.</summary>
    private static GoTime ToTime(object? v) => v switch
    {
        GoTime t => t,
        int or long => GoTime.FromUnix(GoCast.ToInt64(v)),
        _ => GoTime.Now(),
    };

    private static GoTime ToDate(string layout, string text)
    {
        try
        {
            return GoTime.Parse(layout, text, "Local");
        }
        catch (FunctionException)
        {
            return GoTime.Zero;
        }
    }

    private static GoTime DateModify(string duration, GoTime t, bool must)
    {
        long d;
        try
        {
            d = GoDuration.Parse(duration);
        }
        catch (FunctionException) when (!must)
        {
            return t;
        }
        return new GoTime(t.Value.AddTicks(d / 100), t.Zone);
    }

    private static string Ago(object? v)
    {
        var t = v switch
        {
            GoTime time => time,
            int or long => GoTime.FromUnix(GoCast.ToInt64(v)),
            _ => GoTime.Now(),
        };
        var elapsed = (DateTimeOffset.UtcNow - t.Value).Ticks * 100;
        // time.Duration.Round(time.Second): halves away from zero.
        var rounded = (long)Math.Round(elapsed / (double)GoDuration.Second, MidpointRounding.AwayFromZero) * GoDuration.Second;
        return GoDuration.Format(rounded);
    }

    /// <summary>duration's argument: int64 seconds, or a string of them; anything else is 0.</summary>
    private static long DurationSeconds(object? v) => v switch
    {
        long l => l,
        string s => long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : 0,
        _ => 0,
    };

    private static string DurationRound(object? v)
    {
        long d = v switch
        {
            string s => TryParseDuration(s),
            long l => l,
            GoTime t => (DateTimeOffset.UtcNow - t.Value).Ticks * 100,
            _ => 0,
        };
        var u = d < 0 ? (ulong)-d : (ulong)d;
        const ulong day = 24 * (ulong)GoDuration.Hour;
        (ulong Size, string Suffix)[] units =
        [
            (365 * day, "y"), (30 * day, "mo"), (day, "d"), ((ulong)GoDuration.Hour, "h"), ((ulong)GoDuration.Minute, "m"), ((ulong)GoDuration.Second, "s"),
        ];
        foreach (var (size, suffix) in units)
            if (u > size)
                return (u / size).ToString(CultureInfo.InvariantCulture) + suffix;
        return "0s";
    }

    private static long TryParseDuration(string s)
    {
        try
        {
            return GoDuration.Parse(s);
        }
        catch (FunctionException)
        {
            return 0;
        }
    }
}
