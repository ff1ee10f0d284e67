using Tide.Engine.Helm.Template;
using static Tide.Engine.Helm.Functions.GoCast;
using P = Tide.Engine.Helm.Template.GoParam;

namespace Tide.Engine.Helm.Functions;

/// <summary>Sprig v3 list and dict functions (merge semantics of dario.cat/mergo as Sprig calls it).</summary>
public static class SprigCollections
{
    private static Dictionary<string, object?> Map(object? v) => (Dictionary<string, object?>?)v ?? [];

    public static IEnumerable<GoFunction> All() =>
    [
        GoFunction.Variadic("list", P.Any, a => a.ToList()),
        GoFunction.Variadic("tuple", P.Any, a => a.ToList()),
        GoFunction.Variadic("dict", P.Any, Dict),
        GoFunction.Fixed("get", a => Map(a[0]).TryGetValue((string)a[1]!, out var v) ? v : "", P.Map, P.String),
        GoFunction.Fixed("set", a => { var m = Map(a[0]); m[(string)a[1]!] = a[2]; return m; }, P.Map, P.String, P.Any),
        GoFunction.Fixed("unset", a => { var m = Map(a[0]); m.Remove((string)a[1]!); return m; }, P.Map, P.String),
        GoFunction.Fixed("hasKey", a => Map(a[0]).ContainsKey((string)a[1]!), P.Map, P.String),
        GoFunction.Variadic("pluck", P.Map, a => a[1..].Select(Map).Where(m => m.ContainsKey((string)a[0]!)).Select(m => m[(string)a[0]!]).ToList(), P.String),
        GoFunction.Variadic("keys", P.Map, a => a.SelectMany(m => Map(m).Keys).Select(k => (object?)k).ToList()),
        GoFunction.Fixed("values", a => Map(a[0]).Values.ToList(), P.Map),
        GoFunction.Variadic("pick", P.String, a => Map(a[0]).Where(kv => a[1..].Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value), P.Map),
        GoFunction.Variadic("omit", P.String, a => Map(a[0]).Where(kv => !a[1..].Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value), P.Map),
        GoFunction.Variadic("merge", P.Map, a => Merge(Map(a[0]), a[1..], overwrite: false), P.Map),
        GoFunction.Variadic("mustMerge", P.Map, a => Merge(Map(a[0]), a[1..], overwrite: false), P.Map),
        GoFunction.Variadic("mergeOverwrite", P.Map, a => Merge(Map(a[0]), a[1..], overwrite: true), P.Map),
        GoFunction.Variadic("mustMergeOverwrite", P.Map, a => Merge(Map(a[0]), a[1..], overwrite: true), P.Map),
        GoFunction.Fixed("deepCopy", a => DeepCopy(a[0] ?? throw NilReflect()), P.Any),
        GoFunction.Fixed("mustDeepCopy", a => DeepCopy(a[0] ?? throw NilReflect()), P.Any),
        GoFunction.Variadic("dig", P.Any, Dig),
        GoFunction.Fixed("first", a => ListOf(a[0], "find first") is { Count: > 0 } l ? l[0] : null, P.Any),
        GoFunction.Fixed("mustFirst", a => ListOf(a[0], "find first") is { Count: > 0 } l ? l[0] : null, P.Any),
        GoFunction.Fixed("last", a => ListOf(a[0], "find last") is { Count: > 0 } l ? l[^1] : null, P.Any),
        GoFunction.Fixed("mustLast", a => ListOf(a[0], "find last") is { Count: > 0 } l ? l[^1] : null, P.Any),
        GoFunction.Fixed("rest", a => ListOf(a[0], "find rest") is { Count: > 0 } l ? l.GetRange(1, l.Count - 1) : null, P.Any),
        GoFunction.Fixed("mustRest", a => ListOf(a[0], "find rest") is { Count: > 0 } l ? l.GetRange(1, l.Count - 1) : null, P.Any),
        GoFunction.Fixed("initial", a => ListOf(a[0], "find initial") is { Count: > 0 } l ? l.GetRange(0, l.Count - 1) : null, P.Any),
        GoFunction.Fixed("mustInitial", a => ListOf(a[0], "find initial") is { Count: > 0 } l ? l.GetRange(0, l.Count - 1) : null, P.Any),
        GoFunction.Fixed("append", a => new List<object?>(ListOf(a[0], "push")) { a[1] }, P.Any, P.Any),
        GoFunction.Fixed("push", a => new List<object?>(ListOf(a[0], "push")) { a[1] }, P.Any, P.Any),
        GoFunction.Fixed("mustAppend", a => new List<object?>(ListOf(a[0], "push")) { a[1] }, P.Any, P.Any),
        GoFunction.Fixed("mustPush", a => new List<object?>(ListOf(a[0], "push")) { a[1] }, P.Any, P.Any),
        GoFunction.Fixed("prepend", a => ListOf(a[0], "prepend").Prepend(a[1]).ToList(), P.Any, P.Any),
        GoFunction.Fixed("mustPrepend", a => ListOf(a[0], "prepend").Prepend(a[1]).ToList(), P.Any, P.Any),
        GoFunction.Variadic("concat", P.Any, a => a.SelectMany(l => l switch
        {
            List<object?> or byte[] => ListOf(l, "concat"),
            null => throw new FunctionException("runtime error: invalid memory address or nil pointer dereference"),
            _ => throw new FunctionException($"Cannot concat type {GoValue.KindName(l)} as list"),
        }).ToList()),
        GoFunction.Fixed("reverse", a => Enumerable.Reverse(ListOf(a[0], "find reverse")).ToList(), P.Any),
        GoFunction.Fixed("mustReverse", a => Enumerable.Reverse(ListOf(a[0], "find reverse")).ToList(), P.Any),
        GoFunction.Fixed("uniq", a => Uniq(ListOf(a[0], "find uniq")), P.Any),
        GoFunction.Fixed("mustUniq", a => Uniq(ListOf(a[0], "find uniq")), P.Any),
        GoFunction.Variadic("without", P.Any, a => ListOf(a[0], "find without").Where(x => !a[1..].Any(o => DeepEqual(o, x))).ToList(), P.Any),
        GoFunction.Variadic("mustWithout", P.Any, a => ListOf(a[0], "find without").Where(x => !a[1..].Any(o => DeepEqual(o, x))).ToList(), P.Any),
        GoFunction.Fixed("has", a => a[1] is not null && ListOf(a[1], "find has").Any(x => DeepEqual(a[0], x)), P.Any, P.Any),
        GoFunction.Fixed("mustHas", a => a[1] is not null && ListOf(a[1], "find has").Any(x => DeepEqual(a[0], x)), P.Any, P.Any),
        GoFunction.Fixed("compact", a => ListOf(a[0], "compact").Where(x => !Empty(x)).ToList(), P.Any),
        GoFunction.Fixed("mustCompact", a => ListOf(a[0], "compact").Where(x => !Empty(x)).ToList(), P.Any),
        GoFunction.Variadic("slice", P.Any, a => SliceList(a[0], a[1..]), P.Any),
        GoFunction.Variadic("mustSlice", P.Any, a => SliceList(a[0], a[1..]), P.Any),
        GoFunction.Fixed("chunk", a => Chunk((int)a[0]!, ListOf(a[1], "chunk")), P.Int, P.Any),
        GoFunction.Fixed("mustChunk", a => Chunk((int)a[0]!, ListOf(a[1], "chunk")), P.Int, P.Any),
    ];

