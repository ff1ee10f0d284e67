using System.CommandLine;
using Tide.Engine.Helm.Charts;
using Tide.Engine.Helm.Rendering;

namespace Tide.Host.Commands;

/// <summary>`tide helm template [NAME] CHART`: renders a chart in process as `helm template` (v4.1.4) does, with
/// every flag of it that needs no cluster; errors are helm's one-line messages and exit code 1.</summary>
public static class HelmCommand
{
    public static Command Create()
    {
        var command = new Command("helm", "Helm chart operations.");
        command.Subcommands.Add(CreateTemplate());
        return command;
    }

    private static Option<string[]> Repeated(string name, string description, params string[] aliases) =>
        new(name, aliases) { Description = description, AllowMultipleArgumentsPerToken = false, DefaultValueFactory = _ => [] };

    private static Option<bool> Flag(string name, string description, params string[] aliases) =>
        new(name, aliases) { Description = description };

    private static Command CreateTemplate()
    {
        var args = new Argument<string[]>("[NAME] CHART") { Description = "release name (optional) and chart directory or packaged .tgz", Arity = ArgumentArity.ZeroOrMore };
        var values = Repeated("--values", "specify values in a YAML file (can specify multiple, or separate with commas; - for stdin)", "-f");
        var set = Repeated("--set", "set values on the command line (key1=val1,key2=val2)");
        var setString = Repeated("--set-string", "set STRING values on the command line");
        var setFile = Repeated("--set-file", "set values from respective files (key1=path1,key2=path2)");
        var setJson = Repeated("--set-json", "set JSON values on the command line (key1=jsonval1 or a JSON object)");
        var setLiteral = Repeated("--set-literal", "set a literal STRING value on the command line");
        var showOnly = Repeated("--show-only", "only show manifests rendered from the given templates", "-s");
        var apiVersions = Repeated("--api-versions", "Kubernetes api versions used for Capabilities.APIVersions (multiple can be specified)", "-a");
        var labels = Repeated("--labels", "labels that would be added to release metadata (key=value, comma separated)", "-l");
        var ns = new Option<string>("--namespace", "-n") { Description = "namespace scope for this request", DefaultValueFactory = _ => "default" };
        var kubeVersion = new Option<string>("--kube-version") { Description = "Kubernetes version used for Capabilities.KubeVersion" };
        var outputDir = new Option<string>("--output-dir") { Description = "writes the executed templates to files in output-dir instead of stdout" };
        var nameTemplate = new Option<string>("--name-template") { Description = "specify template used to name the release" };
        var description = new Option<string>("--description") { Description = "add a custom description" };
        var skipTests = Flag("--skip-tests", "skip tests from templated output");
        var includeCrds = Flag("--include-crds", "include CRDs in the templated output");
        var skipCrds = Flag("--skip-crds", "if set, no CRDs will be installed (no effect on templated output)");
        var noHooks = Flag("--no-hooks", "prevent hooks from being printed");
        var isUpgrade = Flag("--is-upgrade", "set .Release.IsUpgrade instead of .Release.IsInstall");
        var releaseName = Flag("--release-name", "use release name in the output-dir path");
        var generateName = Flag("--generate-name", "generate the name (and omit the NAME parameter)", "-g");
        var dependencyUpdate = Flag("--dependency-update", "update dependencies if they are missing (only vendored charts are used)");
        var skipSchema = Flag("--skip-schema-validation", "if set, disables JSON schema validation");
        var command = new Command("template", "locally render templates")
        {
            args, values, set, setString, setFile, setJson, setLiteral, showOnly, apiVersions, labels, ns, kubeVersion,
            outputDir, nameTemplate, description, skipTests, includeCrds, skipCrds, noHooks, isUpgrade, releaseName,
            generateName, dependencyUpdate, skipSchema,
        };
        command.SetAction(parse =>
        {
            try
            {
                var positional = parse.GetValue(args) ?? [];
                var (name, chart) = NameAndChart(positional, parse.GetValue(generateName), parse.GetValue(nameTemplate));
                CheckLabels(parse.GetValue(labels)!);
                var valueFiles = CommaSeparated(parse.GetValue(values)!);
                var options = new HelmTemplateOptions(name, chart)
                {
                    Namespace = parse.GetValue(ns)!,
                    ValuesFiles = valueFiles,
                    SetValues = parse.GetValue(set)!,
                    StringValues = parse.GetValue(setString)!,
                    FileValues = parse.GetValue(setFile)!,
                    JsonValues = parse.GetValue(setJson)!,
                    LiteralValues = parse.GetValue(setLiteral)!,
                    Stdin = Console.In.ReadToEnd,
                    ShowOnly = parse.GetValue(showOnly)!,
                    ApiVersions = CommaSeparated(parse.GetValue(apiVersions)!),
                    KubeVersion = parse.GetValue(kubeVersion) is { Length: > 0 } kv ? kv : "v1.35.0",
                    SkipTests = parse.GetValue(skipTests),
                    IncludeCrds = parse.GetValue(includeCrds),
                    NoHooks = parse.GetValue(noHooks),
                    IsUpgrade = parse.GetValue(isUpgrade),
                    UseReleaseName = parse.GetValue(releaseName),
                    SkipSchemaValidation = parse.GetValue(skipSchema),
                    Log = line => Console.Error.WriteLine(line),
                };
                var release = HelmTemplate.RenderRelease(options);
                var output = parse.GetValue(outputDir) is { Length: > 0 } dir
                    ? TemplateOutput.WriteTo(release, options, dir)
                    : TemplateOutput.Print(release, options);
                using var stdout = Console.OpenStandardOutput();
                stdout.Write(System.Text.Encoding.UTF8.GetBytes(output));
                return 0;
            }
            catch (Exception e)
            {
                // Whatever a chart provokes, the user gets helm's kind of answer: its error text and exit code 1,
                // never a stack trace.
                Console.Error.Write(RenderException.Stderr(e));
                return 1;
            }
        });
        return command;
    }

