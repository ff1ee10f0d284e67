using System.Text;

namespace Tide.Engine.Helm.Template;

/// <summary>Go's text/template builtin functions (and/or are evaluated lazily by the executor itself).</summary>
public static class Builtins
{
    private enum Kind { Invalid, Bool, Int, Uint, Float, String, Other }

    public static IEnumerable<GoFunction> All() =>
    [
        GoFunction.Fixed("not", a => !GoValue.IsTrue(a[0]), GoParam.Any),
        GoFunction.Fixed("len", a => Length(a[0]), GoParam.Any),
        GoFunction.Variadic("index", GoParam.Any, a => Index(a[0], a[1..]), GoParam.Any),
        GoFunction.Variadic("slice", GoParam.Any, a => Slice(a[0], a[1..]), GoParam.Any),
        GoFunction.Variadic("print", GoParam.Any, a => GoFormat.Sprint(a)),
        GoFunction.Variadic("println", GoParam.Any, a => GoFormat.Sprintln(a)),
        GoFunction.Variadic("printf", GoParam.Any, a => GoFormat.Sprintf((string)a[0]!, a[1..]), GoParam.String),
        GoFunction.Variadic("html", GoParam.Any, a => HtmlEscape(EvalArgs(a))),
        GoFunction.Variadic("js", GoParam.Any, a => JsEscape(EvalArgs(a))),
        GoFunction.Variadic("urlquery", GoParam.Any, a => Uri.EscapeDataString(EvalArgs(a)).Replace("%20", "+")),
        GoFunction.Variadic("eq", GoParam.Any, a => Eq(a[0], a[1..]), GoParam.Any),
        GoFunction.Fixed("ne", a => !Eq(a[0], [a[1]]), GoParam.Any, GoParam.Any),
        GoFunction.Fixed("lt", a => Less(a[0], a[1]), GoParam.Any, GoParam.Any),
        GoFunction.Fixed("le", a => Less(a[0], a[1]) || Eq(a[0], [a[1]]), GoParam.Any, GoParam.Any),
        GoFunction.Fixed("gt", a => !(Less(a[0], a[1]) || Eq(a[0], [a[1]])), GoParam.Any, GoParam.Any),
        GoFunction.Fixed("ge", a => !Less(a[0], a[1]), GoParam.Any, GoParam.Any),
    ];

    private static string EvalArgs(object?[] a) => a.Length == 1 && a[0] is string s ? s : GoFormat.Sprint(a);

    private static int Length(object? v) => v switch
    {
        null => throw new FunctionException("len of nil pointer"),
        string s => Encoding.UTF8.GetByteCount(s),
        byte[] b => b.Length,
        List<object?> l => l.Count,
        Dictionary<string, object?> m => m.Count,
        IGoMap m => m.SortedEntries.Count,
        _ => throw new FunctionException("len of type " + GoValue.TypeName(v)),
    };

    private static object? Index(object? item, object?[] indexes)
    {
        foreach (var ix in indexes)
        {
            switch (item)
            {
                case null:
                    throw new FunctionException("index of untyped nil");
                case List<object?> list:
                    {
                        var i = IndexInt(ix);
                        if (i >= list.Count) throw new FunctionException($"index out of range: {i}");
                        item = list[(int)i];
                        break;
                    }
                case byte[] bytes:
                    {
                        var i = IndexInt(ix);
                        if (i >= bytes.Length) throw new FunctionException($"index out of range: {i}");
                        item = bytes[i];
                        break;
                    }
                case string s:
                    {
                        var b = Encoding.UTF8.GetBytes(s);
                        var i = IndexInt(ix);
                        if (i >= b.Length) throw new FunctionException($"index out of range: {i}");
                        item = b[i];
                        break;
                    }
                case Dictionary<string, object?> map:
                    if (ix is not string key)
                        throw new FunctionException(ix is null ? "value is nil; should be of type string" : $"value has type {GoValue.TypeName(ix)}; should be string");
                    item = map.TryGetValue(key, out var v) ? v : null;
                    break;
                case IGoMap goMap:
                    if (ix is not string k2)
                        throw new FunctionException($"value has type {GoValue.TypeName(ix)}; should be string");
                    item = goMap.TryGetEntry(k2, out var v2) ? v2 : null;
                    break;
                default:
                    throw new FunctionException($"can't index item of type {GoValue.TypeName(item)}");
            }
        }
        return item;
    }

    private static int IndexInt(object? ix)
    {
        if (!GoValue.IsInteger(ix))
            throw new FunctionException(ix is null ? "cannot index slice/array with nil" : $"cannot index slice/array with type {GoValue.TypeName(ix)}");
        var i = GoValue.ToLong(ix!);
        if (i < 0 || i > int.MaxValue)
            throw new FunctionException($"index out of range: {i}");
        return (int)i;
    }

