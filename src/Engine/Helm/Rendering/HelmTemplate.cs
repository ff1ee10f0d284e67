using System.Text;
using Tide.Engine.Helm.Charts;
using Tide.Engine.Helm.Functions;
using Tide.Engine.Helm.Template;
using Tide.Engine.Helm.Yaml;

namespace Tide.Engine.Helm.Rendering;

/// <summary>`helm template` in process: load, coalesce values, validate, render, sort and print as helm v4 does.</summary>
public static partial class HelmTemplate
{
    public static string Render(HelmTemplateOptions options) => TemplateOutput.Print(RenderRelease(options), options);

    /// <summary>Renders a loaded chart; the chart itself is not changed, so it can be rendered again.</summary>
    public static string Render(Chart loaded, HelmTemplateOptions options) =>
        TemplateOutput.Print(RenderRelease(loaded, ReadUserValues(options), options), options);

    /// <summary>`helm template`'s steps in its order: values from the flags, then the chart, its dependencies, its
    /// kubeVersion, the values schema, and the templates.</summary>
    public static RenderedRelease RenderRelease(HelmTemplateOptions options)
    {
        LocateChart(options.ChartPath);
        var userValues = ReadUserValues(options);
        return RenderRelease(ChartLoader.Load(options.ChartPath), userValues, options);
    }

    /// <summary>helm's LocateChart offline: a path that is not there is either a missing local path or a
    /// repository reference, which cannot be fetched here.</summary>
    private static void LocateChart(string name)
    {
        if (File.Exists(name) || Directory.Exists(name))
            return;
        if (Path.IsPathRooted(name) || name.StartsWith('.'))
            throw new ChartException($"path \"{name}\" not found");
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        throw new ChartException(slash < 0
            ? $"non-absolute URLs should be in form of repo_name/path_to_chart, got: {name}"
            : $"repo {name[..slash]} not found");
    }

    private static RenderedRelease RenderRelease(Chart loaded, Dictionary<string, object?> userValues, HelmTemplateOptions options)
    {
        var chart = loaded.CloneForRender();
        // helm's checkIfInstallable: only application charts (type "" or "application") render.
        if (chart.Metadata.Type is not ("" or "application"))
            throw new ChartException($"{chart.Metadata.Type} charts are not installable");
        if (chart.Metadata.Deprecated)
            options.Log?.Invoke("level=WARN msg=\"this chart is deprecated\"");
        CheckDependencies(chart);
        CheckReleaseName(options.ReleaseName);
        var kubeVersion = new Capabilities.KubeVersionInfo(options.KubeVersion);
        CheckKubeVersion(chart, kubeVersion.ToString());
        ValueTables.ProcessDependencies(chart, userValues);
        var values = ValueTables.Coalesce(chart, userValues);
        if (!options.SkipSchemaValidation)
            ValuesSchema.Validate(chart, values);
        var top = new Dictionary<string, object?>
        {
            ["Values"] = values,
            ["Release"] = new Dictionary<string, object?>
            {
                ["Name"] = options.ReleaseName,
                ["Namespace"] = options.Namespace,
                ["IsUpgrade"] = options.IsUpgrade,
                ["IsInstall"] = !options.IsUpgrade,
                ["Revision"] = 1,
                ["Service"] = "Helm",
            },
            ["Capabilities"] = new Capabilities(kubeVersion, options.ApiVersions),
        };
        Dictionary<string, string> rendered;
        try
        {
            rendered = TemplateEngine.Render(chart, top);
        }
        catch (TemplateException e)
        {
            throw new RenderException(DescribeTemplateError(e), duringRender: true);
        }
        // NOTES.txt files are rendered (their errors count) but never printed.
        foreach (var key in rendered.Keys.Where(k => k.EndsWith("NOTES.txt", StringComparison.Ordinal)).ToList())
            rendered.Remove(key);
        var (manifests, hooks) = ManifestSorter.Sort(rendered);
        var crds = options.IncludeCrds ? CrdObjects(chart) : [];
        return new RenderedRelease(crds, manifests, hooks);
    }

    /// <summary>Helm's values.Options.MergeValues: -f files, then --set-json, --set, --set-string, --set-file and
    /// --set-literal, each kind in its flags' order.</summary>
    private static Dictionary<string, object?> ReadUserValues(HelmTemplateOptions options)
    {
        var values = new Dictionary<string, object?>();
        foreach (var file in options.ValuesFiles)
        {
            object? parsed;
            try
            {
                parsed = GoYaml.Parse(ReadFile(file, options));
            }
            catch (FormatException e)
            {
                throw new RenderException($"failed to parse {file}: error converting YAML to JSON: {e.Message}");
            }
            if (parsed is null)
                continue;
            if (parsed is not Dictionary<string, object?> map)
                throw new RenderException($"failed to parse {file}: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {GoJsonKind(parsed)} into Go value of type map[string]interface {{}}");
            values = ValueTables.MergeMaps(values, map);
        }
        foreach (var json in options.JsonValues)
        {
            var trimmed = json.Trim();
            try
            {
                if (trimmed.StartsWith('{'))
                    values = ValueTables.MergeMaps(values, GoJson.Parse(trimmed) as Dictionary<string, object?> ?? throw new FormatException());
                else
                    StrVals.ParseInto(json, values, StrVals.Mode.Json);
            }
            catch (Exception e) when (e is FormatException or ChartException or FunctionException)
            {
                throw new RenderException(trimmed.StartsWith('{') ? $"failed parsing --set-json data JSON: {json}" : $"failed parsing --set-json data {json}");
            }
        }
        Parse(options.SetValues, "--set", StrVals.Mode.Typed);
        Parse(options.StringValues, "--set-string", StrVals.Mode.String);
        Parse(options.FileValues, "--set-file", StrVals.Mode.File);
        Parse(options.LiteralValues, "--set-literal", StrVals.Mode.Literal);
        return values;

        void Parse(IReadOnlyList<string> sets, string flag, StrVals.Mode mode)
        {
            foreach (var set in sets)
            {
                try
                {
                    StrVals.ParseInto(set, values, mode, path => ReadFile(path, options));
                }
                catch (ChartException e)
                {
                    throw new RenderException($"failed parsing {flag} data: {e.Message}");
                }
            }
        }
    }