    /// <summary>helm's Install.NameAndChart for `helm template`: NAME CHART, or CHART alone named by
    /// --name-template or "release-name" (helm template's default, which --generate-name leaves as it is).</summary>
    private static (string Name, string Chart) NameAndChart(string[] args, bool generateName, string? nameTemplate)
    {
        if (args.Length == 0)
            throw new ChartException("\"helm template\" requires at least 1 argument\n\nUsage:  helm template [NAME] [CHART] [flags]");
        if (args.Length > 2)
            throw new ChartException($"expected at most two arguments, unexpected arguments: {string.Join(", ", args[2..])}");
        if (args.Length == 2)
        {
            if (generateName)
                throw new ChartException("cannot set --generate-name and also specify a name");
            if (!string.IsNullOrEmpty(nameTemplate))
                throw new ChartException("cannot set --name-template and also specify a name");
            return (args[0], args[1]);
        }
        return (string.IsNullOrEmpty(nameTemplate) ? "release-name" : TemplateEngine.RenderNameTemplate(nameTemplate), args[0]);
    }

    /// <summary>pflag's StringSlice: each occurrence may hold several comma-separated values.</summary>
    private static List<string> CommaSeparated(IEnumerable<string> values) =>
        values.SelectMany(v => v.Length == 0 ? [] : v.Split(',')).ToList();

    private static readonly string[] SystemLabels = ["name", "owner", "status", "version", "createdAt", "modifiedAt"];

    /// <summary>pflag's StringToString (every item key=value), and helm's refusal of its own release labels.</summary>
    private static void CheckLabels(IEnumerable<string> labels)
    {
        foreach (var item in CommaSeparated(labels))
        {
            if (!item.Contains('=', StringComparison.Ordinal))
                throw new ChartException($"invalid argument \"{string.Join(",", labels)}\" for \"-l, --labels\" flag: {item} must be formatted as key=value");
            if (SystemLabels.Contains(item[..item.IndexOf('=', StringComparison.Ordinal)]))
                throw new ChartException($"user supplied labels contains system reserved label name. System labels: [{string.Join(' ', SystemLabels)}]");
        }
    }
}