    private static List<object?> ListOf(object? v, string op) => AsList(v, op);

    private static object? Dict(object?[] a)
    {
        var map = new Dictionary<string, object?>();
        for (var i = 0; i < a.Length; i += 2)
            map[StrVal(a[i])] = i + 1 < a.Length ? a[i + 1] : "";
        return map;
    }

    /// <summary>Sprig's dig: keys (strings) into nested maps; a missing key gives the default, a step that is not a
    /// map fails as Go's type assertion does.</summary>
    private static object? Dig(object?[] a)
    {
        if (a.Length < 3)
            throw new FunctionException("dig needs at least three arguments");
        object? current = AsMap(a[^1]);
        foreach (var k in a[..^2])
        {
            var key = k as string ?? throw new FunctionException($"interface conversion: interface {{}} is {Kind(k)}, not string");
            if (!AsMap(current).TryGetValue(key, out var next))
                return a[^2];
            current = next;
        }
        return current;

        static Dictionary<string, object?> AsMap(object? v) =>
            v as Dictionary<string, object?> ?? throw new FunctionException($"interface conversion: interface {{}} is {Kind(v)}, not map[string]interface {{}}");

        static string Kind(object? v) => v is null ? "nil" : GoValue.TypeName(v);
    }

    private static FunctionException NilReflect() => new("reflect: call of reflect.Value.Type on zero Value");

