using System.Text;
using Tide.Engine.Helm.Charts;
using Tide.Engine.Helm.Functions;
using Tide.Engine.Helm.Template;

namespace Tide.Engine.Helm.Rendering;

/// <summary>
/// Helm's engine.Render: every template of the chart tree is parsed into one template set (deepest paths first, so
/// shallower definitions win), then each non-partial template runs with its chart's scope (.Values, .Chart, .Files,
/// .Subcharts, .Template) and "&lt;no value&gt;" is blanked out.
/// </summary>
public static class TemplateEngine
{
    private const int IncludeRecursionMax = 1000;

    private static readonly IReadOnlyDictionary<string, GoFunction> SharedFunctions = BuildShared();

    private static Dictionary<string, GoFunction> BuildShared()
    {
        var map = new Dictionary<string, GoFunction>(StringComparer.Ordinal);
        foreach (var f in Builtins.All()
                     .Concat(SprigStrings.All())
                     .Concat(SprigCollections.All())
                     .Concat(SprigMath.All())
                     .Concat(SprigMisc.All())
                     .Concat(SprigDates.All())
                     .Concat(SprigCrypto.All())
                     .Concat(SprigPaths.All())
                     .Concat(SerializationFunctions.All()))
            map[f.Name] = f;
        return map;
    }

    private sealed record Renderable(string Text, Dictionary<string, object?> Scope, string BasePath);

    /// <param name="topValues">The render values: Values, Release, Capabilities.</param>
    /// <returns>Rendered text by template path ("chart/templates/x.yaml"), partials excluded.</returns>
    public static Dictionary<string, string> Render(Chart chart, Dictionary<string, object?> topValues)
    {
        var templates = new Dictionary<string, Renderable>(StringComparer.Ordinal);
        CollectTemplates(chart, templates, topValues);
        var set = NewSet();
        var order = SortTemplates(templates.Keys);
        foreach (var name in order)
        {
            try
            {
                set.Parse(name, templates[name].Text);
            }
            catch (TemplateException e)
            {
                throw new RenderException(DescribeParseError(e.Message), duringRender: true);
            }
        }
        var rendered = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in order)
        {
            if (Path.GetFileName(name).StartsWith('_'))
                continue;
            var r = templates[name];
            r.Scope["Template"] = new Dictionary<string, object?> { ["Name"] = name, ["BasePath"] = r.BasePath };
            rendered[name] = set.Execute(name, r.Scope).Replace("<no value>", "", StringComparison.Ordinal);
        }
        return rendered;
    }

    /// <summary>--name-template: the text run as a Go template with Sprig's functions and no data.</summary>
    public static string RenderNameTemplate(string text)
    {
        try
        {
            return NewSet().ParseAndExecute("name-template", text, null);
        }
        catch (TemplateException e)
        {
            throw new ChartException(e.Message);
        }
    }

    /// <summary>Helm's cleanupParseError: "template: NAME:LINE: ...: MSG" becomes "parse error at (NAME:LINE): MSG".</summary>
    private static string DescribeParseError(string message)
    {
        var tokens = message.Split(": ");
        return tokens.Length == 1 ? message : $"parse error at ({tokens[1]}): {tokens[^1]}";
    }

    private static TemplateSet NewSet()
    {
        var includeCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        return new TemplateSet(SharedFunctions, set => BoundFunctions(set, includeCounts));
    }

    private static IEnumerable<GoFunction> BoundFunctions(TemplateSet set, Dictionary<string, int> includeCounts) =>
    [
        GoFunction.Fixed("include", a => Include(set, includeCounts, (string)a[0]!, a[1]), GoParam.String, GoParam.Any),
        GoFunction.Fixed("tpl", a => Tpl(set, (string)a[0]!, a[1]), GoParam.String, GoParam.Any),
    ];

    private static string Include(TemplateSet set, Dictionary<string, int> counts, string name, object? data)
    {
        counts.TryGetValue(name, out var n);
        if (n > IncludeRecursionMax)
            throw new FunctionException($"rendering template has a nested reference name: {name}: unable to execute template");
        counts[name] = n + 1;
        try
        {
            if (!set.Has(name))
                throw new FunctionException($"template: no template \"{name}\" associated with template \"gotpl\"");
            return set.Execute(name, data);
        }
        finally
        {
            counts[name]--;
        }
    }

    /// <summary>Helm v4's tpl: the text is parsed as "gotpl" into a clone of the set (its defines stay local) and run
    /// with the given values; failures come back as this function's own error, as helm words them.</summary>
    private static string Tpl(TemplateSet parent, string text, object? values)
    {
        var clone = parent.Clone();
        try
        {
            return clone.ParseAndExecute("gotpl", text, values).Replace("<no value>", "", StringComparison.Ordinal);
        }
        catch (TemplateException e) when (e.ExecLocation is null)
        {
            throw new FunctionException($"cannot parse template \"{text}\": {e.Message}");
        }
        catch (TemplateException e) when (e.FailMessage is not null)
        {
            // helm finds a `fail`/`required` message through any wrapping, tpl's included.
            throw new FunctionException(e.FailMessage, isFail: true);
        }
        catch (TemplateException e)
        {
            throw new FunctionException($"error during tpl function execution for \"{text}\": {e.Message}");
        }
    }

    /// <summary>recAllTpls: each chart's scope; a subchart sees its own slice of the parent's values.</summary>
    private static Dictionary<string, object?> CollectTemplates(Chart c, Dictionary<string, Renderable> templates,
        Dictionary<string, object?> parentScope)
    {
        var subcharts = new Dictionary<string, object?>();
        object? values;
        if (c.IsRoot)
            values = parentScope["Values"];
        else
            values = parentScope["Values"] is Dictionary<string, object?> pv && pv.GetValueOrDefault(c.Name) is Dictionary<string, object?> mine
                ? mine
                : new Dictionary<string, object?>();
        var scope = new Dictionary<string, object?>
        {
            ["Chart"] = c.Metadata.WithRoot(c.IsRoot),
            ["Files"] = new TemplateFiles(c.Files),
            ["Release"] = parentScope["Release"],
            ["Capabilities"] = parentScope["Capabilities"],
            ["Values"] = values,
            ["Subcharts"] = subcharts,
        };
        foreach (var child in c.Dependencies)
            subcharts[child.Name] = CollectTemplates(child, templates, scope);
        var fullPath = c.FullPath;
        foreach (var t in c.Templates)
        {
            if (c.IsLibrary && !Path.GetFileName(t.Name).StartsWith('_'))
                continue;
            templates[fullPath + "/" + t.Name] = new Renderable(t.Text, scope, fullPath + "/templates");
        }
        return scope;
    }

    /// <summary>Helm's sortTemplates: more path segments first; equal depth in reverse lexical order.</summary>
    private static List<string> SortTemplates(IEnumerable<string> names)
    {
        var list = names.ToList();
        list.Sort((a, b) =>
        {
            var ca = a.Count(ch => ch == '/');
            var cb = b.Count(ch => ch == '/');
            if (ca != cb)
                return cb.CompareTo(ca);
            return string.CompareOrdinal(b, a);
        });
        return list;
    }
}