    private static object? Slice(object? item, object?[] indexes)
    {
        if (item is null)
            throw new FunctionException("slice of untyped nil");
        if (indexes.Length > 3)
            throw new FunctionException($"too many slice indexes: {indexes.Length}");
        int len = item switch
        {
            string s => Encoding.UTF8.GetByteCount(s),
            List<object?> l => l.Count,
            byte[] b => b.Length,
            _ => throw new FunctionException("can't slice item of type " + GoValue.TypeName(item)),
        };
        var idx = new[] { 0, len };
        for (var i = 0; i < indexes.Length; i++)
        {
            var v = IndexInt(indexes[i]);
            if (v > len) throw new FunctionException($"index out of range: {v}");
            idx[Math.Min(i, 1)] = v;
        }
        if (idx[0] > idx[1])
            throw new FunctionException($"invalid slice index: {idx[0]} > {idx[1]}");
        return item switch
        {
            string s => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(s)[idx[0]..idx[1]]),
            List<object?> l => l.GetRange(idx[0], idx[1] - idx[0]),
            byte[] b => b[idx[0]..idx[1]],
            _ => null,
        };
    }

    private static Kind BasicKind(object? v) => v switch
    {
        null => Kind.Invalid,
        bool => Kind.Bool,
        int or long => Kind.Int,
        ulong => Kind.Uint,
        double => Kind.Float,
        string => Kind.String,
        _ => Kind.Other,
    };

    /// <summary>Go's eq: true if arg1 equals any of the others; ints of any width compare by value.</summary>
    public static bool Eq(object? a, object?[] others)
    {
        if (others.Length == 0)
            throw new FunctionException("missing argument for comparison");
        var k1 = BasicKind(a);
        foreach (var b in others)
        {
            var k2 = BasicKind(b);
            bool truth;
            if (k1 != k2)
            {
                if (k1 == Kind.Int && k2 == Kind.Uint)
                    truth = GoValue.ToLong(a!) >= 0 && (ulong)GoValue.ToLong(a!) == (ulong)b!;
                else if (k1 == Kind.Uint && k2 == Kind.Int)
                    truth = GoValue.ToLong(b!) >= 0 && (ulong)a! == (ulong)GoValue.ToLong(b!);
                else if (a is not null && b is not null)
                    throw new FunctionException($"incompatible types for comparison: {GoValue.TypeName(a)} and {GoValue.TypeName(b)}");
                else
                    truth = false;
            }
            else
            {
                truth = k1 switch
                {
                    Kind.Invalid => true,
                    Kind.Bool => (bool)a! == (bool)b!,
                    Kind.Int => GoValue.ToLong(a!) == GoValue.ToLong(b!),
                    Kind.Uint => (ulong)a! == (ulong)b!,
                    Kind.Float => (double)a! == (double)b!,
                    Kind.String => (string)a! == (string)b!,
                    _ => a is List<object?> or Dictionary<string, object?>
                        ? throw new FunctionException($"non-comparable type {GoValue.Format(a)}: {GoValue.TypeName(a)}")
                        : ReferenceEquals(a, b) || Equals(a, b),
                };
            }
            if (truth)
                return true;
        }
        return false;
    }

    public static bool Less(object? a, object? b)
    {
        var k1 = BasicKind(a);
        var k2 = BasicKind(b);
        if (k1 is Kind.Invalid or Kind.Other or Kind.Bool || k2 is Kind.Invalid or Kind.Other or Kind.Bool)
            throw new FunctionException("invalid type for comparison");
        if (k1 != k2)
        {
            if (k1 == Kind.Int && k2 == Kind.Uint)
                return GoValue.ToLong(a!) < 0 || (ulong)GoValue.ToLong(a!) < (ulong)b!;
            if (k1 == Kind.Uint && k2 == Kind.Int)
                return GoValue.ToLong(b!) >= 0 && (ulong)a! < (ulong)GoValue.ToLong(b!);
            throw new FunctionException($"incompatible types for comparison: {GoValue.TypeName(a)} and {GoValue.TypeName(b)}");
        }
        return k1 switch
        {
            Kind.Int => GoValue.ToLong(a!) < GoValue.ToLong(b!),
            Kind.Uint => (ulong)a! < (ulong)b!,
            Kind.Float => (double)a! < (double)b!,
            _ => string.CompareOrdinal((string)a!, (string)b!) < 0,
        };
    }

    /// <summary>Go's template.HTMLEscapeString.</summary>
    public static string HtmlEscape(string s)
    {
        var sb = new StringBuilder();
        foreach (var c in s)
        {
            sb.Append(c switch
            {
                '\0' => "\uFFFD",
                '"' => "&#34;",
                '\'' => "&#39;",
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }

    /// <summary>Go's template.JSEscapeString.</summary>
    public static string JsEscape(string s)
    {
        var sb = new StringBuilder();
        foreach (var c in s)
        {
            switch (c)
            {
                case '\\': sb.Append(@"\\"); break;
                case '\'': sb.Append(@"\'"); break;
                case '"': sb.Append("\\\""); break;
                case '<': sb.Append(@"\u003C"); break;
                case '>': sb.Append(@"\u003E"); break;
                case '&': sb.Append(@"\u0026"); break;
                case '=': sb.Append(@"\u003D"); break;
                case '\n': sb.Append(@"\n"); break;
                case '\r': sb.Append(@"\r"); break;
                case '\t': sb.Append(@"\t"); break;
                default:
                    if (c < ' ')
                        sb.Append(@"\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
                    else
                        sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }
}
