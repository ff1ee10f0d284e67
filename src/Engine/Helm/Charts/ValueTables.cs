using Tide.Engine.Helm.Functions;

namespace Tide.Engine.Helm.Charts;

/// <summary>Helm's values algebra (pkg/chart/common/util coalesce.go, dependencies.go): merging user values,
/// coalescing them with chart defaults and subcharts (globals flow down, null deletes a default), and the
/// dependency rules (condition, tags, alias, import-values).</summary>
public static class ValueTables
{
    private const string GlobalKey = "global";

    /// <summary>Helm's mergeMaps for -f files and --set: maps merge recursively, everything else replaces.</summary>
    public static Dictionary<string, object?> MergeMaps(Dictionary<string, object?> a, Dictionary<string, object?> b)
    {
        var output = new Dictionary<string, object?>(a);
        foreach (var (k, v) in b)
        {
            if (v is Dictionary<string, object?> vm && output.TryGetValue(k, out var existing) && existing is Dictionary<string, object?> em)
            {
                output[k] = MergeMaps(em, vm);
                continue;
            }
            output[k] = v;
        }
        return output;
    }

    /// <summary>CoalesceValues: the chart's defaults (and its subcharts') under the given values; nulls delete.</summary>
    public static Dictionary<string, object?> Coalesce(Chart chart, Dictionary<string, object?>? values, bool merge = false)
    {
        var dest = (Dictionary<string, object?>)(GoCast.DeepCopy(values ?? []) ?? new Dictionary<string, object?>());
        return CoalesceChart(chart, dest, merge);
    }

    private static Dictionary<string, object?> CoalesceChart(Chart chart, Dictionary<string, object?> dest, bool merge)
    {
        CoalesceValues(chart, dest, merge);
        return CoalesceDeps(chart, dest, merge);
    }

    private static Dictionary<string, object?> CoalesceDeps(Chart chart, Dictionary<string, object?> dest, bool merge)
    {
        foreach (var sub in chart.Dependencies)
        {
            if (!dest.TryGetValue(sub.Name, out var existing))
            {
                dest[sub.Name] = new Dictionary<string, object?>();
            }
            else if (existing is not Dictionary<string, object?>)
            {
                throw new ChartException($"type mismatch on {sub.Name}: {existing}");
            }
            var dv = (Dictionary<string, object?>)dest[sub.Name]!;
            CoalesceGlobals(dv, dest);
            dest[sub.Name] = CoalesceChart(sub, dv, merge);
        }
        return dest;
    }

    private static void CoalesceGlobals(Dictionary<string, object?> dest, Dictionary<string, object?> src)
    {
        Dictionary<string, object?> dg;
        if (!dest.TryGetValue(GlobalKey, out var destGlobal))
            dg = [];
        else if (destGlobal is Dictionary<string, object?> d)
            dg = d;
        else
            return;
        Dictionary<string, object?> sg;
        if (!src.TryGetValue(GlobalKey, out var srcGlobal))
            sg = [];
        else if (srcGlobal is Dictionary<string, object?> s)
            sg = s;
        else
            return;
        foreach (var (key, val) in sg)
        {
            if (val is Dictionary<string, object?> vmap)
            {
                var vv = new Dictionary<string, object?>(vmap);
                if (!dg.TryGetValue(key, out var destv))
                {
                    dg[key] = vv;
                }
                else if (destv is Dictionary<string, object?> destvmap)
                {
                    CoalesceTables(vv, destvmap, merge: true);
                    dg[key] = vv;
                }
            }
            else if (dg.TryGetValue(key, out var dv) && dv is Dictionary<string, object?>)
            {
                // A table in the destination is not replaced by a scalar.
            }
            else
            {
                dg[key] = val;
            }
        }
        dest[GlobalKey] = dg;
    }

    private static void CoalesceValues(Chart chart, Dictionary<string, object?> v, bool merge)
    {
        var defaults = (Dictionary<string, object?>)GoCast.DeepCopy(chart.Values)!;
        foreach (var (key, val) in defaults)
        {
            if (v.TryGetValue(key, out var value))
            {
                if (value is null && !merge)
                {
                    v.Remove(key);
                }
                else if (value is Dictionary<string, object?> dest && val is Dictionary<string, object?> src)
                {
                    var childMerge = merge || chart.Dependencies.Any(d => d.Name == key);
                    CoalesceTables(dest, src, childMerge);
                }
            }
            else
            {
                v[key] = val;
            }
        }
    }

    /// <summary>coalesceTablesFullKey: dst wins; src fills gaps; nested tables recurse; null in dst deletes.</summary>
    public static Dictionary<string, object?> CoalesceTables(Dictionary<string, object?> dst, Dictionary<string, object?> src, bool merge = false)
    {
        foreach (var (key, val) in src)
        {
            var present = dst.TryGetValue(key, out var dv);
            if (present && !merge && dv is null)
            {
                dst.Remove(key);
            }
            else if (!present)
            {
                dst[key] = val;
            }
            else if (val is Dictionary<string, object?> srcTable)
            {
                if (dv is Dictionary<string, object?> dstTable)
                    CoalesceTables(dstTable, srcTable, merge);
            }
        }
        return dst;
    }

    /// <summary>Values.Table("a.b.c"): the nested map at a dotted path, or null.</summary>
    public static Dictionary<string, object?>? Table(Dictionary<string, object?> values, string path)
    {
        object? current = values;
        foreach (var part in path.Split('.'))
        {
            if (current is not Dictionary<string, object?> m || !m.TryGetValue(part, out current))
                return null;
        }
        return current as Dictionary<string, object?>;
    }

