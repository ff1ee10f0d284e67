using System.Globalization;
using System.Text;
using Tide.Engine.Helm.Template;
using static Tide.Engine.Helm.Functions.GoCast;
using P = Tide.Engine.Helm.Template.GoParam;

namespace Tide.Engine.Helm.Functions;

/// <summary>Sprig v3 math: integer ops on int64, float ops through decimals, ranges, conversions.</summary>
public static class SprigMath
{
    public static IEnumerable<GoFunction> All() =>
    [
        GoFunction.Variadic("add", P.Any, a => a.Aggregate(0L, (acc, x) => acc + ToInt64(x))),
        GoFunction.Fixed("add1", a => ToInt64(a[0]) + 1, P.Any),
        GoFunction.Fixed("sub", a => ToInt64(a[0]) - ToInt64(a[1]), P.Any, P.Any),
        GoFunction.Fixed("div", a => ToInt64(a[1]) == 0 ? throw new FunctionException("runtime error: integer divide by zero") : ToInt64(a[0]) / ToInt64(a[1]), P.Any, P.Any),
        GoFunction.Fixed("mod", a => ToInt64(a[1]) == 0 ? throw new FunctionException("runtime error: integer divide by zero") : ToInt64(a[0]) % ToInt64(a[1]), P.Any, P.Any),
        GoFunction.Variadic("mul", P.Any, a => a[1..].Aggregate(ToInt64(a[0]), (acc, x) => acc * ToInt64(x)), P.Any),
        GoFunction.Variadic("max", P.Any, Biggest, P.Any),
        GoFunction.Variadic("biggest", P.Any, Biggest, P.Any),
        GoFunction.Variadic("min", P.Any, a => a[1..].Aggregate(ToInt64(a[0]), (acc, x) => Math.Min(acc, ToInt64(x))), P.Any),
        GoFunction.Variadic("addf", P.Any, a => DecimalOp(0, a, (x, y) => x + y)),
        GoFunction.Fixed("add1f", a => DecimalOp(a[0], [1], (x, y) => x + y), P.Any),
        GoFunction.Variadic("subf", P.Any, a => DecimalOp(a[0], a[1..], (x, y) => x - y), P.Any),
        GoFunction.Variadic("mulf", P.Any, a => DecimalOp(a[0], a[1..], (x, y) => x * y), P.Any),
        GoFunction.Variadic("divf", P.Any, a => DecimalOp(a[0], a[1..], (x, y) => Math.Round(x / y, 16, MidpointRounding.AwayFromZero)), P.Any),
        GoFunction.Variadic("maxf", P.Any, a => a[1..].Aggregate(ToFloat64(a[0]), (acc, x) => Math.Max(acc, ToFloat64(x))), P.Any),
        GoFunction.Variadic("minf", P.Any, a => a[1..].Aggregate(ToFloat64(a[0]), (acc, x) => Math.Min(acc, ToFloat64(x))), P.Any),
        GoFunction.Fixed("floor", a => Math.Floor(ToFloat64(a[0])), P.Any),
        GoFunction.Fixed("ceil", a => Math.Ceiling(ToFloat64(a[0])), P.Any),
        GoFunction.Variadic("round", P.Any, a => Round(ToFloat64(a[0]), ToInt(a[1]), a.Length > 2 ? ToFloat64(a[2]) : 0.5), P.Any, P.Int),
        // Go's int is 64 bits; Tide keeps Go ints as C# int where they fit.
        GoFunction.Fixed("int", a => GoInt(ToInt64(a[0])), P.Any),
        GoFunction.Fixed("int64", a => ToInt64(a[0]), P.Any),
        GoFunction.Fixed("float64", a => ToFloat64(a[0]), P.Any),
        GoFunction.Fixed("atoi", a => int.TryParse((string)a[0]!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i) ? i : 0, P.String),
        GoFunction.Fixed("toDecimal", a => TryOctal(StrVal(a[0])), P.Any),
        GoFunction.Fixed("until", a => UntilStep(0, (int)a[0]!, (int)a[0]! < 0 ? -1 : 1), P.Int),
        GoFunction.Fixed("untilStep", a => UntilStep((int)a[0]!, (int)a[1]!, (int)a[2]!), P.Int, P.Int, P.Int),
        GoFunction.Variadic("seq", P.Int, a => Seq(a.Select(x => (int)x!).ToArray())),
        // rand.Intn(max-min)+min: an empty range panics as math/rand does.
        GoFunction.Fixed("randInt", a => (int)a[1]! > (int)a[0]! ? Random.Shared.Next((int)a[0]!, (int)a[1]!) : throw new FunctionException("invalid argument to Intn"), P.Int, P.Int),
    ];

    private static long TryOctal(string s)
    {
        try { return Convert.ToInt64(s, 8); }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException) { return 0; }
    }

    private static decimal Dec(object? v) => v switch
    {
        string s => decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : 0,
        // decimal.NewFromFloat takes the shortest text that round-trips, not a 15-digit approximation.
        _ => decimal.Parse(ToFloat64(v).ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    private static double DecimalOp(object? first, object?[] rest, Func<decimal, decimal, decimal> op)
    {
        try
        {
            var acc = Dec(first);
            foreach (var x in rest)
                acc = op(acc, Dec(x));
            // shopspring/decimal's Float64 parses the decimal's text: the nearest double to the exact decimal.
            return double.Parse(acc.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        }
        catch (OverflowException)
        {
            // shopspring's decimals have no range limit; beyond System.Decimal's the function fails rather than guess.
            throw new FunctionException("value out of range for decimal arithmetic");
        }
    }

    private static double Round(double a, int p, double r)
    {
        var pow = Math.Pow(10, p);
        var digit = pow * a;
        // math.Modf's fraction (negative below zero), then Ceil or Floor, as Sprig's round.
        var div = digit - Math.Truncate(digit);
        var round = div >= r ? Math.Ceiling(digit) : Math.Floor(digit);
        return round / pow;
    }

    private static List<object?> UntilStep(int start, int stop, int step)
    {
        var list = new List<object?>();
        if (step == 0) return list;
        if (step > 0)
            for (var i = start; i < stop; i += step) list.Add(i);
        else
            for (var i = start; i > stop; i += step) list.Add(i);
        return list;
    }

    /// <summary>Sprig's seq, after GNU seq: [end] | start end | start step end.</summary>
    /// <summary>Sprig's seq: like GNU seq (1..N, START..END, START STEP END), through untilStep.</summary>
    private static string Seq(int[] p)
    {
        List<object?> values;
        switch (p.Length)
        {
            case 1:
                var up = p[0] < 1 ? -1 : 1;
                values = UntilStep(1, p[0] + up, up);
                break;
            case 2:
                var step = p[1] < p[0] ? -1 : 1;
                values = UntilStep(p[0], p[1] + step, step);
                break;
            case 3:
                var increment = p[2] < p[0] ? -1 : 1;
                if (p[2] < p[0] && p[1] > 0)
                    return "";
                values = UntilStep(p[0], p[2] + increment, p[1]);
                break;
            default:
                return "";
        }
        return string.Join(' ', values);
    }

    private static object Biggest(object?[] a) => a[1..].Aggregate(ToInt64(a[0]), (acc, x) => Math.Max(acc, ToInt64(x)));

    private static object GoInt(long n) => n is >= int.MinValue and <= int.MaxValue ? (object)(int)n : n;
}