    private static List<object?> Uniq(List<object?> list)
    {
        var result = new List<object?>();
        foreach (var x in list)
            if (!result.Any(r => DeepEqual(r, x)))
                result.Add(x);
        return result;
    }

    /// <summary>Sprig's slice/mustSlice: reflect's Slice on a list, which panics past its bounds.</summary>
    private static object? SliceList(object? list, object?[] idx)
    {
        if (list is not (List<object?> or byte[]))
            throw new FunctionException($"list should be type of slice or array but {GoValue.KindName(list)}");
        var l = ListOf(list, "slice");
        if (l.Count == 0)
            return null;
        var start = idx.Length > 0 ? ToInt(idx[0]) : 0;
        var end = idx.Length > 1 ? ToInt(idx[1]) : l.Count;
        if (start < 0 || end < start || end > l.Count)
            throw new FunctionException("reflect.Value.Slice: slice index out of bounds");
        return l.GetRange(start, end - start);
    }

    /// <summary>Sprig's chunk: ceil(len/size) lists; a size that gives no sensible count fails as Go's make does.</summary>
    private static List<object?> Chunk(int size, List<object?> list)
    {
        var count = Math.Floor((list.Count - 1) / (double)size) + 1;
        if (double.IsNaN(count) || count < 0 || count > int.MaxValue)
            throw new FunctionException("runtime error: makeslice: len out of range");
        var result = new List<object?>();
        for (var i = 0; i < (int)count; i++)
            result.Add(list.GetRange(i * size, Math.Min(size, list.Count - i * size)));
        return result;
    }

    /// <summary>mergo.Merge / WithOverride on maps: nested maps merge in place; nil sources are skipped; without
    /// override a destination value is replaced only when missing or empty.</summary>
    public static Dictionary<string, object?> Merge(Dictionary<string, object?> dst, IEnumerable<object?> sources, bool overwrite)
    {
        foreach (var src in sources)
            if (src is Dictionary<string, object?> s)
                MergeInto(dst, s, overwrite);
        return dst;
    }

    private static void MergeInto(Dictionary<string, object?> dst, Dictionary<string, object?> src, bool overwrite)
    {
        foreach (var (key, srcValue) in src)
        {
            if (srcValue is null)
                continue;
            dst.TryGetValue(key, out var dstValue);
            var exists = dst.ContainsKey(key);
            if (srcValue is Dictionary<string, object?> srcMap && dstValue is Dictionary<string, object?> dstMap)
            {
                MergeInto(dstMap, srcMap, overwrite);
                continue;
            }
            if (!overwrite && exists && !Empty(dstValue) && srcValue is Dictionary<string, object?> or List<object?>)
                continue;
            if (overwrite || !exists || Empty(dstValue))
                dst[key] = srcValue;
        }
    }
}