    private static bool TryPathValue(Dictionary<string, object?> values, string path, out object? value)
    {
        value = null;
        var parts = path.Split('.');
        var table = parts.Length == 1 ? values : Table(values, string.Join('.', parts[..^1]));
        return table is not null && table.TryGetValue(parts[^1], out value);
    }

    /// <summary>ProcessDependenciesWithMerge: drop disabled subcharts (tags, then conditions), apply aliases, then
    /// import values from children into parents.</summary>
    public static void ProcessDependencies(Chart chart, Dictionary<string, object?> values)
    {
        ProcessEnabled(chart, values, "");
        ProcessImportValues(chart);
    }

    private static void ProcessEnabled(Chart c, Dictionary<string, object?> v, string path)
    {
        if (c.Metadata.Dependencies.Count == 0)
            return;
        var chartDeps = new List<Chart>();
        foreach (var existing in c.Dependencies)
        {
            var listed = c.Metadata.Dependencies.Any(req => existing.Name == req.Name && VersionFits(req.Version, existing.Metadata.Version));
            if (!listed)
                chartDeps.Add(existing);
        }
        foreach (var req in c.Metadata.Dependencies)
        {
            var found = c.Dependencies.FirstOrDefault(ch => ch.Name == req.Name && VersionFits(req.Version, ch.Metadata.Version));
            if (found is not null)
            {
                var dep = req.Alias.Length > 0 ? found.CopyAs(req.Alias) : found;
                dep.Parent = c;
                chartDeps.Add(dep);
            }
            if (req.Alias.Length > 0)
                req.Name = req.Alias;
        }
        c.Dependencies = chartDeps;
        foreach (var req in c.Metadata.Dependencies)
            req.Enabled = true;
        var cvals = Coalesce(c, v);
        ProcessTags(c.Metadata.Dependencies, cvals);
        ProcessConditions(c.Metadata.Dependencies, cvals, path);
        var removed = c.Metadata.Dependencies.Where(r => !r.Enabled).Select(r => r.Name).ToHashSet();
        var kept = c.Dependencies.Where(d => !removed.Contains(d.Name)).ToList();
        var keptMeta = c.Metadata.Dependencies.Where(r => !removed.Contains(r.Name)).ToList();
        foreach (var sub in kept)
            ProcessEnabled(sub, cvals, path + sub.Name + ".");
        c.Metadata.Dependencies = keptMeta;
        c.Dependencies = kept;
    }

    private static bool VersionFits(string constraint, string version)
    {
        if (constraint.Length == 0)
            return true;
        return Semver.TryParse(version, out var v) && SafeSatisfies(constraint, v!);
    }

    private static bool SafeSatisfies(string constraint, Semver v)
    {
        try { return Semver.Satisfies(constraint, v); }
        catch (Template.FunctionException) { return false; }
    }

    private static void ProcessTags(List<ChartDependency> reqs, Dictionary<string, object?> cvals)
    {
        if (Table(cvals, "tags") is not { } tags)
            return;
        foreach (var r in reqs)
        {
            bool hasTrue = false, hasFalse = false;
            foreach (var k in r.Tags)
            {
                if (tags.TryGetValue(k, out var tv) && tv is bool b)
                {
                    if (b) hasTrue = true;
                    else hasFalse = true;
                }
            }
            if (!hasTrue && hasFalse)
                r.Enabled = false;
            else if (hasTrue || (!hasTrue && !hasFalse))
                r.Enabled = true;
        }
    }

    private static void ProcessConditions(List<ChartDependency> reqs, Dictionary<string, object?> cvals, string path)
    {
        foreach (var r in reqs)
        {
            foreach (var raw in r.Condition.Trim().Split(','))
            {
                var cond = raw.Trim();
                if (cond.Length == 0)
                    continue;
                if (TryPathValue(cvals, path + cond, out var vv) && vv is bool b)
                {
                    r.Enabled = b;
                    break;
                }
            }
        }
    }

    private static void ProcessImportValues(Chart c)
    {
        foreach (var d in c.Dependencies)
            ProcessImportValues(d);
        if (c.Metadata.Dependencies.Count == 0)
            return;
        var cvals = Coalesce(c, null, merge: true);
        var b = new Dictionary<string, object?>();
        foreach (var r in c.Metadata.Dependencies)
        {
            var outiv = new List<object?>();
            foreach (var riv in r.ImportValues)
            {
                switch (riv)
                {
                    case Dictionary<string, object?> iv:
                        {
                            var child = iv.GetValueOrDefault("child") as string ?? "";
                            var parent = iv.GetValueOrDefault("parent") as string ?? "";
                            outiv.Add(new Dictionary<string, object?> { ["child"] = child, ["parent"] = parent });
                            if (Table(cvals, r.Name + "." + child) is not { } vv)
                                continue;
                            b = MergeMaps(b, PathToMap(parent, (Dictionary<string, object?>)GoCast.DeepCopy(vv)!));
                            break;
                        }
                    case string s:
                        {
                            var child = "exports." + s;
                            outiv.Add(new Dictionary<string, object?> { ["child"] = child, ["parent"] = "." });
                            if (Table(cvals, r.Name + "." + child) is not { } vm)
                                continue;
                            b = MergeMaps(b, (Dictionary<string, object?>)GoCast.DeepCopy(vm)!);
                            break;
                        }
                }
            }
            r.ImportValues = outiv;
        }
        c.Values = MergeMaps(b, cvals);
    }

    private static Dictionary<string, object?> PathToMap(string path, Dictionary<string, object?> data)
    {
        if (path == ".")
            return data;
        var parts = path.Split('.', StringSplitOptions.RemoveEmptyEntries);
        var result = data;
        for (var i = parts.Length - 1; i >= 0; i--)
            result = new Dictionary<string, object?> { [parts[i]] = result };
        return result;
    }
}