    private static string GoJsonKind(object? parsed) => parsed switch
    {
        List<object?> => "array",
        string => "string",
        bool => "bool",
        _ => "number",
    };

    /// <summary>A values file or --set-file path: "-" is standard input; a missing file fails as os.ReadFile.</summary>
    private static string ReadFile(string path, HelmTemplateOptions options)
    {
        if (path.Trim() == "-")
            return options.Stdin?.Invoke() ?? "";
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ChartException($"open {path}: no such file or directory");
        }
        catch (UnauthorizedAccessException)
        {
            throw new ChartException($"open {path}: permission denied");
        }
    }

    // Helm's chartutil.ValidateReleaseName: a DNS-1123 subdomain of at most 53 characters.
    [System.Text.RegularExpressions.GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial System.Text.RegularExpressions.Regex ReleaseNamePattern();

    private static void CheckReleaseName(string name)
    {
        const string check = "release name check failed";
        if (name.Length == 0)
            throw new RenderException($"{check}: release name \"\": no name provided", loggedAs: check);
        if (name.Length > 53 || !ReleaseNamePattern().IsMatch(name))
            throw new RenderException($"{check}: release name {GoFormat.GoQuote(name)}: invalid release name, must match regex {ReleaseNamePattern()} and the length must not be longer than 53", loggedAs: check);
    }

    private static void CheckKubeVersion(Chart chart, string kubeVersion)
    {
        var constraint = chart.Metadata.KubeVersion;
        if (constraint.Length == 0 || !Semver.TryParse(kubeVersion, out var v))
            return;
        if (!Semver.Satisfies(constraint, v!))
            throw new RenderException($"chart requires kubeVersion: {constraint} which is incompatible with Kubernetes {kubeVersion}", duringRender: true);
    }

    private static void CheckDependencies(Chart chart)
    {
        var missing = chart.Metadata.Dependencies
            .Where(d => chart.Dependencies.All(c => c.Name != d.Name))
            .Select(d => d.Name)
            .ToList();
        if (missing.Count > 0)
            throw new RenderException("an error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: " +
                                      $"found in Chart.yaml, but missing in charts/ directory: {string.Join(", ", missing)}");
    }

    /// <summary>The files of crds/ of the chart and its (enabled) subcharts: CRDs Helm creates before the release's
    /// objects, never rendered as templates nor recorded in the release's manifest.</summary>
    internal static List<ManifestSorter.Document> CrdObjects(Chart chart)
    {
        var result = new List<ManifestSorter.Document>();
        foreach (var f in chart.Files)
        {
            if (f.Name.StartsWith("crds/", StringComparison.Ordinal) &&
                (f.Name.EndsWith(".yaml", StringComparison.Ordinal) || f.Name.EndsWith(".yml", StringComparison.Ordinal) || f.Name.EndsWith(".json", StringComparison.Ordinal)))
                result.Add(new ManifestSorter.Document(chart.FullPath + "/" + f.Name, Encoding.UTF8.GetString(f.Data), "CustomResourceDefinition", false));
        }
        foreach (var dep in chart.Dependencies)
            result.AddRange(CrdObjects(dep));
        return result;
    }

    /// <summary>helm v4's rendering of template errors: `fail`/`required` as "execution error at (...)", other
    /// execution errors as a trace of frames, parse errors as Go prints them.</summary>
    public static string DescribeTemplateError(TemplateException e)
    {
        if (e.ExecLocation is null)
            return e.Message;
        if (e.FailMessage is not null)
            return $"execution error at ({e.ExecLocation}): {e.FailMessage}";
        var innermost = e;
        while (innermost.Inner is not null)
            innermost = innermost.Inner;
        // Observed helm v4 behaviour: an error returned by a function (other than include's missing template) is
        // printed as Go's one-line message; executor errors (nil pointers, wrong types) as a trace of frames.
        const string noTemplate = ": template: no template ";
        if (innermost.Detail!.StartsWith("error calling ", StringComparison.Ordinal) && !innermost.Detail.Contains(noTemplate, StringComparison.Ordinal))
            return e.Message;
        var sb = new StringBuilder();
        for (var frame = e; frame is not null; frame = frame.Inner)
        {
            if (sb.Length > 0)
                sb.Append('\n');
            var detail = frame.Detail!;
            var split = detail.IndexOf(noTemplate, StringComparison.Ordinal);
            if (split > 0)
                detail = detail[..(split + 1)] + "\n" + detail[(split + 2)..];
            sb.Append(frame.ExecLocation).Append("\n  executing \"").Append(frame.ExecTemplate).Append("\" at <")
                .Append(frame.ExecContext).Append(">:\n    ").Append(detail);
        }
        return sb.ToString();
    }
}
